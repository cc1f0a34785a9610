#include "chain/script_verify.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "chain/ecdsa.hpp"
#include "chain/interpreter.hpp"
#include "chain/sighash.hpp"

namespace ac {
namespace {

Error input_error(const Transaction& tx, size_t input_index, std::string reason) {
  return make_error(std::move(reason),
                    "tx " + tx.txid().hex() + " input " + std::to_string(input_index));
}

constexpr std::chrono::microseconds kMaxSpin{100};

// The transaction's checker with the signature cache in front of ECDSA.
class CachingSignatureChecker : public TransactionSignatureChecker {
 public:
  CachingSignatureChecker(const Transaction& tx, size_t input_index, SignatureCache& cache,
                          bool store)
      : TransactionSignatureChecker(tx, input_index), cache_(cache), store_(store) {}

  bool check_signature(ByteSpan signature, ByteSpan pubkey, ByteSpan script_code) const override {
    if (signature.empty()) return false;
    const Hash256& digest = sighash(script_code, signature.back());
    const ByteSpan body = signature.first(signature.size() - 1);
    if (cache_.contains(digest, pubkey, body, !store_)) return true;
    if (!verify_ecdsa_lax(pubkey, digest, body)) return false;
    if (store_) cache_.insert(digest, pubkey, body);
    return true;
  }

 private:
  SignatureCache& cache_;
  bool store_;
};

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

}  // namespace

Status verify_input_script(const Transaction& tx, size_t input_index, ByteSpan spent_script,
                           uint32_t flags, uint32_t policy_flags, SignatureCache* cache,
                           bool store_signatures) {
  if (input_index >= tx.inputs.size())
    return input_error(tx, input_index, script_error_reason(ScriptError::kUnknown));
  const ByteSpan script_sig = tx.inputs[input_index].script_sig;
  const TransactionSignatureChecker plain(tx, input_index);
  std::optional<CachingSignatureChecker> caching;
  if (cache) caching.emplace(tx, input_index, *cache, store_signatures);
  const TransactionSignatureChecker& checker = caching ? *caching : plain;
  const ScriptError error = verify_script(script_sig, spent_script, flags | policy_flags, checker);
  if (error == ScriptError::kOk) return Status::success();
  if ((policy_flags & ~flags) != 0) {
    const ScriptError consensus = verify_script(script_sig, spent_script, flags, checker);
    if (consensus == ScriptError::kOk) {
      // Non-standard, not invalid: the sender may not know our policy; it costs nothing.
      return make_error(ErrorKind::kRefused, "non-mandatory-script-verify-flag",
                        script_error_reason(error) + ", tx " + tx.txid().hex() + " input " +
                            std::to_string(input_index));
    }
    return input_error(tx, input_index, script_error_reason(consensus));
  }
  return input_error(tx, input_index, script_error_reason(error));
}

// The pool: `threads - 1` workers plus the caller. A batch is open from the moment verify_all
// publishes it until the caller has seen every participant finish; workers only join an open
// batch (under the mutex), so none can touch a batch's checks after verify_all returns.
// Checks are claimed one at a time from an atomic cursor, in index order; once a failure is
// known, indexes above it are skipped, while every lower index is still checked, so the
// failure reported is always the lowest-index one.
struct ScriptVerifier::Impl {
  static constexpr size_t kNoFailure = std::numeric_limits<size_t>::max();

  std::mutex batch_mutex;  // one verify_all at a time

  std::mutex mutex;
  std::condition_variable work_ready;
  std::condition_variable work_done;
  bool stopping = false;
  uint64_t generation = 0;
  bool batch_open = false;
  size_t participants = 0;        // workers inside the open batch
  std::atomic<size_t> active{0};  // the same count, read without the mutex while spinning
  std::span<const ScriptCheck> checks;

  std::atomic<size_t> next_index{0};
  std::atomic<size_t> first_failure_index{kNoFailure};
  Status first_failure;  // guarded by mutex

  std::vector<std::thread> workers;
  SignatureCache* cache = nullptr;

  Status verify(const ScriptCheck& check) const {
    return verify_input_script(*check.tx, check.input_index, check.spent_script, check.flags,
                               check.policy_flags, cache, check.store_signatures);
  }

  void work() {
    for (;;) {
      const size_t index = next_index.fetch_add(1, std::memory_order_relaxed);
      if (index >= checks.size()) return;
      if (index > first_failure_index.load(std::memory_order_relaxed)) return;
      const ScriptCheck& check = checks[index];
      Status status = verify(check);
      if (!status) record_failure(index, std::move(status));
    }
  }

  void record_failure(size_t index, Status status) {
    std::lock_guard lock(mutex);
    if (index < first_failure_index.load(std::memory_order_relaxed)) {
      first_failure_index.store(index, std::memory_order_relaxed);
      first_failure = std::move(status);
    }
  }

  void worker_loop() {
    uint64_t seen_generation = 0;
    std::unique_lock lock(mutex);
    for (;;) {
      work_ready.wait(lock, [&] { return stopping || generation != seen_generation; });
      if (stopping) return;
      seen_generation = generation;
      if (!batch_open) continue;  // woke too late for that batch
      ++participants;
      active.fetch_add(1, std::memory_order_relaxed);
      lock.unlock();
      work();
      active.fetch_sub(1, std::memory_order_release);
      lock.lock();
      if (--participants == 0) work_done.notify_all();
    }
  }
};

ScriptVerifier::ScriptVerifier(unsigned threads, SignatureCache* cache) : impl_(new Impl) {
  impl_->cache = cache;
  const unsigned worker_count = threads > 1 ? threads - 1 : 0;
  impl_->workers.reserve(worker_count);
  for (unsigned i = 0; i < worker_count; ++i)
    impl_->workers.emplace_back([impl = impl_] { impl->worker_loop(); });
}

ScriptVerifier::~ScriptVerifier() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->work_ready.notify_all();
  for (std::thread& worker : impl_->workers) worker.join();
  delete impl_;
}

Status ScriptVerifier::verify_all(std::span<const ScriptCheck> checks) {
  return verify_all(checks, {});
}

Status ScriptVerifier::verify_all(std::span<const ScriptCheck> checks,
                                  const std::function<void()>& meanwhile) {
  // One check alone is not worth waking a worker for, unless there is other work to overlap.
  if (impl_->workers.empty() || checks.empty() || (checks.size() < 2 && !meanwhile)) {
    if (meanwhile) meanwhile();
    for (const ScriptCheck& check : checks) {
      if (Status status = impl_->verify(check); !status) return status;
    }
    return Status::success();
  }

  std::lock_guard batch_lock(impl_->batch_mutex);
  {
    std::lock_guard lock(impl_->mutex);
    impl_->checks = checks;
    impl_->next_index.store(0, std::memory_order_relaxed);
    impl_->first_failure_index.store(Impl::kNoFailure, std::memory_order_relaxed);
    impl_->first_failure = Status::success();
    impl_->batch_open = true;
    ++impl_->generation;
  }
  impl_->work_ready.notify_all();
  if (meanwhile) meanwhile();
  impl_->work();

  // Each worker still inside holds at most one check, tens of microseconds of work: spinning
  // that long beats sleeping, as waking from the condition variable can take as long again.
  const auto give_up = std::chrono::steady_clock::now() + kMaxSpin;
  while (impl_->active.load(std::memory_order_acquire) != 0 &&
         std::chrono::steady_clock::now() < give_up) {
    cpu_relax();
  }
  std::unique_lock lock(impl_->mutex);
  impl_->work_done.wait(lock, [&] { return impl_->participants == 0; });
  impl_->batch_open = false;
  impl_->checks = {};
  Status result = std::move(impl_->first_failure);
  impl_->first_failure = Status::success();
  return result;
}

}  // namespace ac
