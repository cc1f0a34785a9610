// abandontransaction of a running actorchain node through npm's bitcoin-core client
// (abandonTransaction). wallet_reorg_test.py passes, in EXPECT, a payment of the node's wallet
// it has abandoned already (`lost`) and a txid that is not the wallet's (`unknown`).
'use strict';

const assert = require('node:assert/strict');
const { expectedClient, runChecks } = require('./expected_client');

async function main() {
  const { expect, client } = expectedClient();
  assert.equal(await client.abandonTransaction(expect.lost), null);
  await assert.rejects(client.abandonTransaction(expect.unknown), error => {
    assert.equal(error.code, -5);
    assert.equal(error.message, 'Invalid or non-wallet transaction id');
    return true;
  });
  console.log('bitcoin-core client: abandon checks passed');
}

runChecks(main);
