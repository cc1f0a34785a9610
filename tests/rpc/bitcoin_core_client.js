// Drives a running actorchain node through npm's bitcoin-core client, as a JavaScript user
// would. rpc_test.py starts the node and passes what to expect in the EXPECT environment
// variable (JSON); any mismatch throws and the process exits non-zero.
'use strict';

const assert = require('node:assert/strict');
const { clientOf, expectedClient, runChecks } = require('./expected_client');

async function main() {
  const { expect, client } = expectedClient();

  assert.equal(await client.getBlockCount(), expect.height);
  assert.equal(await client.getBestBlockHash(), expect.best);
  assert.equal(await client.command('getblockhash', 1), expect.hashes[1]);

  const block = await client.getBlock(expect.best, 1);
  assert.equal(block.hash, expect.best);
  assert.equal(block.height, expect.height);
  assert.equal(block.confirmations, 1);
  assert.equal(block.previousblockhash, expect.hashes[expect.height - 1]);
  assert.deepEqual(block.tx, [expect.best_coinbase]);

  const info = await client.getBlockchainInfo();
  assert.equal(info.chain, 'quick');
  assert.equal(info.blocks, expect.height);

  const tx = await client.getRawTransaction(expect.best_coinbase, true, expect.best);
  assert.equal(tx.txid, expect.best_coinbase);
  assert.equal(tx.vout[0].value, 10);
  assert.equal(tx.vout[0].scriptPubKey.address, expect.address);

  const template = await client.getBlockTemplate({ rules: [] });
  assert.equal(template.previousblockhash, expect.best);
  assert.equal(template.height, expect.height + 1);
  await assert.rejects(client.submitBlock('00'), error => {
    assert.equal(error.code, -22);
    assert.equal(error.message, 'Block decode failed');
    return true;
  });

  const batch = await client.command([
    { method: 'getblockcount', parameters: [] },
    { method: 'getblockhash', parameters: [0] }
  ]);
  assert.deepEqual(batch, [expect.height, expect.hashes[0]]);

  await assert.rejects(client.command('getblockhash', 9999), error => {
    assert.equal(error.code, -8);
    assert.equal(error.message, 'Block height out of range');
    return true;
  });
  await assert.rejects(client.command('nosuchmethod'), error => {
    assert.equal(error.code, -32601);
    return true;
  });

  const stranger = clientOf(expect, { username: 'x', password: 'y' });
  await assert.rejects(stranger.getBlockCount(), error => {
    assert.equal(error.code, 401);
    return true;
  });
  console.log('bitcoin-core client: all checks passed');
}

runChecks(main);
