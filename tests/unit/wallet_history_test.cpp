// The wallet's history (wallet/history.hpp) and its JSON as listtransactions / gettransaction
// show it (net/rpc_wallet_json.hpp).
#include <gtest/gtest.h>

#include "chain/params.hpp"
#include "chain/script.hpp"
#include "net/rpc_wallet_json.hpp"
#include "wallet/history.hpp"

namespace ac {
namespace {

Hash160 key_hash(uint8_t fill) {
  Hash160 hash;
  hash.data.fill(fill);
  return hash;
}

Transaction pay(std::vector<OutPoint> from, std::vector<std::pair<Hash160, Amount>> to) {
  Transaction tx;
  for (const OutPoint& outpoint : from) tx.inputs.push_back(TxIn{outpoint, {}, 0xffffffff});
  for (const auto& [key, value] : to) tx.outputs.push_back(TxOut{value, p2pkh_script(key)});
  return tx;
}

Transaction coinbase(const Hash160& to, Amount value, uint8_t tag) {
  Transaction tx = pay({OutPoint{Hash256{}, 0xffffffff}}, {{to, value}});
  tx.inputs[0].script_sig = {0x01, tag};
  return tx;
}

Block block_of(std::vector<Transaction> txs, const Hash256& parent) {
  Block block;
  block.header.prev_block = parent;
  block.header.time = 1'700'000'000;
  block.transactions = std::move(txs);
  return block;
}

TEST(WalletHistory, records_what_pays_the_wallet_and_what_spends_its_coins) {
  const Hash160 mine = key_hash(1), other = key_hash(2);
  wallet::WalletHistory history({mine});
  Transaction reward = coinbase(mine, 10 * kCoin, 0);
  Transaction unrelated = coinbase(other, 10 * kCoin, 1);
  Block genesis = block_of({reward}, Hash256{});
  history.connect_block(genesis, genesis.hash(), 0);
  Block next = block_of({unrelated}, genesis.hash());
  history.connect_block(next, next.hash(), 1);
  ASSERT_EQ(history.confirmed().size(), 1u);
  EXPECT_EQ(history.confirmed()[0].credit, 10 * kCoin);
  EXPECT_TRUE(history.confirmed()[0].is_coinbase);
  EXPECT_EQ(history.scanned().size(), 2u);

  // Our payment of 3 (change 7), then another's payment of 2 to us spending its own coin.
  Transaction send = pay({OutPoint{reward.txid(), 0}}, {{other, 3 * kCoin}, {mine, 7 * kCoin}});
  Transaction incoming = pay({OutPoint{unrelated.txid(), 0}}, {{mine, 2 * kCoin}});
  Transaction foreign = pay({OutPoint{unrelated.txid(), 0}}, {{other, kCoin}});
  auto all = history.with_unconfirmed({send, incoming, foreign});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(all[1].from_me());
  EXPECT_EQ(all[1].debit, 10 * kCoin);
  EXPECT_EQ(all[1].net_amount(), -3 * kCoin);
  EXPECT_EQ(all[1].fee(), 0);
  EXPECT_FALSE(all[2].from_me());
  EXPECT_EQ(all[2].net_amount(), 2 * kCoin);
  EXPECT_EQ(all[2].height, -1);

  rpc::WalletTxPlace place{1, 1'800'000'000};
  ChainParams params = quick_params();
  rpc::Json details = rpc::wallet_tx_details(all[1], history, params, place);
  ASSERT_EQ(details.size(), 1u);  // the change is not listed
  EXPECT_EQ(details[0]["category"], "send");
  EXPECT_EQ(rpc::amount_units(details[0]["amount"]), -3 * kCoin);
  rpc::Json entries = rpc::list_transaction_entries(all[0], history, params, place);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["category"], "generate");
  EXPECT_EQ(entries[0]["confirmations"], 2);
  EXPECT_EQ(entries[0]["blockhash"], genesis.hash().hex());
  rpc::Json tx = rpc::get_transaction_json(all[2], history, params, place);
  EXPECT_EQ(tx["confirmations"], 0);
  EXPECT_EQ(tx["time"], 1'800'000'000);
  EXPECT_FALSE(tx.contains("fee"));
  EXPECT_FALSE(tx.contains("blockhash"));

  history.clear();
  EXPECT_TRUE(history.confirmed().empty());
  EXPECT_TRUE(history.scanned().empty());
}

// A reorganisation lost the block of the wallet's coinbase: it is listed as Core's orphan,
// with no block; one that the new chain holds too is not.
TEST(WalletHistory, coinbase_of_a_lost_block_is_an_orphan) {
  const Hash160 mine = key_hash(1);
  wallet::WalletHistory old_chain({mine}), new_chain({mine});
  Block genesis = block_of({coinbase(mine, 10 * kCoin, 0)}, Hash256{});
  Block lost = block_of({coinbase(mine, 10 * kCoin, 1)}, genesis.hash());
  Block winner = block_of({coinbase(key_hash(2), 10 * kCoin, 2)}, genesis.hash());
  for (auto* history : {&old_chain, &new_chain}) history->connect_block(genesis, genesis.hash(), 0);
  old_chain.connect_block(lost, lost.hash(), 1);
  new_chain.connect_block(winner, winner.hash(), 1);

  auto orphans = wallet::lost_coinbases(old_chain.confirmed(), new_chain.confirmed());
  ASSERT_EQ(orphans.size(), 1u);
  EXPECT_EQ(orphans[0].txid, lost.transactions[0].txid());
  EXPECT_EQ(orphans[0].height, -1);
  EXPECT_FALSE(orphans[0].block_hash);
  EXPECT_EQ(orphans[0].time_received, lost.header.time);

  rpc::WalletTxPlace place{1, 1'800'000'000};
  rpc::Json entries = rpc::list_transaction_entries(orphans[0], new_chain, quick_params(), place);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["category"], "orphan");
  EXPECT_EQ(entries[0]["confirmations"], 0);
  EXPECT_EQ(entries[0]["time"], lost.header.time);
  EXPECT_FALSE(entries[0].contains("blockhash"));
}

}  // namespace
}  // namespace ac
