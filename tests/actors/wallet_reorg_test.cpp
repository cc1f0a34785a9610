// The wallet across a reorganisation: its own payments that disconnected blocks held are pending
// again (inputs reserved in wallet.dat, change spendable), as Core's wallet has them, and are
// settled again when a block confirms them.
#include <algorithm>

#include "chain/amount.hpp"
#include "wallet/tx_builder.hpp"
#include "wallet_fixture.hpp"

namespace ac::actors {
namespace {

using testing::WalletActorTest;

bool names(const std::vector<wallet::PendingSpend>& spends, const Hash256& txid) {
  return std::any_of(spends.begin(), spends.end(), [&](const wallet::PendingSpend& spend) {
    return spend.spending_txid == txid;
  });
}

TEST_F(WalletActorTest, OwnPaymentOfAnInvalidatedBlockIsPendingAgainAndSettledWhenReconfirmed) {
  mine({}, key);  // 10 coins to the wallet
  PaymentResult first = pay(3 * kCoin);
  ASSERT_TRUE(first.answer.ok) << first.answer.text;
  Hash256 first_txid = Hash256::from_hex(first.answer.text).value();
  Hash256 confirming = mine_pool();
  EXPECT_TRUE(pending_spends().empty());
  WalletBalance settled = ask<WalletBalance>(wallet, GetWalletBalance{});
  EXPECT_EQ(settled.confirmed, 7 * kCoin);
  EXPECT_EQ(settled.pending, 0);

  // The block leaves the chain: the payment is back in the mempool, and the wallet's again.
  ASSERT_TRUE(ask<BlockVerdict>(chain, InvalidateBlock{confirming}).accepted);
  EXPECT_EQ(pooled(), std::vector<Hash256>{first_txid});
  EXPECT_TRUE(names(pending_spends(), first_txid));
  WalletBalance unconfirmed = ask<WalletBalance>(wallet, GetWalletBalance{});
  EXPECT_EQ(unconfirmed.confirmed, 0);  // the 10-coin coinbase is spent by the payment
  EXPECT_EQ(unconfirmed.pending, 7 * kCoin);
  auto coins = ask<std::vector<WalletCoin>>(wallet, ListWalletCoins{});
  ASSERT_EQ(coins.size(), 1u);
  EXPECT_EQ(coins[0].outpoint.txid, first_txid);
  EXPECT_EQ(coins[0].coin.height, -1);

  // A new payment spends the pending change, not the coinbase (which the mempool would refuse
  // as a conflict).
  PaymentResult second = pay(2 * kCoin);
  ASSERT_TRUE(second.answer.ok) << second.answer.text;
  Hash256 second_txid = Hash256::from_hex(second.answer.text).value();
  EXPECT_EQ(pooled().size(), 2u);

  // The block comes back: the first payment is settled, the second still pending.
  ASSERT_TRUE(ask<BlockVerdict>(chain, ReconsiderBlock{confirming}).accepted);
  EXPECT_EQ(pooled(), std::vector<Hash256>{second_txid});
  EXPECT_FALSE(names(pending_spends(), first_txid));
  EXPECT_TRUE(names(pending_spends(), second_txid));
  WalletBalance after = ask<WalletBalance>(wallet, GetWalletBalance{});
  EXPECT_EQ(after.confirmed, 0);
  EXPECT_EQ(after.pending, 5 * kCoin);

  mine_pool();
  EXPECT_TRUE(pending_spends().empty());
  WalletBalance last = ask<WalletBalance>(wallet, GetWalletBalance{});
  EXPECT_EQ(last.confirmed, 5 * kCoin);
  EXPECT_EQ(last.pending, 0);
}

TEST_F(WalletActorTest, APaymentToTheWalletByAnotherIsNotTakenAsItsOwn) {
  auto stranger = wallet::Wallet::open(dir / "stranger.dat").value();
  wallet::PrivateKey stranger_key = *stranger.new_key();
  Block funding = mine_block({}, stranger_key.pubkey_hash());
  const TxOut& reward = funding.transactions[0].outputs[0];
  std::vector<wallet::SpendableCoin> coins{
      {OutPoint{funding.transactions[0].txid(), 0}, Coin{reward, 1, true}}};
  wallet::Payment payment{key, 4 * kCoin, 0, stranger_key.pubkey_hash(), 0};
  auto tx = wallet::build_payment(stranger.signer(), stranger.keys(), coins, {}, payment);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(
      ask<TxVerdict>(mempool, SubmitTx{std::make_shared<const Transaction>(*tx), {}}).accepted);
  Hash256 confirming = mine_pool();
  EXPECT_EQ(ask<WalletBalance>(wallet, GetWalletBalance{}).confirmed, 4 * kCoin);

  ASSERT_TRUE(ask<BlockVerdict>(chain, InvalidateBlock{confirming}).accepted);
  EXPECT_EQ(pooled(), std::vector<Hash256>{tx->txid()});
  // Not the wallet's payment: nothing reserved, and another's unconfirmed payment is not
  // counted (Core's untrusted pending).
  EXPECT_TRUE(pending_spends().empty());
  WalletBalance balance = ask<WalletBalance>(wallet, GetWalletBalance{});
  EXPECT_EQ(balance.confirmed, 0);
  EXPECT_EQ(balance.pending, 0);
  EXPECT_TRUE(ask<std::vector<WalletCoin>>(wallet, ListWalletCoins{}).empty());
}

TEST_F(WalletActorTest, AnOwnPaymentTheNewChainDoubleSpentIsNotCountedAndMayBeAbandoned) {
  Block funding = mine_block({}, key);
  Hash256 first = Hash256::from_hex(pay(3 * kCoin).answer.text).value();
  mine_pool();
  // A longer branch from the funding block spends the same coin otherwise (the wallet's key
  // signed both: a copy of the wallet elsewhere).
  auto copy = wallet::Wallet::open(wallet_path).value();
  std::vector<wallet::SpendableCoin> coins{{OutPoint{funding.transactions[0].txid(), 0},
                                            Coin{funding.transactions[0].outputs[0], 1, true}}};
  auto spent_otherwise = wallet::build_payment(copy.signer(), copy.keys(), coins, {},
                                               wallet::Payment{other, 4 * kCoin, 0, key, 0});
  ASSERT_TRUE(spent_otherwise.ok());
  Block fork = mined(funding.hash(), 2, {*spent_otherwise}, other);
  Block longer = mined(fork.hash(), 3, {}, other);
  ask<BlockVerdict>(chain, SubmitBlock{std::make_shared<const Block>(fork), {}});
  ASSERT_TRUE(
      ask<BlockVerdict>(chain, SubmitBlock{std::make_shared<const Block>(longer), {}}).new_tip);

  // The wallet took the payment back and the mempool refused it: once that verdict is in (the
  // wallet handled the tip change, the mempool its submission), its change is not counted.
  ask<std::vector<std::string>>(wallet, ListWalletAddresses{});
  ask<uint64_t>(mempool, GetMempoolSize{});
  EXPECT_TRUE(pooled().empty());
  WalletBalance balance = ask<WalletBalance>(wallet, GetWalletBalance{});
  EXPECT_EQ(balance.confirmed, 6 * kCoin);  // the other payment's change
  EXPECT_EQ(balance.pending, 0);
  EXPECT_TRUE(names(pending_spends(), first));
  EXPECT_EQ(ask<AbandonResult>(wallet, AbandonTx{first}).outcome, AbandonResult::kAbandoned);
  EXPECT_TRUE(pending_spends().empty());
}

}  // namespace
}  // namespace ac::actors
