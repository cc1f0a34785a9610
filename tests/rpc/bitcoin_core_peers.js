// The peer methods (getpeerinfo, getnettotals, ping) of a running actorchain node that has one
// peer, through npm's bitcoin-core client. two_nodes_test.py starts the nodes and passes what to
// expect in the EXPECT environment variable (JSON); any mismatch throws and the process exits
// non-zero.
'use strict';

const assert = require('node:assert/strict');
const { expectedClient, runChecks } = require('./expected_client');

async function main() {
  const { expect, client } = expectedClient();

  const peers = await client.getPeerInfo();
  assert.equal(peers.length, 1);
  const [peer] = peers;
  assert.equal(peer.addr, expect.peer);
  assert.equal(peer.inbound, false);
  assert.equal(peer.connection_type, 'manual');  // dialled because of --connect
  assert.equal(peer.services, '0000000000000001');
  assert.deepEqual(peer.servicesnames, ['NETWORK']);
  assert.equal(peer.version, 70015);
  assert.equal(peer.subver, '/actorchain:0.1/');
  assert.equal(peer.misbehaviour_score, 0);
  for (const field of ['id', 'lastsend', 'lastrecv', 'bytessent', 'bytesrecv', 'conntime',
                       'timeoffset', 'startingheight', 'synced_headers', 'synced_blocks']) {
    assert.equal(typeof peer[field], 'number', field);
  }
  assert.equal(typeof peer.relaytxes, 'boolean');
  assert.equal(peer.bytessent_per_msg.verack, 24);
  assert.equal(peer.bytesrecv_per_msg.verack, 24);
  const sum = counts => Object.values(counts).reduce((a, b) => a + b, 0);
  assert.equal(peer.bytessent, sum(peer.bytessent_per_msg));
  assert.equal(peer.bytesrecv, sum(peer.bytesrecv_per_msg));
  assert.equal(peer.msgssent_per_msg.version, 1);
  assert.equal(peer.msgsrecv_per_msg.version, 1);

  const totals = await client.getNetTotals();
  assert.ok(totals.totalbytessent >= peer.bytessent);
  assert.ok(totals.totalbytesrecv >= peer.bytesrecv);
  assert.ok(Math.abs(totals.timemillis - Date.now()) < 60000);
  assert.equal(totals.uploadtarget.target, 0);
  assert.equal(totals.uploadtarget.target_reached, false);

  // ping: null at once; the ping goes out, so the sent pings grow by one.
  const pings = peer.msgssent_per_msg.ping || 0;
  assert.equal(await client.ping(), null);
  const [after] = await client.getPeerInfo();
  assert.equal(after.msgssent_per_msg.ping, pings + 1);
  console.log('bitcoin-core client: peer checks passed');
}

runChecks(main);
