#include "tests/hostile/scenarios.hpp"

#include <poll.h>

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <ctime>
#include <random>
#include <thread>

#include "chain/coinbase.hpp"
#include "chain/serialize.hpp"
#include "tests/hostile/forge.hpp"

namespace ac::hostile {

namespace {

using std::chrono::seconds;

// ---- observing the node -------------------------------------------------------------------

Observation failed(std::string why) {
  return Observation{Outcome::failed, 0, false, std::move(why)};
}

// Waits `wait` for the node to close the connection; when it does not, checks with a ping
// that it is really still there.
Observation observe(Connection& connection, Clock::time_point offence, Duration wait) {
  if (connection.wait_closed(wait)) {
    double after = std::chrono::duration<double>(connection.closed_at() - offence).count();
    return Observation{Outcome::disconnected, after, false, {}};
  }
  if (connection.ping_pong(Duration(5'000))) return Observation{Outcome::connected, 0, true, {}};
  if (!connection.open()) {
    double after = std::chrono::duration<double>(connection.closed_at() - offence).count();
    return Observation{Outcome::disconnected, after, false, {}};
  }
  // E.g. a node still reading a payload its header promised: our ping is taken for part of it.
  return Observation{Outcome::connected, 0, false, "no pong either"};
}

// For an input that should cost the connection.
Observation expect_close(const ScenarioContext& context, Connection& connection,
                         Clock::time_point offence) {
  return observe(connection, offence, context.timeout);
}

// For an input the node should let pass.
Observation expect_stay(const ScenarioContext& context, Connection& connection,
                        Clock::time_point offence) {
  return observe(connection, offence, context.settle);
}

Result<Connection> connect(const ScenarioContext& context) {
  return Connection::connect(context.connect, context.params.magic);
}

// Connected, handshake done; `extra_height` as hostile::handshake.
Result<Connection> connect_ready(const ScenarioContext& context, int32_t& node_height,
                                 int extra_height = 0) {
  auto connection = connect(context);
  if (!connection) return connection.error();
  auto height = handshake(*connection, Duration(10'000), extra_height);
  if (!height) return make_error("no-handshake");
  node_height = *height;
  return connection;
}

// A new connection from the same IP: refused (closed before the node's version) or not.
Observation try_reconnect(const ScenarioContext& context) {
  auto connection = connect(context);
  if (!connection) return Observation{Outcome::refused, 0, false, connection.error().message()};
  auto start = Clock::now();
  auto version = connection->wait_for<net::Version>(Duration(5'000));
  if (version) return Observation{Outcome::connected, 0, false, "reconnect accepted"};
  if (!connection->open()) return Observation{Outcome::refused, seconds_since(start), false, {}};
  return failed("reconnected, but the node sent no version");
}

// After a disconnection that must not discourage: a new connection completes its handshake.
Observation then_not_refused(const ScenarioContext& context, Observation first) {
  if (first.outcome != Outcome::disconnected) return first;
  Observation again = try_reconnect(context);
  if (again.outcome == Outcome::connected) {
    first.outcome = Outcome::disconnected_not_refused;
    return first;
  }
  first.detail = "reconnect " + std::string(outcome_name(again.outcome));
  return first;
}

// ---- raw frames ---------------------------------------------------------------------------

// A 24-byte header claiming `length` payload bytes, whatever follows.
Bytes raw_header(const net::Magic& magic, std::string_view command, uint32_t length) {
  Bytes out(magic.begin(), magic.end());
  std::array<uint8_t, net::kCommandBytes> name{};
  std::copy(command.begin(), command.end(), name.begin());
  out.insert(out.end(), name.begin(), name.end());
  Writer writer(out);
  writer.u32(length);
  writer.u32(0);  // checksum: never reached
  return out;
}

Bytes ping_frame(const net::Magic& magic) {
  return net::encode_frame(magic, net::Ping{42});
}

// Plays one handshaken connection that sends `payload` under `command`, expecting a close.
Observation send_bad_frame(const ScenarioContext& context, std::string_view command,
                           const Bytes& payload) {
  int32_t height = 0;
  auto connection = connect_ready(context, height);
  if (!connection) return failed(connection.error().message());
  auto offence = Clock::now();
  connection->send_frame(command, payload);
  return expect_close(context, *connection, offence);
}

// A count of `count` followed by zero bytes up to `total` payload bytes.
Bytes counted_payload(uint64_t count, size_t total, Bytes prefix = {}) {
  Bytes out = std::move(prefix);
  Writer writer(out);
  writer.compact_size(count);
  out.resize(total, 0);
  return out;
}

// ---- framing and decoding ----------------------------------------------------------------

Observation bad_magic(const ScenarioContext& context) {
  int32_t height = 0;
  auto connection = connect_ready(context, height);
  if (!connection) return failed(connection.error().message());
  net::Magic wrong = context.params.magic;
  wrong[0] ^= 0xff;
  auto offence = Clock::now();
  connection->send_bytes(ping_frame(wrong));
  return then_not_refused(context, expect_close(context, *connection, offence));
}

Observation bad_checksum(const ScenarioContext& context) {
  int32_t height = 0;
  auto connection = connect_ready(context, height);
  if (!connection) return failed(connection.error().message());
  Bytes frame = ping_frame(context.params.magic);
  frame[20] ^= 0xff;  // first checksum byte
  auto offence = Clock::now();
  connection->send_bytes(frame);
  return then_not_refused(context, expect_close(context, *connection, offence));
}

Observation oversize_length(const ScenarioContext& context) {
  int32_t height = 0;
  auto connection = connect_ready(context, height);
  if (!connection) return failed(connection.error().message());
  auto offence = Clock::now();
  // Only the header: a node must refuse the length, not wait for (or allocate) 4 MB.
  connection->send_bytes(raw_header(context.params.magic, "block", net::kMaxPayloadBytes + 1));
  return expect_close(context, *connection, offence);
}

Observation over_command_max(const ScenarioContext& context) {
  int32_t height = 0;
  auto connection = connect_ready(context, height);
  if (!connection) return failed(connection.error().message());
  auto offence = Clock::now();
  // Under the global limit, far over a ping's 8 bytes; the payload never comes.
  connection->send_bytes(raw_header(context.params.magic, "ping", 1'000'000));
  return expect_close(context, *connection, offence);
}

Observation truncated_payload(const ScenarioContext& context) {
  return send_bad_frame(context, "ping", Bytes{1, 2, 3, 4});
}

Observation trailing_bytes(const ScenarioContext& context) {
  Bytes payload = net::encode_payload(net::GetBlocks{});
  payload.push_back(0);
  return send_bad_frame(context, "getblocks", payload);
}

Observation unknown_command(const ScenarioContext& context) {
  int32_t height = 0;
  auto connection = connect_ready(context, height);
  if (!connection) return failed(connection.error().message());
  auto offence = Clock::now();
  connection->send_frame("hostile", Bytes(16, 0xab));
  return expect_stay(context, *connection, offence);
}

Observation inv_too_many(const ScenarioContext& context) {
  return send_bad_frame(
      context, "inv", counted_payload(net::kMaxInventoryItems + 1, net::kMaxInventoryPayloadBytes));
}

Observation getdata_too_many(const ScenarioContext& context) {
  return send_bad_frame(
      context, "getdata",
      counted_payload(net::kMaxInventoryItems + 1, net::kMaxInventoryPayloadBytes));
}

Observation notfound_too_many(const ScenarioContext& context) {
  return send_bad_frame(
      context, "notfound",
      counted_payload(net::kMaxInventoryItems + 1, net::kMaxInventoryPayloadBytes));
}

Observation addr_too_many(const ScenarioContext& context) {
  return send_bad_frame(context, "addr",
                        counted_payload(net::kMaxAddresses + 1, net::Addr::kMaxPayloadBytes));
}

Observation locator_too_long(const ScenarioContext& context) {
  Bytes version;
  Writer writer(version);
  writer.u32(net::kProtocolVersion);
  return send_bad_frame(
      context, "getblocks",
      counted_payload(net::kMaxLocatorHashes + 1, net::GetBlocks::kMaxPayloadBytes, version));
}

Observation before_version(const ScenarioContext& context) {
  auto connection = connect(context);
  if (!connection) return failed(connection.error().message());
  auto offence = Clock::now();
  connection->send(net::GetBlocks{});
  return expect_close(context, *connection, offence);
}

// ---- blocks -------------------------------------------------------------------------------

// A handshaken connection with the node's chain learned and a forger ready.
struct Workbench {
  Connection connection;
  ChainView chain;
  Forger forger;
};

Result<Workbench> workbench(const ScenarioContext& context, int extra_height = 1) {
  int32_t height = 0;
  auto connection = connect_ready(context, height, extra_height);
  if (!connection) return connection.error();
  auto chain = learn_chain(*connection, height, context.params, Duration(5'000));
  if (!chain) return chain.error();
  auto forger = Forger::create(context.params);
  if (!forger) return forger.error();
  return Workbench{std::move(*connection), std::move(*chain), std::move(*forger)};
}

// Offers `block` (built on the tip) and observes: a bad block must cost the connection.
Observation offer(const ScenarioContext& context, Workbench& bench, const Block& block,
                  bool expect_disconnect = true) {
  std::string detail = "block " + block.hash().hex();
  auto offence = Clock::now();
  if (!offer_block(bench.connection, block, Duration(5'000))) {
    if (!bench.connection.open()) return failed("closed before the node asked for " + detail);
    return failed("the node did not ask for " + detail);
  }
  Observation seen = expect_disconnect ? expect_close(context, bench.connection, offence)
                                       : expect_stay(context, bench.connection, offence);
  if (seen.detail.empty()) seen.detail = detail;
  return seen;
}

// Plays a block that `spoil` (given the funded coin, or none) makes invalid.
template <class Spoil>
Observation bad_block(const ScenarioContext& context, bool needs_coin, Spoil spoil,
                      bool expect_disconnect = true) {
  auto bench = workbench(context);
  if (!bench) return failed(bench.error().message());
  std::optional<OwnCoin> coin;
  if (needs_coin) {
    auto funded = fund(bench->connection, bench->chain, bench->forger, Duration(5'000));
    if (!funded) return failed(funded.error().message());
    coin = *funded;
  }
  Block block = spoil(*bench, coin);
  return offer(context, *bench, block, expect_disconnect);
}

Observation block_bad_pow(const ScenarioContext& context) {
  return bad_block(context, false, [](Workbench& bench, const std::optional<OwnCoin>&) {
    Block block = bench.forger.assemble(bench.chain, {});
    bench.forger.mine(block, /*valid=*/false);
    return block;
  });
}

// The body does not match the header: as far as the node can tell, damaged in transit, so the
// sender is disconnected but not discouraged (the genuine block may be valid).
Observation block_bad_merkle(const ScenarioContext& context) {
  return then_not_refused(
      context, bad_block(context, false, [](Workbench& bench, const std::optional<OwnCoin>&) {
        Block block = bench.forger.assemble(bench.chain, {});
        block.header.merkle_root.data[0] ^= 0x01;
        bench.forger.mine(block);
        return block;
      }));
}

// A spend of `coin` to the forger whose signature no longer matches: the output value was
// lowered after signing (lowered, so the spend itself stays within its input).
Transaction badly_signed(const Forger& forger, const OwnCoin& coin) {
  Transaction tx = forger.spend({coin}, {forger.pay_self(coin.output.value)});
  tx.outputs[0].value -= 1;
  return tx;
}

Observation block_bad_signature(const ScenarioContext& context) {
  return bad_block(context, true, [](Workbench& bench, const std::optional<OwnCoin>& coin) {
    Block block = bench.forger.assemble(bench.chain, {badly_signed(bench.forger, *coin)}, 1);
    bench.forger.mine(block);
    return block;
  });
}

Observation block_double_spend(const ScenarioContext& context) {
  return bad_block(context, true, [](Workbench& bench, const std::optional<OwnCoin>& coin) {
    Amount value = coin->output.value;
    Transaction first = bench.forger.spend({*coin}, {bench.forger.pay_self(value)});
    Transaction second = bench.forger.spend({*coin}, {bench.forger.pay_self(value - 1)});
    Block block = bench.forger.assemble(bench.chain, {first, second});
    bench.forger.mine(block);
    return block;
  });
}

Observation block_overspend(const ScenarioContext& context) {
  return bad_block(context, true, [](Workbench& bench, const std::optional<OwnCoin>& coin) {
    Transaction tx = bench.forger.spend({*coin}, {bench.forger.pay_self(coin->output.value + 1)});
    Block block = bench.forger.assemble(bench.chain, {tx});
    bench.forger.mine(block);
    return block;
  });
}

Observation block_coinbase_value(const ScenarioContext& context) {
  return bad_block(context, false, [](Workbench& bench, const std::optional<OwnCoin>&) {
    // Claims a fee of one unit that no transaction pays.
    Block block = bench.forger.assemble(bench.chain, {}, /*fees=*/1);
    bench.forger.mine(block);
    return block;
  });
}

Observation block_bad_bip34(const ScenarioContext& context) {
  return bad_block(context, false, [](Workbench& bench, const std::optional<OwnCoin>&) {
    Block block = bench.forger.assemble(bench.chain, {});
    block.transactions[0] = make_coinbase(bench.chain.height + 2, bench.forger.params().subsidy,
                                          bench.forger.payout_script());
    Forger::update_merkle_root(block);
    bench.forger.mine(block);
    return block;
  });
}

Observation block_time_too_old(const ScenarioContext& context) {
  return bad_block(context, false, [](Workbench& bench, const std::optional<OwnCoin>&) {
    Block block = bench.forger.assemble(bench.chain, {});
    block.header.time = static_cast<uint32_t>(bench.chain.median_time_past(bench.forger.params()));
    bench.forger.mine(block);
    return block;
  });
}

Observation block_time_too_new(const ScenarioContext& context) {
  return bad_block(
      context, false,
      [](Workbench& bench, const std::optional<OwnCoin>&) {
        Block block = bench.forger.assemble(bench.chain, {});
        block.header.time = static_cast<uint32_t>(
            std::time(nullptr) + bench.forger.params().max_future_block_time_seconds + 3600);
        bench.forger.mine(block);
        return block;
      },
      /*expect_disconnect=*/false);
}

Observation unrequested_blocks(const ScenarioContext& context) {
  constexpr int kBlocks = 10;  // +10 each: the tenth reaches the discouragement threshold
  auto bench = workbench(context);
  if (!bench) return failed(bench.error().message());
  for (int i = 1; i <= kBlocks; ++i) {
    Block block = bench->forger.assemble(bench->chain, {}, 0, static_cast<uint64_t>(i));
    bench->forger.mine(block);
    auto offence = Clock::now();
    bench->connection.send(net::BlockMessage{block});
    if (i < kBlocks && !bench->connection.ping_pong(Duration(5'000))) {
      Observation early = observe(bench->connection, offence, Duration(0));
      early.detail = fmt::format("after only {} unrequested blocks", i);
      return early;
    }
    if (i == kBlocks) return expect_close(context, bench->connection, offence);
  }
  return failed("unreachable");
}

// ---- transactions -------------------------------------------------------------------------

// Funds a coin, then sends what `make` builds from it as a loose transaction.
template <class Make>
Observation bad_tx(const ScenarioContext& context, bool needs_coin, Make make,
                   bool expect_disconnect) {
  auto bench = workbench(context);
  if (!bench) return failed(bench.error().message());
  OwnCoin coin;
  if (needs_coin) {
    auto funded = fund(bench->connection, bench->chain, bench->forger, Duration(5'000));
    if (!funded) return failed(funded.error().message());
    coin = *funded;
  }
  std::optional<Transaction> tx = make(*bench, coin);
  if (!tx) return failed("setup transaction not accepted");
  auto offence = Clock::now();
  bench->connection.send(net::TxMessage{*tx});
  Observation seen = expect_disconnect ? expect_close(context, bench->connection, offence)
                                       : expect_stay(context, bench->connection, offence);
  if (seen.detail.empty()) seen.detail = "tx " + tx->txid().hex();
  return seen;
}

Observation tx_bad_signature(const ScenarioContext& context) {
  return bad_tx(
      context, true,
      [](Workbench& bench, const OwnCoin& coin) -> std::optional<Transaction> {
        return badly_signed(bench.forger, coin);
      },
      true);
}

Observation tx_overspend(const ScenarioContext& context) {
  return bad_tx(
      context, true,
      [](Workbench& bench, const OwnCoin& coin) -> std::optional<Transaction> {
        return bench.forger.spend({coin}, {bench.forger.pay_self(coin.output.value + 1)});
      },
      true);
}

Observation tx_coinbase(const ScenarioContext& context) {
  return bad_tx(
      context, false,
      [](Workbench& bench, const OwnCoin&) -> std::optional<Transaction> {
        return make_coinbase(bench.chain.height + 1, bench.forger.params().subsidy,
                             bench.forger.payout_script(), 7);
      },
      true);
}

Observation tx_missing_inputs(const ScenarioContext& context) {
  return bad_tx(
      context, false,
      [](Workbench& bench, const OwnCoin&) -> std::optional<Transaction> {
        OwnCoin nowhere;
        std::mt19937_64 random{std::random_device{}()};
        for (uint8_t& byte : nowhere.outpoint.txid) byte = static_cast<uint8_t>(random());
        nowhere.output = bench.forger.pay_self(5);
        return bench.forger.spend({nowhere}, {bench.forger.pay_self(4)});
      },
      false);
}

// The node's mempool holds `txid` (it answers getdata with the transaction).
bool in_mempool(Connection& connection, const Hash256& txid, Duration timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline && connection.open()) {
    connection.send(net::GetData{{net::InvItem{net::kMsgTx, txid}}});
    auto reply = connection.wait_for(Duration(300), [&](const net::Message& message) {
      if (const auto* tx = std::get_if<net::TxMessage>(&message)) return tx->tx.txid() == txid;
      if (const auto* none = std::get_if<net::NotFound>(&message))
        return !none->items.empty() && none->items.front().hash == txid;
      return false;
    });
    if (reply && std::holds_alternative<net::TxMessage>(*reply)) return true;
  }
  return false;
}

Observation tx_mempool_conflict(const ScenarioContext& context) {
  return bad_tx(
      context, true,
      [](Workbench& bench, const OwnCoin& coin) -> std::optional<Transaction> {
        Transaction first = bench.forger.spend({coin}, {bench.forger.pay_self(coin.output.value)});
        bench.connection.send(net::TxMessage{first});
        if (!in_mempool(bench.connection, first.txid(), Duration(5'000))) return std::nullopt;
        return bench.forger.spend({coin}, {bench.forger.pay_self(coin.output.value - 1)});
      },
      false);
}

// ---- slow and silent peers ----------------------------------------------------------------

Observation handshake_timeout(const ScenarioContext& context) {
  auto connection = connect(context);
  if (!connection) return failed(connection.error().message());
  auto start = Clock::now();
  // Half a handshake: our version, never the verack.
  if (!connection->wait_for<net::Version>(Duration(5'000))) return failed("no version");
  connection->send(p2p::client_version(kUserAgent, 0));
  return observe(*connection, start, std::max(context.timeout, Duration(30'000)));
}

Observation ping_timeout(const ScenarioContext& context) {
  int32_t height = 0;
  auto connection = connect_ready(context, height);
  if (!connection) return failed(connection.error().message());
  connection->set_answer_pings(false);
  auto start = Clock::now();
  return observe(*connection, start, std::max(context.timeout, Duration(30'000)));
}

Observation send_buffer(const ScenarioContext& context) {
  ScenarioContext small = context;
  small.connect.socket.receive_buffer_bytes = 4096;
  int32_t height = 0;
  auto connection = connect_ready(small, height);
  if (!connection) return failed(connection.error().message());
  auto chain = learn_chain(*connection, height, context.params, Duration(5'000));
  if (!chain) return failed(chain.error().message());
  // From here on nothing is read. Each getdata asks for the tip block 50,000 times.
  net::GetData request;
  request.items.assign(net::kMaxInventoryItems, net::InvItem{net::kMsgBlock, chain->tip});
  auto start = Clock::now();
  constexpr int kRequests = 8;
  for (int i = 0; i < kRequests && connection->send(request); ++i) {
  }
  // Small writes make a closed socket answer with a reset, which the next write sees.
  auto deadline = start + std::max(context.timeout, Duration(30'000));
  while (Clock::now() < deadline && !connection->hung_up()) {
    if (!connection->send_bytes(ping_frame(context.params.magic))) break;
    pollfd none{-1, 0, 0};
    poll(&none, 0, 200);
  }
  if (!connection->open())
    return Observation{Outcome::disconnected,
                       std::chrono::duration<double>(connection->closed_at() - start).count(),
                       false,
                       {}};
  return Observation{Outcome::connected, 0, false, "the node kept a peer that reads nothing"};
}

Observation stall_download(const ScenarioContext& context) {
  int32_t height = 0;
  auto connection = connect_ready(context, height, /*extra_height=*/8);
  if (!connection) return failed(connection.error().message());
  net::Inv inv;
  std::mt19937_64 random{std::random_device{}()};
  for (int i = 0; i < 8; ++i) {
    Hash256 hash;
    for (uint8_t& byte : hash) byte = static_cast<uint8_t>(random());
    inv.items.push_back(net::InvItem{net::kMsgBlock, hash});
  }
  connection->set_answer_unknown_getdata(false);
  auto start = Clock::now();
  connection->send(inv);
  // Pings are answered, getdata never.
  return observe(*connection, start, std::max(context.timeout, Duration(90'000)));
}

Observation discouraged_reconnect(const ScenarioContext& context) {
  Observation offence = before_version(context);
  if (offence.outcome != Outcome::disconnected)
    return failed("the offence did not disconnect: " + std::string(outcome_name(offence.outcome)));
  // The session reports the discouragement to the listener through the node, so a reconnect
  // made at once can arrive first (seen under the sanitizers on a loaded machine). Within a
  // second of the disconnect the address must be refused.
  Observation again = try_reconnect(context);
  for (int attempt = 0; attempt < 4 && again.outcome == Outcome::connected; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    again = try_reconnect(context);
  }
  return again;
}

// ---- honest controls: the relay checks of the integration test use them -------------------

Observation honest_block(const ScenarioContext& context) {
  auto bench = workbench(context);
  if (!bench) return failed(bench.error().message());
  Hash256 parent = bench->chain.tip;
  auto funded = fund(bench->connection, bench->chain, bench->forger, Duration(5'000));
  if (!funded) return failed(funded.error().message());
  Observation seen = expect_stay(context, bench->connection, Clock::now());
  seen.detail = fmt::format("block {} height={} on {}", bench->chain.tip.hex(), bench->chain.height,
                            parent.hex());
  return seen;
}

Observation honest_tx(const ScenarioContext& context) {
  auto bench = workbench(context);
  if (!bench) return failed(bench.error().message());
  auto funded = fund(bench->connection, bench->chain, bench->forger, Duration(5'000));
  if (!funded) return failed(funded.error().message());
  Transaction tx = bench->forger.spend({*funded}, {bench->forger.pay_self(funded->output.value)});
  bench->connection.send(net::TxMessage{tx});
  if (!in_mempool(bench->connection, tx.txid(), Duration(5'000)))
    return failed("tx " + tx.txid().hex() + " not in the node's mempool");
  Observation seen = expect_stay(context, bench->connection, Clock::now());
  seen.detail = "tx " + tx.txid().hex();
  return seen;
}

constexpr auto D = Outcome::disconnected;
constexpr auto DN = Outcome::disconnected_not_refused;
constexpr auto C = Outcome::connected;
constexpr auto R = Outcome::refused;

const Scenario kScenarios[] = {
    // framing and decoding
    {"bad-magic", DN, "a ping under another network's magic (no points)", bad_magic},
    {"bad-checksum", DN, "a ping whose checksum is wrong (no points)", bad_checksum},
    {"oversize-length", D, "a header claiming 4,000,001 payload bytes, nothing after it",
     oversize_length},
    {"over-command-max", D, "a ping header claiming 1,000,000 bytes, nothing after it",
     over_command_max},
    {"truncated-payload", D, "a ping with a 4-byte payload", truncated_payload},
    {"trailing-bytes", D, "a getblocks with a byte after its end", trailing_bytes},
    {"unknown-command", C, "a 'hostile' command: ignored", unknown_command},
    {"inv-too-many", D, "an inv counting 50,001 items", inv_too_many},
    {"getdata-too-many", D, "a getdata counting 50,001 items", getdata_too_many},
    {"notfound-too-many", D, "a notfound counting 50,001 items", notfound_too_many},
    {"addr-too-many", D, "an addr counting 1,001 addresses", addr_too_many},
    {"locator-too-long", D, "a getblocks counting 102 locator hashes", locator_too_long},
    {"before-version", D, "a getblocks before any version", before_version},
    // blocks on the node's tip, offered by inv and sent when asked for
    {"block-bad-pow", D, "a block whose hash misses its target", block_bad_pow},
    {"block-bad-merkle", DN, "a block whose merkle root is not its transactions' (no points)",
     block_bad_merkle},
    {"block-bad-signature", D, "a block spending our coin with a broken signature",
     block_bad_signature},
    {"block-double-spend", D, "a block spending our coin twice", block_double_spend},
    {"block-overspend", D, "a block spending more than our coin holds", block_overspend},
    {"block-coinbase-value", D, "a block whose coinbase claims subsidy + 1", block_coinbase_value},
    {"block-bad-bip34", D, "a block whose coinbase commits to the wrong height", block_bad_bip34},
    {"block-time-too-old", D, "a block timed at the median time past", block_time_too_old},
    {"block-time-too-new", C, "a block timed 3 hours ahead (no points: may become valid)",
     block_time_too_new},
    {"unrequested-blocks", D, "ten valid blocks nobody asked for (+10 each)", unrequested_blocks},
    // loose transactions
    {"tx-bad-signature", D, "a tx spending our coin with a broken signature", tx_bad_signature},
    {"tx-overspend", D, "a tx spending more than our coin holds", tx_overspend},
    {"tx-coinbase", D, "a coinbase relayed as a loose tx", tx_coinbase},
    {"tx-missing-inputs", C, "a tx spending an unknown coin (no points)", tx_missing_inputs},
    {"tx-mempool-conflict", C, "a tx spending a coin a pooled tx spends (no points)",
     tx_mempool_conflict},
    // slow and silent peers
    {"handshake-timeout", D, "a version but never a verack", handshake_timeout},
    {"ping-timeout", D, "a peer that never answers pings", ping_timeout},
    {"send-buffer", D, "getdata for the tip 400,000 times, reading nothing", send_buffer},
    {"stall-download", D, "announces 8 blocks and never sends them", stall_download},
    {"discouraged-reconnect", R, "a getblocks before version, then a new connection",
     discouraged_reconnect},
    // honest controls
    {"honest-block", C, "mines a valid block on the tip and offers it", honest_block},
    {"honest-tx", C, "funds a coin, then relays a valid tx spending it", honest_tx},
};

}  // namespace

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::disconnected:
      return "disconnected";
    case Outcome::disconnected_not_refused:
      return "disconnected, reconnect accepted";
    case Outcome::connected:
      return "still connected";
    case Outcome::refused:
      return "refused";
    case Outcome::failed:
      return "failed";
  }
  return "?";
}

std::span<const Scenario> scenarios() {
  return kScenarios;
}

std::string report_line(const Scenario& scenario, const Observation& observation) {
  std::string line = fmt::format("{}: {}", scenario.name, outcome_name(observation.outcome));
  switch (observation.outcome) {
    case Outcome::disconnected:
    case Outcome::disconnected_not_refused:
      line += fmt::format(" after {:.2f} s", observation.seconds);
      break;
    case Outcome::connected:
      if (observation.pong) line += " (pong received)";
      break;
    default:
      break;
  }
  if (!observation.detail.empty()) line += "; " + observation.detail;
  return line;
}

}  // namespace ac::hostile
