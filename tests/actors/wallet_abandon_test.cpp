// abandontransaction in the wallet actor: a payment lost from the mempool (a restart without
// mempool.dat) keeps its inputs reserved until it is abandoned; one in the mempool, or not the
// wallet's, is not abandoned.
#include "chain/amount.hpp"
#include "wallet_fixture.hpp"

namespace ac::actors {
namespace {

using testing::WalletActorTest;

Hash256 txid_of(const PaymentResult& paid) {
  EXPECT_TRUE(paid.answer.ok) << paid.answer.text;
  return Hash256::from_hex(paid.answer.text).value_or(Hash256{});
}

TEST_F(WalletActorTest, ALostPaymentKeepsItsInputsUntilAbandoned) {
  mine({}, key);  // 10 coins
  Hash256 lost = txid_of(pay(3 * kCoin));
  TxPtr lost_tx = ask<TxPtr>(mempool, GetTx{lost});
  ASSERT_NE(lost_tx, nullptr);
  // In the mempool: not eligible. Not the wallet's: unknown.
  EXPECT_EQ(ask<AbandonResult>(wallet, AbandonTx{lost}).outcome, AbandonResult::kNotEligible);
  EXPECT_EQ(ask<AbandonResult>(wallet, AbandonTx{Hash256{}}).outcome, AbandonResult::kUnknown);

  restart_without_mempool();
  EXPECT_TRUE(pooled().empty());
  WalletBalance stuck = ask<WalletBalance>(wallet, GetWalletBalance{});
  EXPECT_EQ(stuck.confirmed, 0);  // the coinbase is still reserved for the lost payment
  EXPECT_EQ(stuck.pending, 0);
  PaymentResult refused = pay(1 * kCoin);
  EXPECT_FALSE(refused.answer.ok);
  EXPECT_TRUE(refused.insufficient_funds) << refused.answer.text;

  EXPECT_EQ(ask<AbandonResult>(wallet, AbandonTx{lost}).outcome, AbandonResult::kAbandoned);
  EXPECT_TRUE(pending_spends().empty());
  EXPECT_TRUE(wallet::Wallet::open(wallet_path)->is_abandoned(lost));
  EXPECT_EQ(ask<WalletBalance>(wallet, GetWalletBalance{}).confirmed, 10 * kCoin);
  Hash256 again = txid_of(pay(1 * kCoin));  // spends the released coinbase
  EXPECT_EQ(pooled(), std::vector<Hash256>{again});
  // Abandoning it again is no error (as Core).
  EXPECT_EQ(ask<AbandonResult>(wallet, AbandonTx{lost}).outcome, AbandonResult::kAbandoned);
}

TEST_F(WalletActorTest, AbandoningAPaymentAbandonsThePaymentsThatSpentItsChange) {
  mine({}, key);
  Hash256 parent = txid_of(pay(3 * kCoin));
  Hash256 child = txid_of(pay(2 * kCoin));  // from the parent's pending change
  restart_without_mempool();
  EXPECT_EQ(pending_spends().size(), 2u);
  EXPECT_EQ(ask<AbandonResult>(wallet, AbandonTx{parent}).outcome, AbandonResult::kAbandoned);
  EXPECT_TRUE(pending_spends().empty());
  auto reopened = wallet::Wallet::open(wallet_path);
  EXPECT_TRUE(reopened->is_abandoned(parent));
  EXPECT_TRUE(reopened->is_abandoned(child));
  EXPECT_EQ(ask<WalletBalance>(wallet, GetWalletBalance{}).confirmed, 10 * kCoin);
}

TEST_F(WalletActorTest, AnAbandonedPaymentMinedAfterAllIsNoLongerAbandoned) {
  mine({}, key);
  Hash256 lost = txid_of(pay(3 * kCoin));
  TxPtr lost_tx = ask<TxPtr>(mempool, GetTx{lost});
  ASSERT_NE(lost_tx, nullptr);
  restart_without_mempool();
  ASSERT_EQ(ask<AbandonResult>(wallet, AbandonTx{lost}).outcome, AbandonResult::kAbandoned);
  mine({*lost_tx}, other);  // another node still had it
  pending_spends();         // the wallet has handled the tip change
  EXPECT_FALSE(wallet::Wallet::open(wallet_path)->is_abandoned(lost));
  EXPECT_EQ(ask<WalletBalance>(wallet, GetWalletBalance{}).confirmed, 7 * kCoin);
  EXPECT_EQ(ask<AbandonResult>(wallet, AbandonTx{lost}).outcome, AbandonResult::kUnknown);
}

}  // namespace
}  // namespace ac::actors
