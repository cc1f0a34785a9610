// Core's mempool RPCs of a running actorchain node through npm's bitcoin-core client.
// mempool_rpc_test.py pays twice (a parent and its child) and passes their txids and fees
// (satoshis) in EXPECT.
'use strict';

const assert = require('node:assert/strict');
const { expectedClient, runChecks } = require('./expected_client');

const sats = btc => Math.round(btc * 1e8);

async function main() {
  const { expect, client } = expectedClient();
  const { parent, child } = expect;
  const [parentFee, childFee] = expect.fees;

  const entry = await client.getMempoolEntry(child);
  assert.deepEqual([...entry.depends], [parent]);
  assert.deepEqual([...entry.spentby], []);
  assert.equal(entry.ancestorcount, 2);
  assert.equal(sats(entry.fees.base), childFee);
  assert.equal(sats(entry.fees.ancestor), parentFee + childFee);

  const pool = await client.getRawMempool(true);
  assert.deepEqual(Object.keys(pool).sort(), [parent, child].sort());
  assert.deepEqual([...pool[parent].spentby], [child]);
  assert.deepEqual([...(await client.getMempoolAncestors(child))], [parent]);
  assert.deepEqual([...(await client.getMempoolDescendants(parent))], [child]);

  const info = await client.getMempoolInfo();
  assert.equal(info.size, 2);
  assert.equal(sats(info.total_fee), parentFee + childFee);

  await assert.rejects(client.getMempoolEntry('11'.repeat(32)), error => {
    assert.equal(error.code, -5);
    assert.equal(error.message, 'Transaction not in mempool');
    return true;
  });
  console.log('bitcoin-core client: mempool checks passed');
}

runChecks(main);
