// make_bench_chain: the chain the sync benchmark (scripts/bench-sync.sh) transfers, and the
// local connect rate it is compared with.
//
//   make_bench_chain build --store DIR --export FILE [--blocks N] [--txs T]
//     Creates a quick-params chain of N blocks after the genesis in a fresh store at DIR (a
//     node's <datadir>/<NODE_ID>/chainstate), each block a coinbase and T signed P2PKH
//     transactions spending outputs of earlier blocks, every block validated by ChainState as it
//     is added. The blocks (genesis first) are also written to FILE: per block a 4-byte
//     little-endian length and its serialization.
//
//   make_bench_chain connect --import FILE --store DIR [--threads K] [--dbcache MIB]
//                            [--lookahead 0|1]
//     Feeds the exported blocks, read one at a time, to a fresh ChainState over a fresh store
//     at DIR (K script threads, default 2 as a node uses; the node's default coins cache) and
//     prints the time taken (wall and CPU), blocks/s, txs/s and the process's peak resident
//     memory. With lookahead (the default, as the node's chain actor within a batch) the next
//     block is read first and announced (ChainState::expect_next), so it is checked while the
//     current block's signatures are; 0: strictly one block after the other.
//
//   make_bench_chain sigrate --import FILE [--threads K] [--blocks N]
//     The signature verification limit: verifies the inputs of the first N exported blocks
//     (default 2,000) with a ScriptVerifier of K threads (default 2), one verify_all per
//     block as connecting does, and prints checks per second.
//
//   make_bench_chain reindex --store DIR [--threads K] [--dbcache MIB]
//     Rebuilds the index and coins of the store at DIR (a copy of a built one) from its block
//     files, as `startnode --reindex` (chain/reindex.hpp), and prints the time taken (wall and
//     CPU) and the peak resident memory.
//
// Output ends with one line of key=value pairs for the script to read.
#include <fmt/format.h>

#include <sys/resource.h>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "chain/block_assembly.hpp"
#include "chain/chain_storage.hpp"
#include "chain/connect.hpp"
#include "chain/hash.hpp"
#include "chain/memory_coins.hpp"
#include "chain/params.hpp"
#include "chain/pow.hpp"
#include "chain/reindex.hpp"
#include "chain/script.hpp"
#include "chain/script_verify.hpp"
#include "chain/store.hpp"
#include "tests/tools/tool_support.hpp"
#include "wallet/key.hpp"
#include "wallet/tx_builder.hpp"

namespace ac::bench {
namespace {

using tools::count_option;
using tools::fixed_key;
using tools::mine_block;
using tools::open_fresh_chain;
using tools::option_or;
using tools::Options;
using tools::sign_spends;
using tools::system_seconds;

void print_failure(const Error& error) {
  std::fprintf(stderr, "make_bench_chain: %s\n", error.message().c_str());
}

constexpr Amount kPayment = 1000;

// Spends `coin` to `payee` (kPayment units) with the change back to the coin's own script.
Result<Transaction> make_payment(const wallet::Signer& signer, const wallet::PrivateKey& key,
                                 const wallet::SpendableCoin& coin, const Bytes& payee) {
  Transaction tx;
  tx.inputs.push_back(TxIn{coin.outpoint, {}, 0xffffffff});
  tx.outputs.push_back(TxOut{coin.coin.output.value - kPayment, coin.coin.output.script_pubkey});
  tx.outputs.push_back(TxOut{kPayment, payee});
  if (Status signed_ok = sign_spends(signer, key, std::span(&coin, 1), tx); !signed_ok)
    return signed_ok.error();
  return tx;
}

void append_block(std::ofstream& out, const Block& block) {
  Bytes bytes = block.serialize();
  uint8_t length[4];
  for (int i = 0; i < 4; ++i) length[i] = static_cast<uint8_t>(bytes.size() >> (8 * i));
  out.write(reinterpret_cast<const char*>(length), 4);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Reads the export one block at a time, so that a long chain never sits in memory whole.
class BlockReader {
 public:
  explicit BlockReader(const std::string& path) : path_(path), in_(path, std::ios::binary) {}
  bool opened() const { return static_cast<bool>(in_); }

  // The next block; nullopt at the end of the file.
  Result<std::optional<Block>> next() {
    uint8_t length[4];
    if (!in_.read(reinterpret_cast<char*>(length), 4)) return std::optional<Block>();
    size_t size = length[0] | (length[1] << 8) | (length[2] << 16) | (size_t{length[3]} << 24);
    Bytes bytes(size);
    if (!in_.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
      return make_error("truncated-export", path_);
    auto block = decode_block(bytes);
    if (!block) return block.error();
    return std::optional<Block>(std::move(*block));
  }

 private:
  std::string path_;
  std::ifstream in_;
};

Result<std::vector<Block>> read_blocks(const std::string& path, size_t max_blocks) {
  BlockReader reader(path);
  if (!reader.opened()) return make_error("no-export", path);
  std::vector<Block> blocks;
  while (blocks.size() < max_blocks) {
    auto block = reader.next();
    if (!block) return block.error();
    if (!*block) break;
    blocks.push_back(std::move(**block));
  }
  return blocks;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU time of the whole process (every thread), to tell work from waiting on a shared machine.
double process_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// Peak resident memory of this process so far, in MiB.
double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

Status build(const Options& options) {
  const ChainParams params = quick_params();
  auto block_count_option = count_option(options, "blocks", 10000, 1);
  auto tx_count_option = count_option(options, "txs", 10, 1);
  if (!block_count_option) return block_count_option.error();
  if (!tx_count_option) return tx_count_option.error();
  const int block_count = *block_count_option;
  const int tx_count = *tx_count_option;
  // Each lane (a tenth of the genesis reward for 10 txs a block) pays kPayment every block.
  if (quick_params().subsidy / tx_count <= kPayment * (block_count + 1))
    return make_error("bad-arguments", "too many blocks x txs for the genesis reward to fund");
  const std::string store_path = option_or(options, "store", "");
  const std::string export_path = option_or(options, "export", "");
  if (store_path.empty() || export_path.empty())
    return make_error("bad-arguments", "build needs --store DIR and --export FILE");
  auto signer = wallet::Signer::create();
  if (!signer) return signer.error();
  auto lane_key = fixed_key(*signer, "bench-sync lanes");
  auto payee_key = fixed_key(*signer, "bench-sync payee");
  if (!lane_key) return lane_key.error();
  if (!payee_key) return payee_key.error();
  const Bytes lane_script = p2pkh_script(lane_key->pubkey_hash());
  const Bytes payee_script = p2pkh_script(payee_key->pubkey_hash());

  auto storage = open_fresh_chain(store_path, params, 2);
  if (!storage) return storage.error();
  ChainState* chain = storage->chain.get();
  std::ofstream out(export_path, std::ios::binary | std::ios::trunc);
  if (!out) return make_error("export-unwritable", export_path);

  // Block times one second apart, ending well before now: always above the median time past
  // and never in the future.
  const int64_t first_time = system_seconds() - block_count - 7200;
  const auto start = std::chrono::steady_clock::now();

  auto genesis = mine_block(*chain, params, lane_script, first_time);
  if (!genesis) return genesis.error();
  append_block(out, *genesis);

  // One lane per transaction slot: the unspent change output each block's tx in that slot
  // spends. The genesis coinbase funds them through block 1's splitting transaction.
  std::vector<wallet::SpendableCoin> lanes;
  lanes.push_back({OutPoint{genesis->transactions[0].txid(), 0},
                   Coin{genesis->transactions[0].outputs[0], 0, true}});
  uint64_t total_txs = 0;
  for (int height = 1; height <= block_count; ++height) {
    std::vector<Transaction> txs;
    std::vector<wallet::SpendableCoin> next_lanes;
    if (height == 1) {
      // Split the genesis reward into one output per lane (the first tx of block 1), then
      // spend each of them but the first within the same block.
      const wallet::SpendableCoin& reward = lanes[0];
      Transaction split;
      split.inputs.push_back(TxIn{reward.outpoint, {}, 0xffffffff});
      const Amount share = reward.coin.output.value / tx_count;
      for (int lane = 0; lane < tx_count; ++lane)
        split.outputs.push_back(TxOut{share, lane_script});
      if (Status signed_ok = sign_spends(*signer, *lane_key, std::span(&reward, 1), split);
          !signed_ok)
        return signed_ok;
      const Hash256 split_txid = split.txid();
      txs.push_back(split);
      next_lanes.push_back({OutPoint{split_txid, 0}, Coin{split.outputs[0], height, false}});
      for (int lane = 1; lane < tx_count; ++lane) {
        wallet::SpendableCoin coin{OutPoint{split_txid, static_cast<uint32_t>(lane)},
                                   Coin{split.outputs[lane], height, false}};
        auto tx = make_payment(*signer, *lane_key, coin, payee_script);
        if (!tx) return tx.error();
        next_lanes.push_back({OutPoint{tx->txid(), 0}, Coin{tx->outputs[0], height, false}});
        txs.push_back(std::move(*tx));
      }
    } else {
      for (const wallet::SpendableCoin& coin : lanes) {
        auto tx = make_payment(*signer, *lane_key, coin, payee_script);
        if (!tx) return tx.error();
        next_lanes.push_back({OutPoint{tx->txid(), 0}, Coin{tx->outputs[0], height, false}});
        txs.push_back(std::move(*tx));
      }
    }
    lanes = std::move(next_lanes);
    total_txs += txs.size() + 1;
    auto block = mine_block(*chain, params, lane_script, first_time + height, std::move(txs));
    if (!block) return block.error();
    append_block(out, *block);
  }
  out.close();
  if (!out) return make_error("export-write-failed", export_path);
  const auto tip = chain->tip();
  fmt::print("built height={} tip={} txs={} seconds={:.2f}\n", tip->height, tip->hash.hex(),
             total_txs, seconds_since(start));
  return {};
}

Status connect(const Options& options) {
  const ChainParams params = quick_params();
  const std::string import_path = option_or(options, "import", "");
  const std::string store_path = option_or(options, "store", "");
  auto threads = count_option(options, "threads", 2, 1);
  auto dbcache_mib = count_option(options, "dbcache", kDefaultCoinsCacheBytes >> 20, 1);
  auto lookahead = count_option(options, "lookahead", 1, 0);
  if (!threads) return threads.error();
  if (!dbcache_mib) return dbcache_mib.error();
  if (!lookahead) return lookahead.error();
  if (import_path.empty() || store_path.empty())
    return make_error("bad-arguments", "connect needs --import FILE and --store DIR");
  if (std::filesystem::exists(store_path))
    return make_error("store-exists", store_path + " already exists: give a fresh folder");
  BlockReader reader(import_path);
  if (!reader.opened()) return make_error("no-export", import_path);
  auto genesis = reader.next();
  if (!genesis) return genesis.error();
  if (!*genesis) return make_error("empty-export", import_path);

  auto storage = open_chain_storage(store_path, params,
                                    {StoreOptions{static_cast<size_t>(*dbcache_mib) << 20},
                                     static_cast<unsigned>(*threads), system_seconds});
  if (!storage) return storage.error();
  ChainState* chain = storage->chain.get();
  if (Status created = chain->create_genesis(**genesis); !created) return created;

  // Timed from the first block after the genesis, as a syncing node that adopted the genesis;
  // reading and decoding each block is part of it, as it is of a sync.
  uint64_t txs = 0;
  size_t connected = 0;
  const double cpu_start = process_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  auto read_next = [&]() -> Result<std::shared_ptr<const Block>> {
    auto block = reader.next();
    if (!block) return block.error();
    if (!*block) return std::shared_ptr<const Block>();
    return std::make_shared<const Block>(std::move(**block));
  };
  auto next = read_next();
  if (!next) return next.error();
  while (*next) {
    const std::shared_ptr<const Block> block = std::move(*next);
    next = read_next();
    if (!next) return next.error();
    if (*lookahead) chain->expect_next(*next);
    ++connected;
    auto accepted = chain->accept_block(*block);
    if (!accepted)
      return make_error(accepted.reason(),
                        fmt::format("block {}: {}", connected, accepted.error().message()));
    txs += block->transactions.size();
  }
  const double seconds = seconds_since(start);
  const double cpu_seconds = process_cpu_seconds() - cpu_start;
  if (chain->tip()->height != static_cast<int>(connected))
    return make_error("not-connected",
                      fmt::format("tip at {} of {}", chain->tip()->height, connected));
  // The coins still in the cache are part of the work too: a short chain that never filled the
  // cache has written none of them yet, a long one most. "durable" counts until they are on disk.
  if (Status flushed = storage->store->flush(); !flushed) return flushed;
  const double durable_seconds = seconds_since(start);
  const double durable_cpu_seconds = process_cpu_seconds() - cpu_start;
  fmt::print(
      "local blocks={} txs={} seconds={:.3f} cpu_seconds={:.3f} blocks_per_s={:.1f} "
      "txs_per_s={:.1f} durable_seconds={:.3f} durable_cpu_seconds={:.3f} peak_rss_mib={:.1f}\n",
      connected, txs, seconds, cpu_seconds, connected / seconds, txs / seconds, durable_seconds,
      durable_cpu_seconds, peak_rss_mib());
  return {};
}

Status sigrate(const Options& options) {
  const ChainParams params = quick_params();
  const std::string import_path = option_or(options, "import", "");
  auto threads = count_option(options, "threads", 2, 1);
  auto block_limit = count_option(options, "blocks", 2000, 1);
  if (!threads) return threads.error();
  if (!block_limit) return block_limit.error();
  if (import_path.empty()) return make_error("bad-arguments", "sigrate needs --import FILE");
  auto blocks = read_blocks(import_path, static_cast<size_t>(*block_limit) + 1);
  if (!blocks) return blocks.error();

  // Replays the blocks in memory (scripts checked once here, on one thread) to learn the
  // script each input spends; the timed part is only the verifying.
  ScriptVerifier replay_verifier(1);
  MemoryCoins coins;
  std::vector<Bytes> spent_scripts;
  std::vector<size_t> checks_per_block;
  for (size_t height = 0; height < blocks->size(); ++height) {
    const Block& block = (*blocks)[height];
    std::vector<Hash256> txids;
    for (const Transaction& tx : block.transactions) txids.push_back(tx.txid());
    size_t checks = 0;
    std::map<Hash256, const Transaction*> earlier;  // this block's txs: spendable within it
    for (size_t i = 0; i < block.transactions.size(); ++i) {
      if (i > 0) {
        for (const TxIn& input : block.transactions[i].inputs) {
          auto coin = coins.coin(input.prevout);
          auto in_block = earlier.find(input.prevout.txid);
          if (coin) {
            spent_scripts.push_back(coin->output.script_pubkey);
          } else if (in_block != earlier.end() &&
                     input.prevout.index < in_block->second->outputs.size()) {
            spent_scripts.push_back(in_block->second->outputs[input.prevout.index].script_pubkey);
          } else {
            return make_error("missing-inputs", fmt::format("block {}", height));
          }
          ++checks;
        }
      }
      earlier.emplace(txids[i], &block.transactions[i]);
    }
    if (height > 0) checks_per_block.push_back(checks);
    auto change =
        connect_block(block, txids, static_cast<int>(height), coins, params, replay_verifier);
    if (!change) return change.error();
    coins.apply(*change);
  }
  std::vector<ScriptCheck> all_checks;
  all_checks.reserve(spent_scripts.size());
  size_t next_script = 0;
  for (size_t height = 0; height < blocks->size(); ++height) {
    const Block& block = (*blocks)[height];
    for (size_t i = 1; i < block.transactions.size(); ++i) {
      for (size_t j = 0; j < block.transactions[i].inputs.size(); ++j)
        all_checks.push_back(ScriptCheck{&block.transactions[i], j, spent_scripts[next_script++]});
    }
  }

  ScriptVerifier verifier(static_cast<unsigned>(*threads));
  const double cpu_start = process_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  size_t offset = 0;
  for (size_t count : checks_per_block) {
    Status verified = verifier.verify_all(std::span(all_checks).subspan(offset, count));
    if (!verified) return verified;
    offset += count;
  }
  const double seconds = seconds_since(start);
  const double cpu_seconds = process_cpu_seconds() - cpu_start;
  fmt::print(
      "sigrate threads={} checks={} seconds={:.3f} cpu_seconds={:.3f} checks_per_s={:.0f} "
      "checks_per_cpu_s={:.0f}\n",
      *threads, offset, seconds, cpu_seconds, static_cast<double>(offset) / seconds,
      static_cast<double>(offset) / cpu_seconds);
  return {};
}

// Rebuilds the LevelDB part of a store from its block files (chain/reindex.hpp): --store DIR, a
// copy of a built chain's store (the reindex throws its index and coins away).
Status reindex(const Options& options) {
  const std::string store_path = option_or(options, "store", "");
  auto threads = count_option(options, "threads", 2, 1);
  auto dbcache_mib = count_option(options, "dbcache", kDefaultCoinsCacheBytes >> 20, 1);
  if (!threads) return threads.error();
  if (!dbcache_mib) return dbcache_mib.error();
  if (store_path.empty()) return make_error("bad-arguments", "reindex needs --store DIR");
  ReindexOptions reindex;
  reindex.store = StoreOptions{static_cast<size_t>(*dbcache_mib) << 20};
  reindex.script_threads = static_cast<unsigned>(*threads);
  reindex.now_seconds = system_seconds;
  const double cpu_start = process_cpu_seconds();
  auto summary = reindex_store(store_path, quick_params(), reindex);
  if (!summary) return summary.error();
  const double cpu_seconds = process_cpu_seconds() - cpu_start;
  fmt::print("reindex blocks={} height={} seconds={:.3f} cpu_seconds={:.3f} peak_rss_mib={:.1f}\n",
             summary->records, summary->tip ? summary->tip->height : -1, summary->seconds,
             cpu_seconds, peak_rss_mib());
  return {};
}

int run(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: make_bench_chain build|connect|sigrate|reindex --name value ...\n");
    return 2;
  }
  auto options = tools::parse_options(argc, argv);
  if (!options) {
    print_failure(options.error());
    return 2;
  }
  const std::string command = argv[1];
  Status status = command == "build"     ? build(*options)
                  : command == "connect" ? connect(*options)
                  : command == "sigrate" ? sigrate(*options)
                  : command == "reindex" ? reindex(*options)
                                         : make_error("bad-command", command);
  if (!status) {
    print_failure(status.error());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace ac::bench

int main(int argc, char** argv) {
  return ac::bench::run(argc, argv);
}
