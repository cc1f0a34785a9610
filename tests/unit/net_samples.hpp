// One populated example of every wire message, shared by the net tests.
#pragma once

#include <vector>

#include "net/messages.hpp"

namespace ac::net::testing {

inline Hash256 filled_hash(uint8_t seed) {
  Hash256 hash;
  for (size_t i = 0; i < hash.size(); ++i) hash.data[i] = static_cast<uint8_t>(seed + i);
  return hash;
}

inline Transaction sample_transaction() {
  Transaction tx;
  tx.inputs.push_back(TxIn{OutPoint{filled_hash(7), 1}, Bytes{0x51, 0x52}, 0xfffffffe});
  tx.outputs.push_back(TxOut{5000, Bytes{0x76, 0xa9}});
  tx.outputs.push_back(TxOut{7000, Bytes{}});
  tx.lock_time = 3;
  return tx;
}

inline std::vector<Message> sample_messages() {
  Version version;
  version.services = kNodeNetwork;
  version.timestamp = 1'700'000'000;
  version.addr_recv = NetAddress::from_endpoint("127.0.0.1:8000", kNodeNetwork).value();
  version.addr_from = NetAddress::from_endpoint("127.0.0.1:8001", kNodeNetwork).value();
  version.nonce = 0x0123456789abcdefULL;
  version.user_agent = "/actorchain:0.1/";
  version.start_height = 3;
  version.relay = false;

  Addr addr;
  addr.addresses.push_back({1'700'000'000, NetAddress::from_endpoint("10.0.0.1:8002").value()});
  addr.addresses.push_back({1'700'000'001, NetAddress::from_endpoint("[::1]:8003").value()});

  GetBlocks getblocks;
  getblocks.locator = {filled_hash(1), filled_hash(2)};
  getblocks.hash_stop = filled_hash(3);

  std::vector<InvItem> items = {{kMsgBlock, filled_hash(4)}, {kMsgTx, filled_hash(5)}};

  Block block;
  block.header.prev_block = filled_hash(9);
  block.header.merkle_root = filled_hash(10);
  block.header.time = 1'700'000'000;
  block.header.bits = 0x1f010000;
  block.header.nonce = 42;
  block.transactions = {sample_transaction(), sample_transaction()};

  return {version,
          Verack{},
          addr,
          getblocks,
          Inv{items},
          GetData{items},
          NotFound{items},
          BlockMessage{block},
          TxMessage{sample_transaction()},
          Ping{0x1122334455667788ULL},
          Pong{0x8877665544332211ULL},
          GetAddr{},
          GetHeaders{kProtocolVersion, {filled_hash(11)}, filled_hash(12)},
          Headers{{block.header, block.header}},
          SendHeaders{},
          MemPool{},
          SendCmpct{true, 1},
          CmpctBlock{block.header,
                     0x0102030405060708ULL,
                     {0x0000a1a2a3a4a5a6ULL, 0x0000ffffffffffffULL},
                     {PrefilledTx{0, sample_transaction()}, PrefilledTx{3, sample_transaction()}}},
          GetBlockTxn{filled_hash(13), {1, 2, 5, 300}},
          BlockTxn{filled_hash(14), {sample_transaction(), sample_transaction()}}};
}

}  // namespace ac::net::testing
