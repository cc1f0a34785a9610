// Crash safety of the store: a child process connects a run of blocks (with reorganisations)
// and is SIGKILLed at random points; after every kill the reopened chain must verify, hold a
// tip from the run, and keep every block the child had acknowledged. The parent paces the
// child through a pipe (one byte allows one more block), so a kill lands where it should: in
// the middle of the block just allowed, or at a random moment among the next few.
//
// The child is this test binary re-executed (fork + exec), so it starts with fresh LevelDB
// state: a plain fork would inherit the parent's LevelDB environment (its lock table and its
// background compaction thread, which does not survive fork).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "chain/chain_storage.hpp"
#include "chain/store.hpp"
#include "tests/unit/chain_fixture.hpp"

extern char** environ;

namespace ac {
namespace {

using chain_test::TestKey;

constexpr const char* kChildDirVariable = "ACTORCHAIN_CRASH_CHILD_DIR";
constexpr const char* kChildCacheVariable = "ACTORCHAIN_CRASH_CHILD_COINS_CACHE";
constexpr const char* kChildBatchVariable = "ACTORCHAIN_CRASH_CHILD_FLUSH_BATCH";
constexpr int kProgressFd = 100;  // the child's end of the progress pipe
constexpr int kAllowFd = 101;     // the child's end of the pacing pipe
constexpr int kMainChainLength = 200;

struct Feed {
  std::vector<Block> blocks;  // in feeding order; blocks[0] is the genesis
  std::unordered_map<Hash256, int> heights;
  std::unordered_map<Hash256, size_t> positions;  // index in `blocks`
  Hash256 final_tip;
};

// The run, built deterministically (RFC 6979 signatures, fixed times) so the child and the
// parent build the very same blocks. Each main block spends the previous coinbase; at two
// heights a two-block stale branch (spending that coinbase differently) becomes the tip first
// and is then overtaken by the main chain.
Feed build_feed() {
  const ChainParams params = quick_params();
  const TestKey key(7);
  Feed feed;
  std::vector<Block> main{chain_test::make_genesis(key, params)};
  auto add = [&](const Block& block, int height) {
    feed.blocks.push_back(block);
    feed.heights[block.hash()] = height;
    feed.positions[block.hash()] = feed.blocks.size() - 1;
  };
  add(main[0], 0);
  auto spend_coinbase = [&](const Block& parent, Amount fee) {
    const Amount value = parent.transactions[0].outputs[0].value;
    return chain_test::make_spend(key, {chain_test::coinbase_outpoint(parent)},
                                  {TxOut{value - fee, key.script()}});
  };
  for (int height = 1; height <= kMainChainLength; ++height) {
    main.push_back(chain_test::make_child(main.back(), height - 1, key, params,
                                          {spend_coinbase(main.back(), kCoin)}, kCoin));
  }
  for (int height = 1; height <= kMainChainLength; ++height) {
    if (height == 30 || height == 80) {
      const Block& parent = main[height - 1];
      Block stale = chain_test::make_child(parent, height - 1, key, params,
                                           {spend_coinbase(parent, 2 * kCoin)}, 2 * kCoin, 1);
      Block stale_child = chain_test::make_child(stale, height, key, params, {}, 0, 1);
      add(stale, height);
      add(stale_child, height + 1);
    }
    add(main[height], height);
  }
  feed.final_tip = main.back().hash();
  return feed;
}

// Waits for the parent to allow one more block; exits when the parent is gone.
void wait_for_allowance() {
  char byte;
  if (read(kAllowFd, &byte, 1) != 1) std::_Exit(0);
}

void write_progress() {
  const char byte = 1;
  if (write(kProgressFd, &byte, 1) != 1) std::_Exit(3);
}

// The child's part: runs only when the parent test re-executes this binary.
TEST(CrashSafetyChild, ConnectsTheFeedUntilKilled) {
  const char* dir = std::getenv(kChildDirVariable);
  if (dir == nullptr) GTEST_SKIP() << "runs only as the crash-safety test's child process";
  const Feed feed = build_feed();
  StoreOptions options;
  if (const char* cache = std::getenv(kChildCacheVariable)) {
    options.coins_cache_bytes = std::strtoull(cache, nullptr, 10);
  }
  if (const char* batch = std::getenv(kChildBatchVariable)) {
    options.coins_flush_batch_bytes = std::strtoull(batch, nullptr, 10);
  }
  auto storage =
      open_chain_storage(dir, quick_params(), {options, 1, [] { return chain_test::kTestNow; }});
  ASSERT_TRUE(storage) << storage.error().message();
  ChainState* chain = storage->chain.get();
  wait_for_allowance();
  Status created = chain->create_genesis(feed.blocks[0]);
  ASSERT_TRUE(created) << created.error().message();
  write_progress();
  for (size_t i = 1; i < feed.blocks.size(); ++i) {
    wait_for_allowance();
    Result<AcceptOutcome> outcome = chain->accept_block(feed.blocks[i]);
    ASSERT_TRUE(outcome) << outcome.error().message();
    write_progress();
  }
}

class ChildProcess {
 public:
  // `coins_cache_bytes`: the child's coins cache bound, `flush_batch_bytes` the most a flush
  // writes at once; 0 leaves the default.
  explicit ChildProcess(const std::string& dir, size_t coins_cache_bytes = 0,
                        size_t flush_batch_bytes = 0) {
    int fds[2];
    int allow_fds[2];
    chain_test::require(pipe2(fds, O_CLOEXEC) == 0 && pipe2(allow_fds, O_CLOEXEC) == 0, "pipe2");
    read_fd_ = fds[0];
    allow_fd_ = allow_fds[1];
    // Everything the child needs is prepared before fork: between fork and exec only
    // async-signal-safe calls are allowed.
    std::vector<std::string> environment{std::string(kChildDirVariable) + "=" + dir};
    if (coins_cache_bytes != 0) {
      environment.push_back(std::string(kChildCacheVariable) + "=" +
                            std::to_string(coins_cache_bytes));
    }
    if (flush_batch_bytes != 0) {
      environment.push_back(std::string(kChildBatchVariable) + "=" +
                            std::to_string(flush_batch_bytes));
    }
    for (char** variable = environ; *variable; ++variable) environment.emplace_back(*variable);
    std::vector<char*> envp;
    for (std::string& variable : environment) envp.push_back(variable.data());
    envp.push_back(nullptr);
    std::string program = "unit_tests";
    std::string filter = "--gtest_filter=CrashSafetyChild.ConnectsTheFeedUntilKilled";
    char* argv[] = {program.data(), filter.data(), nullptr};
    const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    chain_test::require(null_fd >= 0, "open /dev/null");

    pid_ = fork();
    chain_test::require(pid_ >= 0, "fork");
    if (pid_ == 0) {
      if (dup2(fds[1], kProgressFd) < 0 || dup2(allow_fds[0], kAllowFd) < 0 ||
          dup2(null_fd, STDOUT_FILENO) < 0) {
        _exit(126);
      }
      execve("/proc/self/exe", argv, envp.data());
      _exit(127);
    }
    close(fds[1]);
    close(allow_fds[0]);
    close(null_fd);
  }
  ~ChildProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      wait();
    }
    close(read_fd_);
    close(allow_fd_);
  }

  // Lets the child take `count` more blocks.
  void allow(size_t count) {
    allowed_ += count;
    const std::string bytes(count, 'a');
    chain_test::require(write(allow_fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(count),
                        "write to the pacing pipe");
  }
  size_t allowed() const { return allowed_; }

  // Blocks until `count` more progress bytes arrived or the child closed the pipe.
  size_t read_progress(size_t count) {
    size_t got = 0;
    char buffer[256];
    while (got < count) {
      const ssize_t n = read(read_fd_, buffer, std::min(sizeof buffer, count - got));
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    progress_ += got;
    return got;
  }

  // Reads whatever progress arrives until `deadline`, without blocking past it.
  void read_progress_until(std::chrono::steady_clock::time_point deadline) {
    char buffer[256];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd entry{read_fd_, POLLIN, 0};
      if (poll(&entry, 1, 0) <= 0) continue;
      const ssize_t n = read(read_fd_, buffer, sizeof buffer);
      if (n <= 0) return;
      progress_ += static_cast<size_t>(n);
    }
  }

  void kill_now() { kill(pid_, SIGKILL); }

  // The exit status as waitpid reports it.
  int wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  size_t progress() const { return progress_; }

 private:
  pid_t pid_ = -1;
  int read_fd_ = -1;
  int allow_fd_ = -1;
  size_t progress_ = 0;
  size_t allowed_ = 0;
};

// Opens the store as a restarted node would and checks it.
// `acknowledged` blocks of the feed were reported connected; at most `allowed` were fed.
void check_recovered_state(const std::string& dir, const Feed& feed, size_t acknowledged,
                           size_t allowed) {
  auto storage =
      open_chain_storage(dir, quick_params(), {{}, 2, [] { return chain_test::kTestNow; }});
  ASSERT_TRUE(storage) << storage.error().message();
  ChainState* chain = storage->chain.get();
  std::optional<ChainTip> tip = chain->tip();
  if (acknowledged == 0 && !tip) return;
  ASSERT_TRUE(tip) << "acknowledged " << acknowledged << " blocks but there is no tip";
  auto height = feed.heights.find(tip->hash);
  ASSERT_NE(height, feed.heights.end()) << "tip " << tip->hash.hex() << " is not from the run";
  EXPECT_EQ(height->second, tip->height);
  EXPECT_LT(feed.positions.at(tip->hash), allowed) << "tip from a block never fed";
  int acknowledged_height = 0;
  for (size_t i = 0; i < acknowledged; ++i) {
    acknowledged_height = std::max(acknowledged_height, feed.heights.at(feed.blocks[i].hash()));
  }
  EXPECT_GE(tip->height, acknowledged_height) << "an acknowledged block was lost";
  Status verified = chain->verify_chain();
  EXPECT_TRUE(verified) << verified.error().message();
}

// Kills the child `kills` times at random points, checking the reopened store after each,
// then lets a last child finish the feed. With the default coins cache the 200 blocks never
// fill it: every kill lands between flushes and the reopened chain replays from the genesis.
// A small cache flushes every few blocks, so kills also land in and around flushes, and the
// reorganisations of the feed cross them.
void kill_repeatedly_then_finish(size_t coins_cache_bytes, int kills, uint32_t seed,
                                 size_t flush_batch_bytes = 0) {
  const Feed feed = build_feed();
  chain_test::TempDir dir;
  std::mt19937 random(seed);
  size_t acknowledged = 0;  // the longest feed prefix any child acknowledged
  size_t allowed = 0;       // the longest feed prefix any child was given
  for (int kill_number = 0; kill_number < kills; ++kill_number) {
    SCOPED_TRACE("kill " + std::to_string(kill_number));
    ChildProcess child(dir.str(), coins_cache_bytes, flush_batch_bytes);
    // The child feeds from the start; blocks it already has come back at once.
    const size_t more = std::uniform_int_distribution<size_t>(1, 8)(random);
    child.allow(std::min(acknowledged + more, feed.blocks.size()));
    if (kill_number % 3 == 2) {
      // At a random moment while it works through the new blocks.
      child.read_progress(acknowledged);
      const auto window =
          std::chrono::microseconds(std::uniform_int_distribution<int>(0, 1'500)(random));
      child.read_progress_until(std::chrono::steady_clock::now() + window);
    } else {
      // While it works on the last block allowed.
      child.read_progress(child.allowed() - 1);
    }
    child.kill_now();
    child.wait();
    acknowledged = std::max(acknowledged, child.progress());
    allowed = std::max(allowed, child.allowed());
    check_recovered_state(dir.str(), feed, child.progress(), allowed);
    if (::testing::Test::HasFatalFailure()) return;
  }

  ChildProcess finisher(dir.str(), coins_cache_bytes, flush_batch_bytes);
  finisher.allow(feed.blocks.size());
  EXPECT_EQ(finisher.read_progress(feed.blocks.size()), feed.blocks.size());
  const int status = finisher.wait();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;

  auto storage =
      open_chain_storage(dir.str(), quick_params(), {{}, 1, [] { return chain_test::kTestNow; }});
  ASSERT_TRUE(storage) << storage.error().message();
  ChainState* chain = storage->chain.get();
  EXPECT_EQ(chain->tip()->hash, feed.final_tip);
  EXPECT_EQ(chain->tip()->height, kMainChainLength);
  Status verified = chain->verify_chain();
  EXPECT_TRUE(verified) << verified.error().message();
}

TEST(CrashSafety, KilledWhileConnectingTheStoreReopensConsistent) {
  kill_repeatedly_then_finish(0, 24, 20261124);
}

TEST(CrashSafety, KilledBetweenAndDuringCoinsFlushesReopensConsistent) {
  // Each block of the feed leaves about one more coin in the cache: a flush every few blocks.
  kill_repeatedly_then_finish(600, 24, 20261207);
}

TEST(CrashSafety, KilledDuringCoinsFlushesOfManyBatchesReopensConsistent) {
  // A bigger cache written about two coins a batch: kills land between a flush's head blocks
  // and its last batch, and ChainState::open rolls the coins forward.
  kill_repeatedly_then_finish(3000, 24, 20261208, 200);
}

}  // namespace
}  // namespace ac
