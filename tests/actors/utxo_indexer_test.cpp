#include "actors/utxo_indexer.hpp"

#include <filesystem>

#include "chain/script.hpp"
#include "test_support.hpp"

namespace ac::actors {
namespace {

TEST(UtxoIndexer, AnswersBalanceAndCoinsOfAnAddressFromTheStore) {
  auto dir =
      std::filesystem::temp_directory_path() / ("utxo_indexer_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::shared_ptr<const Store> store;
  Hash160 paid;
  paid.data[0] = 1;
  Hash160 other;
  other.data[0] = 2;
  {
    auto opened = Store::open(dir.string());
    ASSERT_TRUE(opened.ok());
    StoreDelta change;
    change.new_tip.data[0] = 9;
    for (uint32_t i = 0; i < 3; ++i)
      change.coins_added.push_back(
          {OutPoint{change.new_tip, i}, Coin{TxOut{100 + i, p2pkh_script(paid)}, 1, false}});
    change.coins_added.push_back(
        {OutPoint{change.new_tip, 3}, Coin{TxOut{7, p2pkh_script(other)}, 1, false}});
    ASSERT_TRUE((*opened)->apply(change).ok());
    store = std::move(*opened);
  }
  caf::actor_system_config config;
  caf::actor_system system{config};
  caf::scoped_actor self{system};
  auto indexer = spawn_utxo_indexer(system, store);
  self->request(indexer, std::chrono::seconds(5), GetBalance{paid})
      .receive([](int64_t balance) { EXPECT_EQ(balance, 303); },
               [](caf::error&) { ADD_FAILURE(); });
  self->request(indexer, std::chrono::seconds(5), GetAddressCoins{other})
      .receive([](const AddressCoins& coins) { EXPECT_EQ(coins.size(), 1u); },
               [](caf::error&) { ADD_FAILURE(); });
  caf::anon_send_exit(indexer, caf::exit_reason::user_shutdown);
  self->wait_for(indexer);
  store.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ac::actors
