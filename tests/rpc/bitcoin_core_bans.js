// setban, listbanned and clearbanned of a running actorchain node through npm's bitcoin-core
// client (setBan, listBanned, clearBanned). ban_test.py starts the node with no bans and passes
// the port and credentials in EXPECT; any mismatch throws and the process exits non-zero.
'use strict';

const assert = require('node:assert/strict');
const { expectedClient, runChecks } = require('./expected_client');

async function main() {
  const { client } = expectedClient();

  assert.equal(await client.setBan('10.20.30.0/24', 'add', 600), null);
  assert.equal(await client.setBan('2001:db8::/32', 'add'), null);
  const bans = await client.listBanned();
  assert.deepEqual(bans.map(ban => ban.address), ['10.20.30.0/24', '2001:db8::/32']);
  assert.equal(bans[0].ban_duration, 600);
  assert.equal(bans[0].banned_until - bans[0].ban_created, 600);
  assert.ok(bans[0].time_remaining > 0 && bans[0].time_remaining <= 600);
  assert.equal(bans[1].ban_duration, 86400);  // the default, --ban-time

  await assert.rejects(client.setBan('10.20.30.0/24', 'add'),
                       { code: -23, message: 'Error: IP/Subnet already banned' });
  await assert.rejects(client.setBan('10.20.30.0/33', 'add'),
                       { code: -30, message: 'Error: Invalid IP/Subnet' });
  assert.equal(await client.setBan('10.20.30.0/24', 'remove'), null);
  await assert.rejects(client.setBan('10.20.30.0/24', 'remove'), { code: -30 });

  assert.equal(await client.clearBanned(), null);
  assert.deepEqual(await client.listBanned(), []);
  console.log('bitcoin-core client: ban checks passed');
}

runChecks(main);
