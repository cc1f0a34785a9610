// send: build and sign payments from the wallet's coins, then either mine them into a block
// here (--mine, the reward going to the first sender) or hand them to the central node.
#include <fmt/format.h>

#include <map>
#include <memory>
#include <unordered_set>

#include "apps/commands.hpp"
#include "apps/local_mining.hpp"
#include "apps/node_context.hpp"
#include "apps/rpc_client.hpp"
#include "apps/tx_handover.hpp"
#include "chain/amount.hpp"
#include "chain/block_assembly.hpp"
#include "chain/script.hpp"
#include "wallet/address.hpp"
#include "wallet/tx_builder.hpp"

namespace ac::app {

namespace {

int fail(const Error& error) {
  print_error(error);
  return 1;
}

struct ParsedPayment {
  Hash160 from;
  Hash160 to;
  Amount amount = 0;
};

std::string handover_endpoint(const SendOptions& options) {
  return options.connect.empty() ? "localhost:8000" : options.connect.front();
}

Result<ParsedPayment> parse_payment(const Payment& payment, const ChainParams& params) {
  auto from = wallet::decode_address(payment.from, params);
  if (!from) return make_error(from.reason(), "--from " + payment.from);
  auto to = wallet::decode_address(payment.to, params);
  if (!to) return make_error(to.reason(), "--to " + payment.to);
  auto amount = parse_coins(payment.amount);
  // parse_coins refuses malformed text and amounts above the supply alike: say which.
  const std::string& text = payment.amount;
  size_t point = text.find('.');
  bool well_formed = !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos &&
                     (point == std::string::npos ||
                      (text.find('.', point + 1) == std::string::npos && text.size() - point <= 9));
  if (!amount && well_formed)
    return make_error("bad-amount", fmt::format("{} coins is more than the supply ({} coins)",
                                                payment.amount, kMaxMoney / kCoin));
  if (!amount || *amount == 0)
    return make_error("bad-amount", fmt::format("'{}' is not a positive number of coins with at "
                                                "most 8 decimals",
                                                payment.amount));
  return ParsedPayment{*from, *to, *amount};
}

// --mine with the node running: the node mines one block on its tip with what its mempool holds
// (the payments just made among it), the reward going to the first sender, and the same lines
// as a local --mine are printed.
int mine_through_rpc(RpcClient& client, const SendOptions& options,
                     const std::vector<std::string>& txids) {
  auto mined =
      client.result("generatetoaddress", rpc::Json::array({1, options.payments.front().from}));
  if (!mined) return fail(mined.error());
  if (!mined->is_array() || mined->size() != 1 || !(*mined)[0].is_string())
    return fail(make_error("rpc-bad-reply", "generatetoaddress: " + rpc::dump(*mined)));
  std::string hash = (*mined)[0].get<std::string>();
  auto header = client.result("getblockheader", rpc::Json::array({hash}));
  if (!header) return fail(header.error());
  if (!header->is_object() || !header->contains("height") ||
      !(*header)["height"].is_number_integer())
    return fail(make_error("rpc-bad-reply", "getblockheader: " + rpc::dump(*header)));
  fmt::print("mined block {} at height {}\n", hash, (*header)["height"].get<int64_t>());
  for (const std::string& txid : txids) fmt::print("{}\n", txid);
  return 0;
}

// The node of NODE_ID runs: its wallet actor builds, signs and submits each payment to its own
// node, which relays it (or, with --mine, mines it), from the --from address's coins only and at
// the --fee-rate, as with the node stopped. The output is the same as with the node stopped:
// the txids, one a line, after the mined block's line with --mine.
int send_through_rpc(const NodeEnvironment& env, const ChainParams& params,
                     const SendOptions& options) {
  auto client = RpcClient::open(env, options.rpc);
  if (!client) return fail(client.error());
  // Core's fee_rate is in satoshis per virtual byte with 3 decimals: per 1,000 bytes exactly.
  Amount fee_rate = options.fee_rate.value_or(params.default_fee_rate);
  std::string fee_rate_per_byte = fmt::format("{}.{:03}", fee_rate / 1000, fee_rate % 1000);
  std::vector<std::string> txids;
  for (const Payment& payment : options.payments) {
    rpc::Json named{{"address", payment.to},
                    {"amount", payment.amount},
                    {"fee_rate", fee_rate_per_byte},
                    {"from_address", payment.from}};
    auto reply = client->call("sendtoaddress", named);
    if (!reply) return fail(reply.error());
    if (reply->error_code == rpc::kWalletInsufficientFunds) {
      // "Insufficient funds: have ..." -> "insufficient-funds: have ..."
      const std::string& message = reply->error_message;
      size_t colon = message.find(": ");
      return fail(make_error("insufficient-funds",
                             colon == std::string::npos ? message : message.substr(colon + 2)));
    }
    if (!reply->ok()) return fail(reply->as_error());
    const rpc::Json& txid = reply->result;
    txids.push_back(txid.is_string() ? txid.get<std::string>() : rpc::dump(txid));
  }
  if (options.mine) return mine_through_rpc(*client, options, txids);
  for (const std::string& txid : txids) fmt::print("{}\n", txid);
  return 0;
}

}  // namespace

int send(const NodeEnvironment& env, const ChainParams& params, const SendOptions& options) {
  std::vector<ParsedPayment> payments;
  for (const Payment& payment : options.payments) {
    auto parsed = parse_payment(payment, params);
    if (!parsed) return fail(parsed.error());
    payments.push_back(*parsed);
  }
  auto wallet = open_wallet(env);
  if (!wallet) return fail(wallet.error());
  for (size_t i = 0; i < payments.size(); ++i) {
    if (wallet->key_for(payments[i].from) == nullptr)
      return fail(
          make_error("unknown-address", fmt::format("the wallet of node {} holds no key "
                                                    "for {}",
                                                    env.node_id, options.payments[i].from)));
  }
  // Only mining here needs the block index; paying needs the coins and the tip's height.
  auto context = options.mine ? open_existing_chain(env, params) : open_coins(env, params);
  if (!context && context.kind() == ErrorKind::kBusy) return send_through_rpc(env, params, options);
  if (!context) return fail(context.error());
  const Store& store = *context->store;

  // Spends handed to the network earlier stay reserved until their coin leaves the chain's
  // set (confirmed, or spent by something else): a second send never double-spends them.
  if (Status s = wallet->retain_pending_spends(
          [&](const wallet::PendingSpend& p) { return store.coin(p.outpoint).has_value(); });
      !s)
    return fail(s.error());

  auto stored = stored_tip(*context);
  if (!stored) return fail(stored.error());
  const ChainTip tip = *stored;
  const int next_height = tip.height + 1;
  std::unordered_set<OutPoint> excluded = wallet->pending_outpoints();
  std::vector<wallet::SpendableCoin> unconfirmed;  // outputs of the payments built so far
  std::map<OutPoint, Amount> input_values;
  std::vector<Transaction> transactions;
  Amount fees = 0;

  for (const ParsedPayment& payment : payments) {
    std::vector<wallet::SpendableCoin> available;
    for (auto& [outpoint, coin] : store.coins_of(payment.from)) {
      bool mature = !coin.is_coinbase || next_height - coin.height >= params.coinbase_maturity;
      if (mature) available.push_back({outpoint, coin});
    }
    for (const auto& coin : unconfirmed) {
      if (match_p2pkh(coin.coin.output.script_pubkey) == payment.from) available.push_back(coin);
    }
    for (const auto& coin : available) input_values[coin.outpoint] = coin.coin.output.value;

    const wallet::PrivateKey* key = wallet->key_for(payment.from);
    wallet::Payment request{payment.to, payment.amount, 0, payment.from,
                            options.fee_rate.value_or(params.default_fee_rate)};
    auto tx =
        wallet::build_payment(wallet->signer(), std::span(key, 1), available, excluded, request);
    if (!tx) return fail(tx.error());

    Amount spent = 0;
    for (const TxIn& in : tx->inputs) {
      excluded.insert(in.prevout);
      spent += input_values[in.prevout];
    }
    Hash256 txid = tx->txid();
    for (uint32_t i = 0; i < tx->outputs.size(); ++i) {
      spent -= tx->outputs[i].value;
      unconfirmed.push_back({OutPoint{txid, i}, Coin{tx->outputs[i], next_height, false}, true});
    }
    fees += spent;
    transactions.push_back(std::move(*tx));
  }

  if (options.mine) {
    ChainState& chain = *context->chain;
    BlockTemplate block_template;
    block_template.parent = tip.hash;
    block_template.height = next_height;
    block_template.median_time_past = chain.median_time_past(tip.hash).value_or(0);
    block_template.now = now_seconds();
    block_template.payout_script = p2pkh_script(payments.front().from);
    block_template.transactions = transactions;
    block_template.fees = fees;
    Block block = assemble_block(block_template, params);
    if (Status s = mine_in_foreground(block, next_height); !s) return fail(s.error());
    auto outcome = chain.accept_block(block);
    if (!outcome) return fail(outcome.error());
    if (outcome->status != AcceptStatus::kNewTip)
      return fail(make_error("block-not-connected", block.hash().hex()));
    fmt::print("mined block {} at height {}\n", block.hash().hex(), next_height);
    for (const Transaction& tx : transactions) fmt::print("{}\n", tx.txid().hex());
    return 0;
  }

  // The client traces as itself, not as the node whose wallet it uses.
  auto log = std::make_unique<actors::LogSink>(fmt::format("send-{}", env.node_id));
  if (!options.trace_file.empty()) {
    if (Status opened = log->open_trace_file(options.trace_file); !opened)
      return fail(opened.error());
    log->event("start", "send: a client of " + handover_endpoint(options), "\"role\":\"client\"");
  }
  HandoverOptions handover;
  handover.endpoint = handover_endpoint(options);
  handover.our_height = tip.height;
  handover.log = log.get();
  for (const Transaction& tx : transactions) {
    if (Status s = hand_over_transaction(tx, params, handover); !s) return fail(s.error());
    std::vector<OutPoint> spent;
    for (const TxIn& in : tx.inputs) spent.push_back(in.prevout);
    if (Status s = wallet->mark_spent(spent, tx.txid(), now_seconds()); !s) return fail(s.error());
  }
  log.reset();  // its lines are out before the txids, which end the output
  for (const Transaction& tx : transactions) fmt::print("{}\n", tx.txid().hex());
  return 0;
}

}  // namespace ac::app
