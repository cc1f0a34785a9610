// tx_flood: the load test's transaction source. Many P2P connections push valid and invalid
// transactions at one node as fast as it reads them, while every connection keeps reading what
// the node sends (relayed invs, pings), as a well-behaved peer must.
//
//   tx_flood prepare --store DIR --coins FILE [--valid N]
//     The coins to spend. Writes a quick-params chain into a fresh store at DIR (a node's
//     <datadir>/<NODE_ID>/chainstate) through ChainState, so every block is validated: a genesis
//     whose coinbase pays the flood key (derived from a fixed label, so both commands know it),
//     empty blocks until that reward matures, then one block holding a fan-out transaction that
//     splits the reward into N + kBadTxs P2PKH outputs to the same key. FILE receives the
//     fan-out transaction in hex: output i is the coin of valid transaction i, the last kBadTxs
//     outputs fund the consensus-invalid ones.
//
//   tx_flood flood --target HOST:PORT --coins FILE [--valid N] [--invalid M]
//                  [--connections C] [--txids FILE] [--timeout S] [--bad-wait S]
//     Signs everything first (not timed), opens C connections plus one per consensus-invalid
//     transaction, completes the version/verack handshake on each, then pushes:
//       - N valid transactions, each spending one fan-out output, spread round-robin over the C
//         connections;
//       - of the M invalid ones, all but kBadTxs are refused by the node for ordinary reasons
//         and cost the connection nothing: conflicting spends of the valid transactions' coins,
//         each sent right after the transaction it conflicts with on the same connection (a
//         session hands its messages to the mempool in order, so the valid one always comes
//         first), and spends of outputs that do not exist;
//       - kBadTxs consensus-invalid transactions (bad signature, outputs over inputs), one per
//         extra connection, which the node is expected to drop.
//     A transaction counts as accepted when the node announces it back (inv) on another of the
//     connections; a ping after the last transaction of each connection tells, by its pong,
//     when the node has read them all. The run ends when every valid transaction is accepted,
//     every pong is back and every extra connection is dropped (or --bad-wait seconds after the
//     last acceptance), or at --timeout. Rates are counted from the first transaction on:
//     read_per_s (all transactions, until the last pong), accepted_per_s (valid ones, until the
//     last is announced).
//     --txids FILE lists "valid <txid>" and "invalid <txid>" lines, for a test to check blocks.
//
// Both commands end with one line of key=value pairs. Exit status of flood: 0 when every valid
// transaction was accepted and no flooding connection was dropped, 1 otherwise.
#include <poll.h>

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "chain/block_assembly.hpp"
#include "chain/chain_storage.hpp"
#include "chain/hash.hpp"
#include "chain/params.hpp"
#include "chain/pow.hpp"
#include "chain/script.hpp"
#include "chain/script_verify.hpp"
#include "chain/store.hpp"
#include "net/header.hpp"
#include "net/messages.hpp"
#include "p2p/client.hpp"
#include "tests/tools/tool_support.hpp"
#include "wallet/key.hpp"
#include "wallet/tx_builder.hpp"

namespace ac::load {
namespace {

using Clock = std::chrono::steady_clock;
using tools::count_option;
using tools::fixed_key;
using tools::mine_block;
using tools::open_fresh_chain;
using tools::option_or;
using tools::Options;
using tools::sign_spends;
using tools::system_seconds;

// Consensus-invalid transactions, each on a connection of its own: half bad signatures, half
// overspends.
constexpr int kBadTxs = 10;
constexpr Amount kFee = 1'000;
// Conflicting spends pay more than the transaction they conflict with, as a replacement would.
constexpr Amount kConflictFee = 2'000;
// Bytes queued on a socket at a time: enough to keep the kernel buffer full.
constexpr size_t kWriteChunk = 64 * 1024;
constexpr uint64_t kLastPingNonce = 0x7478666c6f6f64;

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// One input spending `coin`, one output of `value` to `script`, signed by `key`.
Result<Transaction> make_spend(const wallet::Signer& signer, const wallet::PrivateKey& key,
                               const wallet::SpendableCoin& coin, Amount value,
                               const Bytes& script) {
  Transaction tx;
  tx.inputs.push_back(TxIn{coin.outpoint, {}, 0xffffffff});
  tx.outputs.push_back(TxOut{value, script});
  if (Status signed_ok = sign_spends(signer, key, std::span(&coin, 1), tx); !signed_ok)
    return signed_ok.error();
  return tx;
}

Status prepare(const Options& options) {
  const ChainParams params = quick_params();
  auto valid = count_option(options, "valid", 5000, 0);
  if (!valid) return valid.error();
  const std::string store_path = option_or(options, "store", "");
  const std::string coins_path = option_or(options, "coins", "");
  if (store_path.empty() || coins_path.empty())
    return make_error("bad-arguments", "prepare needs --store DIR and --coins FILE");
  auto signer = wallet::Signer::create();
  if (!signer) return signer.error();
  auto key = fixed_key(*signer, "tx_flood coins");
  if (!key) return key.error();
  const Bytes script = p2pkh_script(key->pubkey_hash());

  auto storage = open_fresh_chain(store_path, params, 1);
  if (!storage) return storage.error();
  ChainState* chain = storage->chain.get();

  // Block times one second apart, ending well before now: above the median time past and
  // never in the future, and the node's miner continues with the clock.
  const int blocks = params.coinbase_maturity + 1;
  const int64_t first_time = system_seconds() - blocks - 3600;

  auto genesis = mine_block(*chain, params, script, first_time);
  if (!genesis) return genesis.error();
  const wallet::SpendableCoin reward{OutPoint{genesis->transactions[0].txid(), 0},
                                     Coin{genesis->transactions[0].outputs[0], 0, true}};

  const int outputs = *valid + kBadTxs;
  Transaction fan_out;
  fan_out.inputs.push_back(TxIn{reward.outpoint, {}, 0xffffffff});
  const Amount share = reward.coin.output.value / outputs;
  if (share <= kConflictFee + 1)
    return make_error("bad-arguments", "too many outputs for the genesis reward");
  for (int i = 0; i < outputs; ++i) fan_out.outputs.push_back(TxOut{share, script});
  if (Status signed_ok = sign_spends(*signer, *key, std::span(&reward, 1), fan_out); !signed_ok)
    return signed_ok;

  // The fan-out goes into the last block, once the genesis reward has matured.
  for (int height = 1; height <= blocks; ++height) {
    std::vector<Transaction> txs;
    if (height == blocks) txs.push_back(fan_out);
    auto block = mine_block(*chain, params, script, first_time + height, std::move(txs),
                            height == blocks ? reward.coin.output.value - share * outputs : 0);
    if (!block) return block.error();
  }

  std::ofstream out(coins_path, std::ios::trunc);
  out << to_hex(fan_out.serialize()) << '\n';
  out.close();
  if (!out) return make_error("coins-write-failed", coins_path);
  const auto tip = chain->tip();
  fmt::print("prepared height={} tip={} coins={} fan_out={}\n", tip->height, tip->hash.hex(),
             outputs, fan_out.txid().hex());
  return {};
}

Result<Transaction> read_fan_out(const std::string& path) {
  std::ifstream in(path);
  std::string hex;
  if (!in || !std::getline(in, hex)) return make_error("no-coins", path);
  auto bytes = from_hex(hex);
  if (!bytes) return make_error("bad-coins", path);
  return decode_transaction(*bytes);
}

// A tx message ready for the socket.
struct Outgoing {
  Bytes frame;
  bool valid = false;
};
using Queue = std::vector<Outgoing>;

// What the flood sends: every message pre-encoded, and which txids are which.
struct Plan {
  // Per flooding connection, its frames in sending order.
  std::vector<Queue> flood;
  // Per extra connection, its one consensus-invalid transaction.
  std::vector<Queue> bad;
  std::vector<Hash256> valid;
  std::vector<Hash256> invalid;
  int conflicts = 0;
  int missing = 0;
};

Result<Plan> make_plan(const net::Magic& magic, const Transaction& fan_out, int valid, int invalid,
                       int connections) {
  if (fan_out.outputs.size() < static_cast<size_t>(valid + kBadTxs))
    return make_error("bad-arguments", "the coins file has fewer outputs than --valid needs");
  if (invalid < kBadTxs)
    return make_error("bad-arguments", fmt::format("--invalid must be at least {}", kBadTxs));
  auto signer = wallet::Signer::create();
  if (!signer) return signer.error();
  auto key = fixed_key(*signer, "tx_flood coins");
  auto payee = fixed_key(*signer, "tx_flood payee");
  if (!key) return key.error();
  if (!payee) return payee.error();
  const Bytes key_script = p2pkh_script(key->pubkey_hash());
  const Bytes payee_script = p2pkh_script(payee->pubkey_hash());
  const Hash256 fan_out_txid = fan_out.txid();
  auto coin = [&](int index) {
    return wallet::SpendableCoin{OutPoint{fan_out_txid, static_cast<uint32_t>(index)},
                                 Coin{fan_out.outputs[static_cast<size_t>(index)], 1, false}};
  };

  Plan plan;
  plan.flood.resize(static_cast<size_t>(connections));
  // A fifth of the ordinary invalid ones spend outputs that do not exist, the rest conflict.
  const int ordinary = invalid - kBadTxs;
  plan.missing = ordinary / 5;
  plan.conflicts = ordinary - plan.missing;
  if (plan.conflicts > valid) {
    plan.conflicts = valid;
    plan.missing = ordinary - valid;
  }
  auto frame = [&](const Transaction& tx, bool is_valid) {
    return Outgoing{net::encode_frame(magic, net::TxMessage{tx}), is_valid};
  };

  int missing_made = 0;
  for (int i = 0; i < valid; ++i) {
    auto& queue = plan.flood[static_cast<size_t>(i % connections)];
    const wallet::SpendableCoin spent = coin(i);
    const Amount value = spent.coin.output.value;
    auto tx = make_spend(*signer, *key, spent, value - kFee, payee_script);
    if (!tx) return tx.error();
    plan.valid.push_back(tx->txid());
    queue.push_back(frame(*tx, true));
    if (i < plan.conflicts) {
      auto conflict = make_spend(*signer, *key, spent, value - kConflictFee, key_script);
      if (!conflict) return conflict.error();
      plan.invalid.push_back(conflict->txid());
      queue.push_back(frame(*conflict, false));
    }
    // The spends of missing outputs spread evenly among the rest.
    const int due = static_cast<int>(static_cast<int64_t>(plan.missing) * (i + 1) / valid);
    for (; missing_made < due; ++missing_made) {
      const std::string label = fmt::format("tx_flood missing {}", missing_made);
      const wallet::SpendableCoin absent{OutPoint{sha256d(as_span(label)), 0},
                                         Coin{TxOut{value, key_script}, 1, false}};
      auto orphan = make_spend(*signer, *key, absent, value - kFee, payee_script);
      if (!orphan) return orphan.error();
      plan.invalid.push_back(orphan->txid());
      queue.push_back(frame(*orphan, false));
    }
  }

  for (int b = 0; b < kBadTxs; ++b) {
    const wallet::SpendableCoin spent = coin(valid + b);
    const Amount value = spent.coin.output.value;
    Result<Transaction> tx = make_error("unset");
    if (b % 2 == 0) {
      // Signed for one output value, sent with another: the signature no longer matches.
      tx = make_spend(*signer, *key, spent, value - kFee, payee_script);
      if (tx) tx->outputs[0].value -= 1;
    } else {
      tx = make_spend(*signer, *key, spent, value + 1, payee_script);
    }
    if (!tx) return tx.error();
    plan.invalid.push_back(tx->txid());
    plan.bad.push_back(Queue{frame(*tx, false)});
  }
  return plan;
}

// One P2P connection (the shared client, used without blocking once the handshake is done):
// outgoing bytes and what the flood has seen on it.
struct Connection {
  explicit Connection(p2p::Client connected) : client(std::move(connected)) {}
  p2p::Client client;
  bool bad = false;  // carries a consensus-invalid transaction: expected to be dropped
  bool closed = false;
  std::string close_reason;
  Bytes out;
  size_t out_at = 0;
  const Queue* queue = nullptr;  // frames to push once the flood starts
  size_t next = 0;
  bool ping_queued = false;  // the ping after the last transaction
  bool pong_received = false;
};

class Flood {
 public:
  Flood(const ChainParams& params, Plan plan) : magic_(params.magic), plan_(std::move(plan)) {
    for (size_t i = 0; i < plan_.valid.size(); ++i) valid_index_.emplace(plan_.valid[i], i);
    invalid_set_.insert(plan_.invalid.begin(), plan_.invalid.end());
    valid_seen_.assign(plan_.valid.size(), false);
  }
  Flood(const Flood&) = delete;
  Flood& operator=(const Flood&) = delete;

  // Connects and completes the version/verack handshake on every connection, one after the
  // other. Reasons: as p2p::Client::connect, "handshake-failed".
  Status connect_all(const std::string& target) {
    for (size_t i = 0; i < plan_.flood.size() + plan_.bad.size(); ++i) {
      auto client = p2p::Client::connect(target, magic_);
      if (!client) return client.error();
      net::Version version = p2p::client_version("/tx_flood/", 0);
      if (!client->handshake(p2p::Duration(10'000), version))
        return make_error("handshake-failed",
                          client->open() ? "no verack in time" : client->close_reason().message());
      Connection& c = connections_.emplace_back(std::move(*client));
      c.bad = i >= plan_.flood.size();
      c.queue = c.bad ? &plan_.bad[i - plan_.flood.size()] : &plan_.flood[i];
    }
    return {};
  }

  // Floods until the goal or the deadline.
  void run(Clock::duration timeout, Clock::duration bad_wait) {
    const auto deadline = Clock::now() + timeout;
    std::vector<pollfd> fds(connections_.size());
    start_ = Clock::now();
    // What arrived after each handshake may already sit in the client's buffer.
    for (Connection& c : connections_) read_from(c);
    while (Clock::now() < deadline) {
      if (all_read_ && accepted_valid_ == plan_.valid.size()) {
        if (bad_dropped() == plan_.bad.size() || Clock::now() >= last_accept_ + bad_wait) break;
      }
      for (size_t i = 0; i < connections_.size(); ++i) {
        Connection& c = connections_[i];
        refill(c);
        fds[i].fd = c.closed ? -1 : c.client.fd();
        fds[i].events = POLLIN | (c.out_at < c.out.size() ? POLLOUT : 0);
        fds[i].revents = 0;
      }
      if (poll(fds.data(), fds.size(), 50) < 0 && errno != EINTR) break;
      for (size_t i = 0; i < connections_.size(); ++i) {
        Connection& c = connections_[i];
        if (c.closed) continue;
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) read_from(c);
        if (!c.closed && (fds[i].revents & POLLOUT)) write_to(c);
      }
      if (!all_read_ && all_pongs_received()) {
        all_read_ = true;
        read_end_ = Clock::now();
      }
    }
    end_ = Clock::now();
  }

  size_t accepted_valid() const { return accepted_valid_; }

  void print_summary(size_t flood_connections) const {
    size_t flood_dropped = 0;
    for (const Connection& c : connections_)
      if (!c.bad && c.closed) {
        ++flood_dropped;
        std::fprintf(stderr, "tx_flood: flooding connection dropped: %s\n", c.close_reason.c_str());
      }
    const double seconds = seconds_between(start_, end_);
    const double accept_seconds = seconds_between(start_, last_accept_);
    const double read_seconds = seconds_between(start_, all_read_ ? read_end_ : end_);
    const size_t sent_invalid = sent_frames_invalid();
    fmt::print(
        "flood connections={} sent_valid={} sent_invalid={} accepted_valid={} "
        "accepted_invalid={} flood_dropped={} bad_dropped={}/{} seconds={:.2f} "
        "read_seconds={:.2f} accept_seconds={:.2f} read_per_s={:.0f} accepted_per_s={:.0f}\n",
        flood_connections, sent_valid_, sent_invalid, accepted_valid_, accepted_invalid_,
        flood_dropped, bad_dropped(), plan_.bad.size(), seconds, read_seconds, accept_seconds,
        read_seconds > 0 ? static_cast<double>(sent_valid_ + sent_invalid) / read_seconds : 0.0,
        accept_seconds > 0 ? static_cast<double>(accepted_valid_) / accept_seconds : 0.0);
  }

  bool flood_dropped() const {
    for (const Connection& c : connections_)
      if (!c.bad && c.closed) return true;
    return false;
  }

 private:
  template <class T>
  void queue_message(Connection& c, const T& message) {
    Bytes frame = net::encode_frame(magic_, message);
    c.out.insert(c.out.end(), frame.begin(), frame.end());
  }

  bool all_pongs_received() const {
    for (const Connection& c : connections_)
      if (!c.bad && !c.pong_received) return false;
    return true;
  }
  size_t bad_dropped() const {
    size_t dropped = 0;
    for (const Connection& c : connections_)
      if (c.bad && c.closed) ++dropped;
    return dropped;
  }
  size_t sent_frames_invalid() const { return sent_total_ - sent_valid_; }

  // Tops up the outgoing bytes from the connection's queue.
  void refill(Connection& c) {
    if (c.closed || !c.queue) return;
    if (c.out_at == c.out.size()) {
      c.out.clear();
      c.out_at = 0;
    }
    while (c.out.size() - c.out_at < kWriteChunk && c.next < c.queue->size()) {
      const Outgoing& outgoing = (*c.queue)[c.next++];
      c.out.insert(c.out.end(), outgoing.frame.begin(), outgoing.frame.end());
      ++sent_total_;
      if (outgoing.valid) ++sent_valid_;
    }
    // The session handles a peer's messages in order: its pong tells that it has read them all.
    if (!c.bad && !c.ping_queued && c.next == c.queue->size()) {
      c.ping_queued = true;
      queue_message(c, net::Ping{kLastPingNonce});
    }
  }

  void write_to(Connection& c) {
    c.out_at += c.client.write_some(ByteSpan(c.out).subspan(c.out_at));
    if (!c.client.open()) mark_closed(c);
  }

  void read_from(Connection& c) {
    c.client.read_available([&](const net::Message& message) { handle(c, message); });
    if (!c.client.open()) mark_closed(c);
  }

  void mark_closed(Connection& c) {
    c.closed = true;
    c.close_reason = c.client.close_reason().message();
  }

  void handle(Connection& c, const net::Message& message) {
    if (const auto* ping = std::get_if<net::Ping>(&message)) {
      queue_message(c, net::Pong{ping->nonce});
    } else if (const auto* pong = std::get_if<net::Pong>(&message)) {
      if (pong->nonce == kLastPingNonce) c.pong_received = true;
    } else if (const auto* inv = std::get_if<net::Inv>(&message)) {
      for (const net::InvItem& item : inv->items) {
        if (item.type != net::kMsgTx) continue;
        if (auto found = valid_index_.find(item.hash); found != valid_index_.end()) {
          if (!valid_seen_[found->second]) {
            valid_seen_[found->second] = true;
            ++accepted_valid_;
            last_accept_ = Clock::now();
          }
        } else if (invalid_set_.contains(item.hash) && invalid_seen_.insert(item.hash).second) {
          ++accepted_invalid_;
          std::fprintf(stderr, "tx_flood: the node accepted invalid tx %s\n",
                       item.hash.hex().c_str());
        }
      }
    }
  }

  net::Magic magic_;
  Plan plan_;
  std::vector<Connection> connections_;
  std::unordered_map<Hash256, size_t> valid_index_;
  std::unordered_set<Hash256> invalid_set_;
  std::vector<bool> valid_seen_;
  std::unordered_set<Hash256> invalid_seen_;
  size_t accepted_valid_ = 0;
  size_t accepted_invalid_ = 0;
  size_t sent_valid_ = 0;
  size_t sent_total_ = 0;
  bool all_read_ = false;
  Clock::time_point start_;
  Clock::time_point read_end_;
  Clock::time_point last_accept_;
  Clock::time_point end_;
};

Status write_txids(const std::string& path, const Plan& plan) {
  std::ofstream out(path, std::ios::trunc);
  for (const Hash256& txid : plan.valid) out << "valid " << txid.hex() << '\n';
  for (const Hash256& txid : plan.invalid) out << "invalid " << txid.hex() << '\n';
  out.close();
  if (!out) return make_error("txids-write-failed", path);
  return {};
}

// Exit status: 0 success, 1 goal missed, 2 bad usage or setup failure.
int flood(const Options& options) {
  const ChainParams params = quick_params();
  auto valid = count_option(options, "valid", 5000, 0);
  auto invalid = count_option(options, "invalid", 5000, 0);
  auto connections = count_option(options, "connections", 32, 0);
  auto timeout = count_option(options, "timeout", 300, 0);
  auto bad_wait = count_option(options, "bad-wait", 10, 0);
  for (const auto* option : {&valid, &invalid, &connections, &timeout, &bad_wait})
    if (!*option) {
      std::fprintf(stderr, "tx_flood: %s\n", option->error().message().c_str());
      return 2;
    }
  const std::string target = option_or(options, "target", "");
  const std::string coins_path = option_or(options, "coins", "");
  if (target.empty() || coins_path.empty() || *valid < 1 || *connections < 1) {
    std::fprintf(stderr,
                 "tx_flood: flood needs --target HOST:PORT, --coins FILE, --valid >= 1 "
                 "and --connections >= 1\n");
    return 2;
  }
  auto fan_out = read_fan_out(coins_path);
  if (!fan_out) {
    std::fprintf(stderr, "tx_flood: %s\n", fan_out.error().message().c_str());
    return 2;
  }
  const auto signing_start = Clock::now();
  auto plan = make_plan(params.magic, *fan_out, *valid, *invalid, *connections);
  if (!plan) {
    std::fprintf(stderr, "tx_flood: %s\n", plan.error().message().c_str());
    return 2;
  }
  fmt::print("signed valid={} conflicts={} missing_inputs={} consensus_invalid={} seconds={:.2f}\n",
             plan->valid.size(), plan->conflicts, plan->missing, plan->bad.size(),
             seconds_between(signing_start, Clock::now()));
  if (auto path = option_or(options, "txids", ""); !path.empty()) {
    if (Status written = write_txids(path, *plan); !written) {
      std::fprintf(stderr, "tx_flood: %s\n", written.error().message().c_str());
      return 2;
    }
  }
  Flood run(params, std::move(*plan));
  if (Status connected = run.connect_all(target); !connected) {
    std::fprintf(stderr, "tx_flood: %s\n", connected.error().message().c_str());
    // A node that does not finish the handshakes misses the goal; anything else is setup.
    return connected.reason() == "handshake-failed" ? 1 : 2;
  }
  run.run(std::chrono::seconds(*timeout), std::chrono::seconds(*bad_wait));
  run.print_summary(static_cast<size_t>(*connections));
  const bool ok = run.accepted_valid() == static_cast<size_t>(*valid) && !run.flood_dropped();
  return ok ? 0 : 1;
}

int main_with(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tx_flood prepare|flood --name value ...\n");
    return 2;
  }
  auto options = tools::parse_options(argc, argv);
  if (!options) {
    std::fprintf(stderr, "tx_flood: %s\n", options.error().message().c_str());
    return 2;
  }
  const std::string command = argv[1];
  if (command == "flood") return flood(*options);
  if (command != "prepare") {
    std::fprintf(stderr, "tx_flood: unknown command %s\n", command.c_str());
    return 2;
  }
  if (Status prepared = prepare(*options); !prepared) {
    std::fprintf(stderr, "tx_flood: %s\n", prepared.error().message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace ac::load

int main(int argc, char** argv) {
  return ac::load::main_with(argc, argv);
}
