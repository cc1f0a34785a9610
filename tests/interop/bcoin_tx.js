'use strict';
// Builds and signs the transactions of tests/interop/interop_test.py with bcoin's own library,
// so that the scripts bcoin's wallet does not spend by itself (P2PK, 2-of-3 P2SH multisig) are
// made and signed by bcoin too. One JSON request on stdin, one JSON answer on stdout.
//   {"op": "keys", "count": N}                      -> {"privs": [hex], "pubs": [hex]}
//   {"op": "scripts", "pubs": [hex x3]}             -> {"p2pk", "redeem", "p2sh"} (hex scripts)
//   {"op": "spend", "tx": hex, "pays": hex script, "privs": [hex], "redeem": hex|null,
//    "to": hex script, "fee": satoshis,
//    "version": n?, "sequence": n?}                 -> {"hex", "txid", "vout"} (vout: the
//                                                      output of tx paying "pays", spent)
//   {"op": "address", "script": hex}                -> {"address"} (bcoin's regtest form)

const bcoin = require('bcoin');
const {KeyRing, MTX, TX, Coin, Script, Address} = bcoin;

function fromHex(s) {
  return Buffer.from(s, 'hex');
}

function handle(req) {
  switch (req.op) {
    case 'keys': {
      const rings = Array.from({length: req.count}, () => KeyRing.generate(true));
      return {
        privs: rings.map(r => r.getPrivateKey('hex')),
        pubs: rings.map(r => r.getPublicKey('hex'))
      };
    }
    case 'scripts': {
      const pubs = req.pubs.map(fromHex);
      const redeem = Script.fromMultisig(2, pubs.length, pubs);
      return {
        p2pk: Script.fromPubkey(pubs[0]).toRaw().toString('hex'),
        redeem: redeem.toRaw().toString('hex'),
        p2sh: Script.fromScripthash(redeem.hash160()).toRaw().toString('hex')
      };
    }
    case 'spend': {
      const prev = TX.fromRaw(fromHex(req.tx));
      const vout = prev.outputs.findIndex(o => o.script.toRaw().toString('hex') === req.pays);
      if (vout < 0)
        throw new Error('no output pays that script');
      const coin = Coin.fromTX(prev, vout, -1);
      const mtx = new MTX();
      if (req.version !== undefined)
        mtx.version = req.version;
      mtx.addCoin(coin);
      if (req.sequence !== undefined)
        mtx.inputs[0].sequence = req.sequence;
      mtx.addOutput({script: Script.fromRaw(fromHex(req.to)), value: coin.value - req.fee});
      const rings = req.privs.map((p) => {
        const ring = KeyRing.fromPrivate(fromHex(p), true);
        if (req.redeem)
          ring.script = Script.fromRaw(fromHex(req.redeem));
        return ring;
      });
      const signed = mtx.sign(rings);
      if (signed === 0 || !mtx.verify())
        throw new Error('bcoin could not sign the spend');
      const tx = mtx.toTX();
      return {hex: tx.toRaw().toString('hex'), txid: tx.txid(), vout};
    }
    case 'address': {
      const addr = Address.fromScript(Script.fromRaw(fromHex(req.script)));
      return {address: addr.toString('regtest')};
    }
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

let input = '';
process.stdin.on('data', (chunk) => {
  input += chunk;
});
process.stdin.on('end', () => {
  process.stdout.write(JSON.stringify(handle(JSON.parse(input))) + '\n');
});
