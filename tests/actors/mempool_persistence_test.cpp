// The mempool actor with a mempool.dat: what it loads at spawn (checked as any submission, in
// file order, expired entries dropped, entry times kept), what it writes on SaveMempool, and a
// damaged file reported without harm.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "actors/chain_actor.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/mempool_persistence.hpp"
#include "chain/script.hpp"
#include "memory_chain.hpp"
#include "test_support.hpp"
#include "wallet/tx_builder.hpp"

namespace ac::actors {
namespace {

using testing::ActorSystemTest;
using testing::make_test_chain;
using testing::MemoryChain;
using testing::TestTipCoins;

struct MempoolPersistenceTest : ActorSystemTest {
  ChainParams params = quick_params();
  wallet::Signer signer = wallet::Signer::create().value();
  wallet::PrivateKey key = *signer.generate_key();
  std::shared_ptr<TestTipCoins> coins = std::make_shared<TestTipCoins>();
  std::vector<Block> blocks = make_test_chain(1, 3);
  ChainActor chain;
  std::vector<MempoolActor> mempools;
  OutPoint funded{Hash256::from_span(Bytes(32, 0x11)), 0};
  std::FILE* log_file = std::tmpfile();  // a LogSink does not close its file
  LogSinkPtr log = std::make_shared<LogSink>("9999", log_file);
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("actorchain-mempool-persistence-" + std::to_string(::getpid()));
  std::filesystem::path path = dir / "mempool.dat";
  const int64_t now = static_cast<int64_t>(std::time(nullptr));

  MempoolPersistenceTest() {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto backend = std::make_shared<MemoryChain>();
    EXPECT_TRUE(backend->create_genesis(blocks[0]).ok());
    coins->add(funded, Coin{TxOut{5'000, p2pkh_script(key.pubkey_hash())}, 0, false});
    coins->set_tip(blocks[0].hash());
    chain = spawn_chain(*system, backend, testing::captured_log());
  }
  ~MempoolPersistenceTest() override {
    for (const MempoolActor& mempool : mempools)
      caf::anon_send_exit(mempool, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(chain, caf::exit_reason::user_shutdown);
    std::filesystem::remove_all(dir);
  }

  MempoolActor spawn(bool load) {
    mempools.push_back(
        spawn_mempool(*system, MempoolConfig{params, coins, 1'000'000, log, path, load}, chain));
    return mempools.back();
  }

  // `amount` to our own key from `from` (worth `value`), the change back to it.
  Transaction payment(Amount amount, OutPoint from, Amount value) {
    std::vector<wallet::SpendableCoin> available{
        {from, Coin{TxOut{value, p2pkh_script(key.pubkey_hash())}, 0, false}}};
    wallet::Payment pay{key.pubkey_hash(), amount, 0, key.pubkey_hash()};
    auto tx = wallet::build_payment(signer, std::span(&key, 1), available, {}, pay);
    EXPECT_TRUE(tx.ok());
    return *tx;
  }

  std::string log_text() {
    log->flush();
    std::fflush(log_file);
    std::rewind(log_file);
    std::string text;
    for (int c = std::fgetc(log_file); c != EOF; c = std::fgetc(log_file))
      text.push_back(static_cast<char>(c));
    return text;
  }

  static std::vector<Hash256> txids(const std::vector<TxPtr>& txs) {
    std::vector<Hash256> out;
    for (const TxPtr& tx : txs) out.push_back(tx->txid());
    return out;
  }
};

TEST_F(MempoolPersistenceTest, LoadsSavedTransactionsInOrderDropsTheRestAndKeepsEntryTimes) {
  const Transaction parent = payment(1'000, funded, 5'000);
  const Transaction child = payment(400, OutPoint{parent.txid(), 0}, parent.outputs[0].value);
  Transaction unfunded = parent;
  unfunded.inputs[0].prevout.index = 7;
  const Transaction old = payment(2'000, funded, 5'000);  // would conflict; expired first
  const int64_t expired = now - std::chrono::seconds(kMempoolExpiry).count() - 60;
  ASSERT_TRUE(save_mempool_file(path, std::vector<SavedMempoolTx>{{parent, now - 600},
                                                                  {child, now - 300},
                                                                  {unfunded, now - 200},
                                                                  {old, expired}})
                  .ok());

  MempoolActor mempool = spawn(true);
  // A new peer's inventory waits for the load, and holds all of it, parents first.
  TxSelection selection = ask<TxSelection>(mempool, SelectTxs{1'000'000, true});
  EXPECT_TRUE(selection.loaded);
  EXPECT_EQ(txids(selection.txs), (std::vector<Hash256>{parent.txid(), child.txid()}));
  EXPECT_NE(
      log_text().find("loaded 2 of 4 mempool txs (1 already confirmed or invalid, 1 expired)"),
      std::string::npos)
      << log_text();

  MempoolSaved saved = ask<MempoolSaved>(mempool, SaveMempool{});
  ASSERT_TRUE(saved.ok) << saved.detail;
  EXPECT_EQ(saved.detail, path.string());
  EXPECT_EQ(saved.count, 2u);
  auto reread = load_mempool_file(path);
  ASSERT_TRUE(reread.ok()) << reread.error().message();
  EXPECT_EQ(*reread, (std::vector<SavedMempoolTx>{{parent, now - 600}, {child, now - 300}}));
}

TEST_F(MempoolPersistenceTest, ADamagedFileIsReportedAndTheMempoolStartsEmpty) {
  {
    std::ofstream out(path, std::ios::binary);
    out << "not a mempool file at all, but long enough to have a checksum's worth of bytes";
  }
  MempoolActor mempool = spawn(true);
  TxSelection selection = ask<TxSelection>(mempool, SelectTxs{1'000'000, true});
  EXPECT_TRUE(selection.loaded);
  EXPECT_TRUE(selection.txs.empty());
  EXPECT_NE(log_text().find("cannot load " + path.string() +
                            ": mempool-file-corrupt: bad magic (starting with an empty mempool)"),
            std::string::npos)
      << log_text();
  const Transaction tx = payment(1'000, funded, 5'000);
  EXPECT_TRUE(
      ask<TxVerdict>(mempool, SubmitTx{std::make_shared<const Transaction>(tx), {}}).accepted);
}

TEST_F(MempoolPersistenceTest, WithoutLoadingItStartsEmptyAndSavesWhatItAcceptsWithTheirTime) {
  const Transaction tx = payment(1'000, funded, 5'000);
  ASSERT_TRUE(save_mempool_file(path, std::vector<SavedMempoolTx>{{tx, now}}).ok());
  MempoolActor mempool = spawn(false);
  EXPECT_TRUE(ask<TxSelection>(mempool, SelectTxs{1'000'000, true}).txs.empty());
  EXPECT_EQ(log_text().find("loaded"), std::string::npos);

  const int64_t before = static_cast<int64_t>(std::time(nullptr));
  ASSERT_TRUE(
      ask<TxVerdict>(mempool, SubmitTx{std::make_shared<const Transaction>(tx), {}}).accepted);
  const int64_t after = static_cast<int64_t>(std::time(nullptr));
  ASSERT_TRUE(ask<MempoolSaved>(mempool, SaveMempool{}).ok);
  auto reread = load_mempool_file(path);
  ASSERT_TRUE(reread.ok()) << reread.error().message();
  ASSERT_EQ(reread->size(), 1u);
  EXPECT_EQ((*reread)[0].tx, tx);
  EXPECT_GE((*reread)[0].entry_time, before);
  EXPECT_LE((*reread)[0].entry_time, after);
}

}  // namespace
}  // namespace ac::actors
