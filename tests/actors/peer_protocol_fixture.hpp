// The peer protocol's test fixture (tests/actors/peer_protocol_test.cpp, peer_announce_test.cpp)
// on CAF's deterministic scheduler, with no socket: the test plays the transport (it sends what
// the peer says and reads what the protocol writes) and fakes the node, the sync coordinator and
// the chain, which record what they are told. Timers run on virtual time.
#pragma once

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "actors/chain_actor.hpp"
#include "actors/listener.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/misbehaviour.hpp"
#include "actors/node_actor.hpp"
#include "actors/peer_link.hpp"
#include "actors/peer_protocol.hpp"
#include "actors/sync_coordinator.hpp"
#include "chain/hash.hpp"
#include "chain/params.hpp"
#include "net/compact_block.hpp"

namespace ac::actors::peer_protocol_testing {

using namespace std::chrono_literals;

using Journal = std::vector<caf::message>;

// An actor that records every message it gets and answers none.
inline caf::behavior recorder(caf::event_based_actor* self, std::shared_ptr<Journal> journal) {
  self->set_default_handler([journal](caf::scheduled_actor*, caf::message_view& x) {
    journal->push_back(x.move_content_to_message());
    return caf::result<caf::message>{caf::message{}};
  });
  return {[](caf::unit_t) {}};
}

// The chain as a session sees it: a tip, and blocks by hash (the ones in `blocks`). Each
// get_block request is recorded in `requests`.
struct FakeChain {
  std::map<Hash256, BlockPtr> blocks;
  std::vector<std::vector<Hash256>> requests;
  std::vector<BlockHeader> headers;                   // the answer to every GetHeadersAfter
  std::vector<std::vector<Hash256>> header_locators;  // the locator of each
  std::map<Hash256, BlockHeader> index;  // what GetBlockHeaders and GetHeaderPlace find
  std::vector<Hash256> locator;          // the answer to GetLocator
  TipInfo tip{Hash256{}, 7, 0};
  std::vector<Hash256> hashes_after;  // the answer to every GetHashesAfter
  std::map<Hash256, int> heights;     // of `blocks`, for GetBlockSummary (default: the tip's)
};

inline caf::behavior fake_chain(caf::event_based_actor*, std::shared_ptr<FakeChain> chain) {
  return {
      [chain](GetTip) { return chain->tip; },
      [chain](GetLocator) { return chain->locator; },
      [chain](const GetHashesAfter&) { return chain->hashes_after; },
      [chain](const GetBlockHeaders& request) {
        std::vector<BlockHeader> found;
        for (const Hash256& hash : request.hashes) {
          auto header = chain->index.find(hash);
          if (header == chain->index.end()) break;
          found.push_back(header->second);
        }
        return found;
      },
      [chain](const GetHeaderPlace& request) {
        return HeaderPlace{chain->index.contains(request.hash), chain->tip.hash == request.hash};
      },
      [chain](const GetHeadersAfter& request) {
        chain->header_locators.push_back(request.locator);
        return chain->headers;
      },
      [chain](const GetBlockSummary& request) {
        std::optional<BlockSummary> summary;
        auto block = chain->blocks.find(request.hash);
        if (block == chain->blocks.end()) return summary;
        summary.emplace();
        summary->record.hash = request.hash;
        auto height = chain->heights.find(request.hash);
        summary->record.height =
            height == chain->heights.end() ? chain->tip.height : height->second;
        summary->record.status = block_status::kHaveData;
        summary->tip_height = chain->tip.height;
        return summary;
      },
      [chain](const GetBlocks& request) {
        chain->requests.push_back(request.hashes);
        std::vector<BlockPtr> found;
        for (const Hash256& hash : request.hashes) {
          auto block = chain->blocks.find(hash);
          found.push_back(block == chain->blocks.end() ? nullptr : block->second);
        }
        return found;
      },
  };
}

// The mempool as a session sees it for BIP35 (its transactions, best first) and BIP152 (those
// whose short id a compact block names).
inline caf::behavior fake_mempool(caf::event_based_actor*, std::vector<TxPtr> txs) {
  return {
      [txs](const SelectTxs&) {
        TxSelection selection;
        selection.txs = txs;
        selection.tx_fees.assign(txs.size(), 0);
        selection.pool_size = txs.size();
        return selection;
      },
      [txs](const MatchShortIds& request) {
        std::vector<TxPtr> found;
        for (const TxPtr& tx : txs)
          for (uint64_t id : request.short_ids)
            if (net::short_id(request.key, tx->txid()) == id) found.push_back(tx);
        return found;
      },
  };
}

template <class T>
std::vector<T> of_type(const Journal& journal) {
  std::vector<T> found;
  for (const caf::message& m : journal)
    if (m.match_elements<T>()) found.push_back(m.get_as<T>(0));
  return found;
}

struct PeerProtocolTest : ::testing::Test {
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  caf::scheduler::test_coordinator* sched = nullptr;
  std::shared_ptr<Journal> node_journal = std::make_shared<Journal>();
  std::shared_ptr<Journal> sync_journal = std::make_shared<Journal>();
  std::shared_ptr<Journal> listener_journal = std::make_shared<Journal>();
  std::shared_ptr<Journal> wire = std::make_shared<Journal>();  // what the protocol writes
  std::shared_ptr<FakeChain> chain = std::make_shared<FakeChain>();
  // One file per test and process: ctest runs the tests of this fixture side by side.
  std::string log_path = ::testing::TempDir() + "peer_protocol_test." + std::to_string(::getpid()) +
                         "." + ::testing::UnitTest::GetInstance()->current_test_info()->name() +
                         ".log";
  LogSinkPtr log;
  PeerContext context;
  caf::actor node, sync, transport, chain_actor, listener, mempool;
  ProtocolActor protocol;

  PeerProtocolTest() {
    config.set("scheduler.policy", caf::atom("testing"));
    system = std::make_unique<caf::actor_system>(config);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(system->scheduler());
    std::FILE* file = std::fopen(log_path.c_str(), "w+");
    log = std::make_shared<LogSink>("9999", file);
    node = system->spawn(recorder, node_journal);
    sync = system->spawn(recorder, sync_journal);
    listener = system->spawn(recorder, listener_journal);
    transport = system->spawn(recorder, wire);
    chain_actor = system->spawn(fake_chain, chain);
    context.node = caf::actor_cast<NodeActor>(node);
    context.sync = caf::actor_cast<SyncActor>(sync);
    context.chain = caf::actor_cast<ChainActor>(chain_actor);
    context.log = log;
    context.magic = quick_params().magic;
    context.params = quick_params();
    context.version_nonce = 1234;
    context.limits.handshake_timeout = 60s;
    context.limits.ping_interval = 60s;
    context.limits.ping_timeout = 120s;
  }

  ~PeerProtocolTest() override {
    for (const caf::actor& a : {node, sync, transport, chain_actor, listener, mempool})
      if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    if (protocol) caf::anon_send_exit(protocol, caf::exit_reason::user_shutdown);
    sched->run();
    std::remove(log_path.c_str());
  }

  // A protocol for a peer at `host`, attached to the test's transport; runs until idle.
  void start(const std::string& host = "127.0.0.2") {
    protocol = spawn_peer_protocol(*system, std::make_shared<const PeerContext>(context),
                                   net::TraceConnection{1, "127.0.0.1:8000", host + ":5000", ""},
                                   host, caf::actor_cast<ListenerActor>(listener));
    caf::anon_send(protocol, PeerTransportAttached{caf::actor_cast<TransportActor>(transport)});
    sched->run();
  }

  void peer_says(net::Message message) {
    caf::anon_send(protocol, PeerMessageIn{std::move(message)});
  }

  // What the protocol wrote to the peer, in order.
  std::vector<net::Message> written() const {
    std::vector<net::Message> out;
    for (const PeerMessageOut& m : of_type<PeerMessageOut>(*wire)) out.push_back(m.message);
    return out;
  }
  // The written messages of type T, in order.
  template <class T>
  std::vector<T> written_of() const {
    std::vector<T> out;
    for (const net::Message& m : written())
      if (const T* x = std::get_if<T>(&m)) out.push_back(*x);
    return out;
  }
  std::vector<std::string> written_commands() const {
    std::vector<std::string> out;
    for (const net::Message& m : written()) out.emplace_back(net::command_of(m));
    return out;
  }
  bool aborted() const { return !of_type<PeerAbort>(*wire).empty(); }

  static net::Version peer_version() {
    net::Version version;
    version.nonce = 99;
    version.start_height = 3;
    return version;
  }

  // Both ways: ready when this returns.
  void handshake() {
    peer_says(peer_version());
    peer_says(net::Verack{});
    sched->run();
  }

  std::string log_text() {
    log->flush();
    std::ifstream in(log_path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  bool alive() {
    // A terminated actor's handle still points at it; ask CAF whether it quit.
    auto* ptr = caf::actor_cast<caf::abstract_actor*>(protocol);
    return !dynamic_cast<caf::local_actor*>(ptr)->getf(caf::abstract_actor::is_terminated_flag);
  }

  BlockPtr add_block(int i) {
    Block block;
    block.header.nonce = static_cast<uint32_t>(i);
    auto shared = std::make_shared<const Block>(block);
    chain->blocks[shared->hash()] = shared;
    return shared;
  }
};

}  // namespace ac::actors::peer_protocol_testing
