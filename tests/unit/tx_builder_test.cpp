#include <gtest/gtest.h>

#include <vector>

#include "chain/ecdsa.hpp"
#include "chain/hash.hpp"
#include "chain/script.hpp"
#include "chain/sighash.hpp"
#include "wallet/tx_builder.hpp"

namespace ac::wallet {
namespace {

class TxBuilderTest : public ::testing::Test {
 protected:
  SpendableCoin coin_for(const PrivateKey& key, uint8_t id, Amount value) const {
    SpendableCoin out;
    out.outpoint.txid.data[0] = id;
    out.outpoint.index = id;
    out.coin.output = TxOut{value, p2pkh_script(key.pubkey_hash())};
    return out;
  }
  const SpendableCoin& spent_by(const TxIn& input) const {
    for (const SpendableCoin& candidate : available_) {
      if (candidate.outpoint == input.prevout) return candidate;
    }
    ADD_FAILURE() << "input spends an unknown coin";
    return available_.front();
  }
  // Every input carries <sig||ALL> <pubkey> whose signature verifies against the legacy
  // sighash of the coin it spends.
  void expect_all_inputs_signed(const Transaction& tx) const {
    for (size_t i = 0; i < tx.inputs.size(); ++i) {
      auto spend = parse_p2pkh_script_sig(tx.inputs[i].script_sig);
      ASSERT_TRUE(spend.has_value()) << i;
      ASSERT_EQ(spend->signature_with_hash_type.back(), kSighashAll);
      Bytes der(spend->signature_with_hash_type.begin(), spend->signature_with_hash_type.end() - 1);
      const Bytes& script = spent_by(tx.inputs[i]).coin.output.script_pubkey;
      EXPECT_EQ(match_p2pkh(script), hash160(spend->pubkey)) << i;
      EXPECT_TRUE(verify_ecdsa(spend->pubkey, legacy_sighash(tx, i, script, kSighashAll), der))
          << i;
    }
  }

  Signer signer_ = std::move(Signer::create()).value();
  PrivateKey alice_ = std::move(signer_.generate_key()).value();
  PrivateKey bob_ = std::move(signer_.generate_key()).value();
  std::vector<PrivateKey> keys_{alice_};
  std::vector<SpendableCoin> available_{coin_for(alice_, 1, 10 * kCoin),
                                        coin_for(alice_, 2, 4 * kCoin)};
};

TEST_F(TxBuilderTest, PaysRecipientAndReturnsChange) {
  Payment payment{bob_.pubkey_hash(), 12 * kCoin, 0, alice_.pubkey_hash()};
  auto tx = build_payment(signer_, keys_, available_, {}, payment);
  ASSERT_TRUE(tx.ok()) << tx.error().message();
  ASSERT_EQ(tx->inputs.size(), 2u);
  ASSERT_EQ(tx->outputs.size(), 2u);
  EXPECT_EQ(tx->outputs[0], (TxOut{12 * kCoin, p2pkh_script(bob_.pubkey_hash())}));
  EXPECT_EQ(tx->outputs[1], (TxOut{2 * kCoin, p2pkh_script(alice_.pubkey_hash())}));
  expect_all_inputs_signed(*tx);
}

TEST_F(TxBuilderTest, ExactAmountHasNoChangeOutput) {
  Payment payment{bob_.pubkey_hash(), 10 * kCoin, 0, alice_.pubkey_hash()};
  auto tx = build_payment(signer_, keys_, available_, {}, payment);
  ASSERT_TRUE(tx.ok());
  ASSERT_EQ(tx->inputs.size(), 1u);
  EXPECT_EQ(tx->inputs[0].prevout, available_[0].outpoint);
  ASSERT_EQ(tx->outputs.size(), 1u);
  EXPECT_EQ(tx->outputs[0].value, 10 * kCoin);
  expect_all_inputs_signed(*tx);
}

TEST_F(TxBuilderTest, FeeIsLeftOutOfOutputs) {
  Payment payment{bob_.pubkey_hash(), 3 * kCoin, kCoin / 2, alice_.pubkey_hash()};
  auto tx = build_payment(signer_, keys_, available_, {}, payment);
  ASSERT_TRUE(tx.ok());
  ASSERT_EQ(tx->outputs.size(), 2u);
  EXPECT_EQ(tx->outputs[1].value, 10 * kCoin - 3 * kCoin - kCoin / 2);
}

TEST_F(TxBuilderTest, TamperingWithOutputsInvalidatesSignature) {
  Payment payment{bob_.pubkey_hash(), 5 * kCoin, 0, alice_.pubkey_hash()};
  auto tx = build_payment(signer_, keys_, available_, {}, payment);
  ASSERT_TRUE(tx.ok());
  Transaction tampered = *tx;
  tampered.outputs[0].value += 1;
  auto spend = parse_p2pkh_script_sig(tampered.inputs[0].script_sig);
  ASSERT_TRUE(spend.has_value());
  Bytes der(spend->signature_with_hash_type.begin(), spend->signature_with_hash_type.end() - 1);
  const Bytes& script = spent_by(tampered.inputs[0]).coin.output.script_pubkey;
  EXPECT_FALSE(verify_ecdsa(spend->pubkey, legacy_sighash(tampered, 0, script, kSighashAll), der));
}

TEST_F(TxBuilderTest, ReportsInsufficientFunds) {
  Payment payment{bob_.pubkey_hash(), 15 * kCoin, 0, alice_.pubkey_hash()};
  auto tx = build_payment(signer_, keys_, available_, {}, payment);
  ASSERT_FALSE(tx.ok());
  EXPECT_EQ(tx.reason(), "insufficient-funds");
  EXPECT_EQ(tx.kind(), ErrorKind::kRefused);  // what the wallet actor tells it by
}

// One wording whether the node runs (its wallet actor) or not (the command line): the coins
// that could pay, confirmed and pending apart (spent and unsignable ones left out), and what
// was needed, the fee included.
TEST_F(TxBuilderTest, InsufficientFundsSaysWhatIsConfirmedAndPendingAndWhatWasNeeded) {
  SpendableCoin change = coin_for(alice_, 3, 2 * kCoin);
  change.pending = true;
  available_.push_back(change);
  available_.push_back(coin_for(bob_, 4, 100 * kCoin));
  Payment payment{bob_.pubkey_hash(), 15 * kCoin, 0, alice_.pubkey_hash(), 1'000};
  auto tx = build_payment(signer_, keys_, available_, {available_[1].outpoint}, payment);
  ASSERT_FALSE(tx.ok());
  EXPECT_EQ(tx.error().message(),
            "insufficient-funds: have 10.00000000 coins confirmed + 2.00000000 pending, need "
            "15.00000226");  // a one-input payment's fee at 1 sat/byte: 226 bytes
}

TEST_F(TxBuilderTest, PendingSpendsAreNotSpentAgain) {
  Payment payment{bob_.pubkey_hash(), 3 * kCoin, 0, alice_.pubkey_hash()};
  auto tx = build_payment(signer_, keys_, available_, {available_[0].outpoint}, payment);
  ASSERT_TRUE(tx.ok());
  ASSERT_EQ(tx->inputs.size(), 1u);
  EXPECT_EQ(tx->inputs[0].prevout, available_[1].outpoint);

  Payment too_much{bob_.pubkey_hash(), 5 * kCoin, 0, alice_.pubkey_hash()};
  auto rejected = build_payment(signer_, keys_, available_, {available_[0].outpoint}, too_much);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.reason(), "insufficient-funds");
}

TEST_F(TxBuilderTest, CoinsOfOtherKeysAreNotSelected) {
  available_.push_back(coin_for(bob_, 3, 100 * kCoin));
  Payment payment{bob_.pubkey_hash(), 20 * kCoin, 0, alice_.pubkey_hash()};
  auto tx = build_payment(signer_, keys_, available_, {}, payment);
  ASSERT_FALSE(tx.ok());
  EXPECT_EQ(tx.reason(), "insufficient-funds");
}

TEST_F(TxBuilderTest, SignsInputsOfSeveralKeys) {
  keys_.push_back(bob_);
  available_.push_back(coin_for(bob_, 3, 7 * kCoin));
  Payment payment{bob_.pubkey_hash(), 20 * kCoin, 0, alice_.pubkey_hash()};
  auto tx = build_payment(signer_, keys_, available_, {}, payment);
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(tx->inputs.size(), 3u);
  expect_all_inputs_signed(*tx);
}

TEST_F(TxBuilderTest, RejectsBadAmountAndFee) {
  Payment zero{bob_.pubkey_hash(), 0, 0, alice_.pubkey_hash()};
  auto tx = build_payment(signer_, keys_, available_, {}, zero);
  ASSERT_FALSE(tx.ok());
  EXPECT_EQ(tx.reason(), "bad-amount");
  Payment negative_fee{bob_.pubkey_hash(), kCoin, -1, alice_.pubkey_hash()};
  tx = build_payment(signer_, keys_, available_, {}, negative_fee);
  ASSERT_FALSE(tx.ok());
  EXPECT_EQ(tx.reason(), "bad-fee");
}

TEST_F(TxBuilderTest, SignInputsReportsCoinWithoutKey) {
  Transaction tx;
  tx.inputs.push_back(TxIn{available_[0].outpoint, {}});
  tx.outputs.push_back(TxOut{kCoin, p2pkh_script(alice_.pubkey_hash())});
  std::vector<PrivateKey> only_bob{bob_};
  auto status = sign_inputs(signer_, only_bob, std::span(available_).first(1), tx);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.reason(), "missing-key");
}

}  // namespace
}  // namespace ac::wallet

namespace ac::wallet {
namespace {

class FeeRateTest : public TxBuilderTest {
 protected:
  Amount fee_of(const Transaction& tx) const {
    Amount in = 0, out = 0;
    for (const TxIn& input : tx.inputs) in += spent_by(input).coin.output.value;
    for (const TxOut& output : tx.outputs) out += output.value;
    return in - out;
  }
};

TEST_F(FeeRateTest, PaysAtLeastTheRateOnTheSignedSize) {
  Payment payment{bob_.pubkey_hash(), 3 * kCoin, 0, alice_.pubkey_hash(), 1'000};
  auto tx = build_payment(signer_, keys_, available_, {}, payment);
  ASSERT_TRUE(tx.ok()) << tx.error().message();
  const Amount fee = fee_of(*tx);
  EXPECT_GE(fee * 1'000, 1'000 * static_cast<Amount>(tx->serialized_size()));
  EXPECT_EQ(fee, fee_for_size(1'000, max_p2pkh_tx_size(1, 2)));
  EXPECT_LE(tx->serialized_size(), max_p2pkh_tx_size(1, 2));
  expect_all_inputs_signed(*tx);
}

TEST_F(FeeRateTest, SelectsAnotherCoinWhenTheFeeNoLongerFits) {
  // 10 coins exactly: with a fee the first coin no longer covers it, a second input is added
  // and the fee covers two inputs.
  Payment payment{bob_.pubkey_hash(), 10 * kCoin, 0, alice_.pubkey_hash(), 1'000};
  auto tx = build_payment(signer_, keys_, available_, {}, payment);
  ASSERT_TRUE(tx.ok()) << tx.error().message();
  ASSERT_EQ(tx->inputs.size(), 2u);
  EXPECT_EQ(fee_of(*tx), fee_for_size(1'000, max_p2pkh_tx_size(2, 2)));
  EXPECT_EQ(tx->outputs[0].value, 10 * kCoin);
}

TEST_F(FeeRateTest, DustChangeGoesToTheFee) {
  const Amount fee = fee_for_size(1'000, max_p2pkh_tx_size(1, 2));
  Payment payment{bob_.pubkey_hash(), 10 * kCoin - fee - 100, 0, alice_.pubkey_hash(), 1'000};
  auto tx = build_payment(signer_, keys_, available_, {}, payment);
  ASSERT_TRUE(tx.ok()) << tx.error().message();
  ASSERT_EQ(tx->inputs.size(), 1u);
  ASSERT_EQ(tx->outputs.size(), 1u);
  EXPECT_EQ(fee_of(*tx), fee + 100);
}

TEST_F(FeeRateTest, InsufficientFundsCountsTheFee) {
  Payment payment{bob_.pubkey_hash(), 14 * kCoin, 0, alice_.pubkey_hash(), 1'000};
  auto tx = build_payment(signer_, keys_, available_, {}, payment);
  ASSERT_FALSE(tx.ok());
  EXPECT_EQ(tx.reason(), "insufficient-funds");
}

TEST(FeeForSize, RoundsUp) {
  EXPECT_EQ(fee_for_size(1'000, 226), 226);
  EXPECT_EQ(fee_for_size(1, 226), 1);
  EXPECT_EQ(fee_for_size(0, 226), 0);
}

}  // namespace
}  // namespace ac::wallet
