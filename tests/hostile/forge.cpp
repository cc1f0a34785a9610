#include "tests/hostile/forge.hpp"

#include <algorithm>
#include <ctime>
#include <map>

#include "chain/block_assembly.hpp"
#include "chain/merkle.hpp"
#include "chain/pow.hpp"
#include "chain/script.hpp"
#include "chain/sighash.hpp"

namespace ac::hostile {

namespace {

constexpr size_t kInventoryBatch = 500;  // the most hashes a node answers to one getblocks

bool is_block_inventory(const net::Inv& inv) {
  return !inv.items.empty() &&
         std::all_of(inv.items.begin(), inv.items.end(),
                     [](const net::InvItem& item) { return item.type == net::kMsgBlock; });
}

}  // namespace

int64_t ChainView::median_time_past(const ChainParams& params) const {
  std::vector<int64_t> times;
  for (auto it = recent.rbegin();
       it != recent.rend() && static_cast<int>(times.size()) < params.median_time_span; ++it)
    times.push_back(it->time);
  if (times.empty()) return 0;
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void ChainView::extend(const Block& block, const ChainParams& params) {
  tip = block.hash();
  ++height;
  recent.push_back(block.header);
  if (static_cast<int>(recent.size()) > params.median_time_span) recent.erase(recent.begin());
}

Result<ChainView> learn_chain(Connection& connection, int32_t node_height,
                              const ChainParams& params, Duration timeout) {
  std::vector<Hash256> hashes;
  while (true) {
    net::GetBlocks request;
    if (!hashes.empty()) request.locator.push_back(hashes.back());
    if (!connection.send(request)) return make_error("closed");
    auto inv = connection.wait_for<net::Inv>(timeout, is_block_inventory);
    if (!inv) break;  // nothing after our last hash: the node stays silent
    for (const net::InvItem& item : inv->items) hashes.push_back(item.hash);
    if (inv->items.size() < kInventoryBatch || static_cast<int>(hashes.size()) >= node_height)
      break;
  }
  if (hashes.empty()) return make_error(connection.open() ? "no-inventory" : "closed");

  size_t first = hashes.size() - std::min<size_t>(hashes.size(), params.median_time_span);
  net::GetData request;
  for (size_t i = first; i < hashes.size(); ++i)
    request.items.push_back(net::InvItem{net::kMsgBlock, hashes[i]});
  if (!connection.send(request)) return make_error("closed");
  std::map<Hash256, BlockHeader> received;
  while (received.size() < request.items.size()) {
    auto block = connection.wait_for<net::BlockMessage>(timeout);
    if (!block) return make_error(connection.open() ? "no-block" : "closed");
    received[block->block.hash()] = block->block.header;
  }
  ChainView view;
  view.tip = hashes.back();
  // An empty locator is answered from block 1, as Core does; only a chain that is the genesis
  // alone announces the genesis.
  view.height = static_cast<int>(hashes.size()) - (node_height == 0 ? 1 : 0);
  for (size_t i = first; i < hashes.size(); ++i) view.recent.push_back(received.at(hashes[i]));
  return view;
}

Result<Forger> Forger::create(const ChainParams& params) {
  auto signer = wallet::Signer::create();
  if (!signer) return signer.error();
  auto key = signer->generate_key();
  if (!key) return key.error();
  return Forger(params, std::move(*signer), std::move(*key));
}

Bytes Forger::payout_script() const {
  return p2pkh_script(key_.pubkey_hash());
}

Block Forger::assemble(const ChainView& chain, const std::vector<Transaction>& transactions,
                       Amount fees, uint64_t extra_nonce) const {
  BlockTemplate block_template;
  block_template.parent = chain.tip;
  block_template.height = chain.height + 1;
  block_template.median_time_past = chain.median_time_past(params_);
  block_template.now = std::time(nullptr);
  block_template.payout_script = payout_script();
  block_template.transactions = transactions;
  block_template.fees = fees;
  block_template.extra_nonce = extra_nonce;
  return assemble_block(block_template, params_);
}

void Forger::mine(Block& block, bool valid) const {
  for (block.header.nonce = 0;; ++block.header.nonce) {
    bool meets = check_proof_of_work(block.hash(), block.header.bits, params_).ok();
    if (meets == valid) return;
  }
}

void Forger::update_merkle_root(Block& block) {
  std::vector<Hash256> txids;
  for (const Transaction& tx : block.transactions) txids.push_back(tx.txid());
  block.header.merkle_root = merkle_root(txids);
}

Transaction Forger::spend(const std::vector<OwnCoin>& coins,
                          const std::vector<TxOut>& outputs) const {
  Transaction tx;
  for (const OwnCoin& coin : coins) tx.inputs.push_back(TxIn{coin.outpoint, {}, 0xffffffff});
  tx.outputs = outputs;
  for (size_t i = 0; i < coins.size(); ++i) {
    Hash256 digest = legacy_sighash(tx, i, coins[i].output.script_pubkey);
    auto signature = signer_.sign(key_, digest);
    if (!signature) continue;  // leaves the input unsigned: the node refuses it
    signature->push_back(kSighashAll);
    tx.inputs[i].script_sig = p2pkh_script_sig(*signature, key_.public_key());
  }
  return tx;
}

bool offer_block(Connection& connection, const Block& block, Duration timeout) {
  Hash256 hash = block.hash();
  connection.will_serve(hash);
  if (!connection.send(net::Inv{{net::InvItem{net::kMsgBlock, hash}}})) return false;
  auto asked = connection.wait_for<net::GetData>(timeout, [&](const net::GetData& request) {
    return std::any_of(request.items.begin(), request.items.end(),
                       [&](const net::InvItem& item) { return item.hash == hash; });
  });
  return asked && connection.send(net::BlockMessage{block});
}

bool node_has_on_chain(Connection& connection, const Hash256& parent, const Hash256& hash,
                       Duration timeout) {
  auto deadline = Clock::now() + timeout;
  // The chain may still be validating the block, and a node with nothing after the locator
  // stays silent: ask again until the deadline.
  while (Clock::now() < deadline && connection.open()) {
    net::GetBlocks request;
    request.locator.push_back(parent);
    if (!connection.send(request)) return false;
    auto inv = connection.wait_for<net::Inv>(Duration(300), is_block_inventory);
    if (inv && inv->items.front().hash == hash) return true;
  }
  return false;
}

Result<OwnCoin> fund(Connection& connection, ChainView& chain, const Forger& forger,
                     Duration timeout) {
  Block block = forger.assemble(chain, {});
  forger.mine(block);
  if (!offer_block(connection, block, timeout)) return make_error("funding-not-requested");
  if (!node_has_on_chain(connection, chain.tip, block.hash(), timeout))
    return make_error("funding-not-accepted");
  chain.extend(block, forger.params());
  const Transaction& coinbase = block.transactions.front();
  return OwnCoin{OutPoint{coinbase.txid(), 0}, coinbase.outputs.front()};
}

}  // namespace ac::hostile
