// createblockchain, getbalance, printchain, verifychain. getbalance and printchain ask the
// node's RPC when it runs (it holds the store), with the same output as from the store.
#include <fmt/format.h>

#include "apps/commands.hpp"
#include "apps/local_mining.hpp"
#include "apps/node_context.hpp"
#include "apps/running_node.hpp"
#include "chain/block_assembly.hpp"
#include "chain/script.hpp"
#include "wallet/address.hpp"

namespace ac::app {

namespace {

int fail(const Error& error) {
  print_error(error);
  return 1;
}

std::string describe_script(const Bytes& script, const ChainParams& params) {
  if (auto hash = match_p2pkh(script)) return wallet::encode_address(*hash, params);
  return "script:" + to_hex(script);
}

void print_block(const Block& block, int height, const ChainParams& params) {
  fmt::print("block {} height={} prev={} time={} bits={:08x} nonce={} txs={}\n", block.hash().hex(),
             height, block.header.prev_block.hex(), block.header.time, block.header.bits,
             block.header.nonce, block.transactions.size());
  for (const Transaction& tx : block.transactions) {
    fmt::print("  tx {}\n", tx.txid().hex());
    for (const TxIn& in : tx.inputs) {
      if (tx.is_coinbase())
        fmt::print("    in  coinbase {}\n", to_hex(in.script_sig));
      else
        fmt::print("    in  {}:{}\n", in.prevout.txid.hex(), in.prevout.index);
    }
    for (size_t i = 0; i < tx.outputs.size(); ++i)
      fmt::print("    out {} {} -> {}\n", i, format_coins(tx.outputs[i].value),
                 describe_script(tx.outputs[i].script_pubkey, params));
  }
}

}  // namespace

int create_blockchain(const NodeEnvironment& env, const ChainParams& params,
                      const std::string& address) {
  auto payee = wallet::decode_address(address, params);
  if (!payee) return fail(payee.error());
  if (params.builtin_genesis)
    return fail(make_error("builtin-genesis",
                           fmt::format("the {} chain starts from its built-in genesis {}; there "
                                       "is nothing to create (mine with startnode --miner)",
                                       params.name, params.builtin_genesis->hash().hex())));
  auto context = open_chain(env, params);
  if (!context) return fail(context.error());
  if (auto genesis = context->chain->genesis())
    return fail(make_error("chain-exists", fmt::format("node {} already has the chain {}",
                                                       env.node_id, genesis->hex())));
  BlockTemplate genesis_template;
  genesis_template.height = 0;
  genesis_template.now = now_seconds();
  genesis_template.payout_script = p2pkh_script(*payee);
  Block genesis = assemble_block(genesis_template, params);
  if (Status s = mine_in_foreground(genesis, 0); !s) return fail(s.error());
  if (Status s = context->chain->create_genesis(genesis); !s) return fail(s.error());
  fmt::print("created the chain: genesis pays {} to {}\n", format_coins(block_subsidy(0, params)),
             address);
  fmt::print("{}\n", genesis.hash().hex());
  return 0;
}

namespace {

// The node runs: the coins of `owner` from its utxo_indexer (scantxoutset).
int get_balance_through_rpc(const NodeEnvironment& env, RpcClient& node,
                            const std::string& address) {
  auto scan = node.result("scantxoutset", rpc::Json::array({"start", {"addr(" + address + ")"}}));
  if (!scan) return fail(scan.error());
  if (!scan->is_object() || !scan->contains("total_amount") || !scan->contains("height"))
    return fail(make_error("rpc-bad-reply", "scantxoutset answered " + rpc::dump(*scan)));
  if ((*scan)["height"].get<int64_t>() < 0) return fail(no_chain(env));
  auto units = rpc::amount_units((*scan)["total_amount"]);
  if (!units) return fail(make_error("rpc-bad-reply", "total_amount is no amount"));
  fmt::print("{}\n", format_coins(*units));
  return 0;
}

// A pruned node (--prune) has no blocks below some height: the chain is printed down to them.
int stop_at_pruned(int height) {
  fmt::print(stderr, "blocks at height {} and below were pruned\n", height);
  return 0;
}

// The node runs: from its tip back to the genesis through getblock (raw bytes, decoded here),
// following each block's parent, so the output is one chain even if the tip moves meanwhile.
int print_chain_through_rpc(const NodeEnvironment& env, const ChainParams& params, RpcClient& node,
                            bool hex) {
  auto info = node.result("getblockchaininfo", rpc::Json::array());
  if (!info) return fail(info.error());
  if (!info->is_object() || !info->contains("blocks") || !info->contains("bestblockhash"))
    return fail(make_error("rpc-bad-reply", "getblockchaininfo answered " + rpc::dump(*info)));
  int height = (*info)["blocks"].get<int>();
  if (height < 0) return fail(no_chain(env));
  std::string hash = (*info)["bestblockhash"].get<std::string>();
  for (; height >= 0; --height) {
    auto raw = node.result("getblock", rpc::Json::array({hash, 0}));
    if (!raw && raw.error().message().find("(pruned data)") != std::string::npos)
      return stop_at_pruned(height);
    if (!raw) return fail(raw.error());
    auto bytes = raw->is_string() ? from_hex(raw->get<std::string>()) : std::nullopt;
    auto block = bytes ? decode_block(*bytes) : Result<Block>(make_error("not-hex"));
    if (!block) return fail(make_error("rpc-bad-reply", "block " + hash + " does not decode"));
    if (hex) {
      fmt::print("{}\n", to_hex(*bytes));
    } else {
      print_block(*block, height, params);
      if (height > 0) fmt::print("\n");
    }
    hash = block->header.prev_block.hex();
  }
  return 0;
}

}  // namespace

int get_balance(const NodeEnvironment& env, const ChainParams& params, const RpcOptions& rpc,
                const std::string& address) {
  auto owner = wallet::decode_address(address, params);
  if (!owner) return fail(owner.error());
  auto context = open_coins(env, params);
  if (!context && context.kind() == ErrorKind::kBusy) {
    if (auto node = running_node_rpc(env, rpc)) return get_balance_through_rpc(env, *node, address);
  }
  if (!context) return fail(context.error());
  Amount balance = 0;
  for (const auto& [outpoint, coin] : context->store->coins_of(*owner))
    balance += coin.output.value;
  fmt::print("{}\n", format_coins(balance));
  return 0;
}

int print_chain(const NodeEnvironment& env, const ChainParams& params, const RpcOptions& rpc,
                bool hex) {
  // From the store alone, as through RPC: the tip, then each block's parent (no block index).
  auto context = open_coins(env, params);
  if (!context && context.kind() == ErrorKind::kBusy) {
    if (auto node = running_node_rpc(env, rpc))
      return print_chain_through_rpc(env, params, *node, hex);
  }
  if (!context) return fail(context.error());
  auto tip = stored_tip(*context);
  if (!tip) return fail(tip.error());
  const Store& store = *context->store;
  Hash256 hash = tip->hash;
  for (int height = tip->height; height >= 0; --height) {
    auto bytes = store.block_bytes(hash);
    auto block = bytes ? decode_block(*bytes) : Result<Block>(make_error("missing"));
    if (!bytes) {
      std::optional<BlockIndexRecord> record = store.index_record(hash);
      if (record && (record->status & block_status::kPruned)) return stop_at_pruned(height);
    }
    if (!block) return fail(make_error("missing-block-data", hash.hex()));
    if (hex) {
      fmt::print("{}\n", to_hex(*bytes));
    } else {
      print_block(*block, height, params);
      if (height > 0) fmt::print("\n");
    }
    hash = block->header.prev_block;
  }
  return 0;
}

int verify_chain(const NodeEnvironment& env, const ChainParams& params) {
  auto context = open_existing_chain(env, params);
  if (!context) return fail(context.error());
  if (Status s = context->chain->verify_chain(); !s) return fail(s.error());
  auto tip = context->chain->tip();
  fmt::print("ok: the coins match a replay of {} blocks up to {}\n", tip->height + 1,
             tip->hash.hex());
  return 0;
}

}  // namespace ac::app
