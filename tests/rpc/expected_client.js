// What the npm bitcoin-core checks share: the Python test that runs them passes what to expect
// in the EXPECT environment variable (JSON, with the node's port and credentials); any failed
// check throws, and the process then exits non-zero.
'use strict';

const Client = require('bitcoin-core');

// A bitcoin-core client of the node at `expect.port`, with the given credentials.
function clientOf(expect, { username, password }) {
  return new Client({
    host: `http://127.0.0.1:${expect.port}`,
    username,
    password,
    timeout: 10000
  });
}

// EXPECT, and a client of the node it names with the credentials it gives.
function expectedClient() {
  const expect = JSON.parse(process.env.EXPECT);
  return { expect, client: clientOf(expect, expect) };
}

// Runs the async `checks`; a failure is printed and ends the process with exit code 1.
function runChecks(checks) {
  checks().catch(error => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { clientOf, expectedClient, runChecks };
