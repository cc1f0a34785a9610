// invalidateblock and reconsiderblock of a running actorchain node through npm's bitcoin-core
// client (which has no named methods for them: they are called by name, as Core's hidden
// methods are). invalidate_test.py mines three blocks and passes their hashes in EXPECT.
'use strict';

const assert = require('node:assert/strict');
const { expectedClient, runChecks } = require('./expected_client');

async function main() {
  const { expect, client } = expectedClient();
  const [first, second, third] = expect.blocks;

  assert.equal(await client.getBlockCount(), 3);
  assert.equal(await client.command('invalidateblock', second), null);
  assert.equal(await client.getBlockCount(), 1);
  assert.equal(await client.getBestBlockHash(), first);
  const tips = await client.getChainTips();
  assert.deepEqual({ ...tips[0] }, { height: 1, hash: first, branchlen: 0, status: 'active' });
  assert.deepEqual({ ...tips.find(tip => tip.hash === third) },
                   { height: 3, hash: third, branchlen: 2, status: 'invalid' });

  assert.equal(await client.command('reconsiderblock', second), null);
  assert.equal(await client.getBlockCount(), 3);
  assert.equal(await client.getBestBlockHash(), third);

  await assert.rejects(client.command('invalidateblock', '11'.repeat(32)), error => {
    assert.equal(error.code, -5);
    assert.equal(error.message, 'Block not found');
    return true;
  });
  console.log('bitcoin-core client: invalidate checks passed');
}

runChecks(main);
