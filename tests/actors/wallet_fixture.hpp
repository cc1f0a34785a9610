// A wallet actor over a real chain for actor tests: a Store and ChainState in a temp folder
// (quick chain: trivial proof of work, coinbases spendable at once), the chain, mempool and
// utxo_indexer actors on it, and the wallet with one key. Blocks are mined here, on the chain's
// tip, with what the test passes (or the mempool's selection).
#pragma once

#include <unistd.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <string>

#include "actors/chain_actor.hpp"
#include "actors/chainstate_backend.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/utxo_indexer.hpp"
#include "actors/wallet_actor.hpp"
#include "chain/block_assembly.hpp"
#include "chain/pow.hpp"
#include "chain/pow_search.hpp"
#include "chain/script.hpp"
#include "test_support.hpp"
#include "wallet/wallet_file.hpp"

namespace ac::actors::testing {

struct WalletActorTest : ActorSystemTest {
  ChainParams params = quick_params();
  std::filesystem::path dir;
  std::filesystem::path wallet_path;
  std::shared_ptr<ChainStateBackend> backend;
  ChainActor chain;
  MempoolActor mempool;
  UtxoIndexerActor indexer;
  WalletActor wallet;
  Hash160 key;    // the wallet's
  Hash160 other;  // someone else's: payee of the payments and of the blocks' rewards

  WalletActorTest() {
    static std::atomic<int> counter{0};
    dir = std::filesystem::temp_directory_path() /
          ("wallet_actor_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    wallet_path = dir / "wallet.dat";
    key = wallet::Wallet::open(wallet_path)->new_key()->pubkey_hash();
    other.data[0] = 7;
    backend = ChainStateBackend::open((dir / "store").string(), params).value();
    EXPECT_TRUE(backend->create_genesis(mined({}, 0, {}, other)).ok());
    chain = spawn_chain(*system, backend, captured_log());
    std::shared_ptr<const TipCoins> coins(backend, &backend->store());
    mempool =
        spawn_mempool(*system, MempoolConfig{params, coins, 1'000'000, captured_log()}, chain);
    indexer = spawn_utxo_indexer(*system, std::shared_ptr<const Store>(backend, &backend->store()));
    start_wallet();
  }

  ~WalletActorTest() override {
    for (const caf::actor& actor :
         {caf::actor_cast<caf::actor>(wallet), caf::actor_cast<caf::actor>(indexer),
          caf::actor_cast<caf::actor>(mempool), caf::actor_cast<caf::actor>(chain)}) {
      (*self)->send_exit(actor, caf::exit_reason::user_shutdown);
      (*self)->wait_for(actor);
    }
    backend.reset();
    std::filesystem::remove_all(dir);
  }

  // The wallet actor, (re)spawned on wallet.dat; answered once it has subscribed to the chain.
  void start_wallet() {
    WalletConfig config{params, wallet_path, captured_log(), std::chrono::hours(1)};
    wallet = spawn_wallet(*system, config, indexer, mempool, NodeActor{}, chain).value();
    ask<WalletBalance>(wallet, GetWalletBalance{});
  }

  // The node restarted without mempool.dat: a new, empty mempool and a new wallet actor.
  void restart_without_mempool() {
    for (const caf::actor& actor :
         {caf::actor_cast<caf::actor>(wallet), caf::actor_cast<caf::actor>(mempool)}) {
      (*self)->send_exit(actor, caf::exit_reason::user_shutdown);
      (*self)->wait_for(actor);
    }
    std::shared_ptr<const TipCoins> coins(backend, &backend->store());
    mempool =
        spawn_mempool(*system, MempoolConfig{params, coins, 1'000'000, captured_log()}, chain);
    ask<uint64_t>(mempool, GetMempoolSize{});
    start_wallet();
  }

  // A block on `parent` at `height` holding `txs`, its reward to `payout`, with proof of work.
  Block mined(const Hash256& parent, int height, std::vector<Transaction> txs,
              const Hash160& payout) {
    BlockTemplate block_template;
    block_template.parent = parent;
    block_template.height = height;
    block_template.now = static_cast<int64_t>(std::time(nullptr)) + height;
    block_template.payout_script = p2pkh_script(payout);
    block_template.transactions = std::move(txs);
    Block block = assemble_block(block_template, params);
    std::atomic<bool> never{false};
    block.header = *search_proof_of_work(block.header, *target_from_compact(block.header.bits),
                                         PowSearchOptions{}, never)
                        .header;
    return block;
  }

  // Mines a block on the chain's tip holding `txs` and waits until it is the tip (its
  // TipChanged sent to every subscriber).
  Block mine_block(std::vector<Transaction> txs, const Hash160& payout) {
    TipInfo tip = ask<TipInfo>(chain, GetTip{});
    Block block = mined(tip.hash, tip.height + 1, std::move(txs), payout);
    auto verdict = ask<BlockVerdict>(chain, SubmitBlock{std::make_shared<const Block>(block), {}});
    EXPECT_TRUE(verdict.new_tip) << verdict.outcome;
    return block;
  }
  Hash256 mine(std::vector<Transaction> txs, const Hash160& payout) {
    return mine_block(std::move(txs), payout).hash();
  }

  // Mines the mempool's transactions.
  Hash256 mine_pool() {
    std::vector<Transaction> txs;
    for (const TxPtr& tx : ask<TxSelection>(mempool, SelectTxs{500'000}).txs) txs.push_back(*tx);
    return mine(std::move(txs), other);
  }

  std::vector<Hash256> pooled() {
    std::vector<Hash256> out;
    for (const TxPtr& tx : ask<TxSelection>(mempool, SelectTxs{500'000}).txs)
      out.push_back(tx->txid());
    return out;
  }

  PaymentResult pay(Amount amount) {
    return ask<PaymentResult>(wallet, SendPayment{other, amount, std::nullopt, 0});
  }

  // wallet.dat's pending spends, once the wallet has handled what was sent to it before.
  std::vector<wallet::PendingSpend> pending_spends() {
    ask<std::vector<std::string>>(wallet, ListWalletAddresses{});
    return wallet::Wallet::open(wallet_path)->pending_spends();
  }
};

}  // namespace ac::actors::testing
