#include "actors/miner_actor.hpp"

#include <caf/all.hpp>

#include <fmt/format.h>

#include <atomic>
#include <ctime>
#include <thread>
#include <vector>

#include "actors/block_template_source.hpp"
#include "chain/block_assembly.hpp"
#include "chain/pow.hpp"
#include "chain/pow_search.hpp"

namespace ac::actors {
namespace {

// Sent by the miner's search thread, handled by the miner: job `job` found `block`.
struct BlockFound {
  uint64_t job = 0;
  BlockPtr block;
};

}  // namespace
}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::BlockFound)

namespace ac::actors {
namespace {

using MinerImpl = MinerActor::extend<caf::reacts_to<BlockFound>>;

struct MinerState {
  MinerConfig config;
  ChainActor chain;
  MempoolActor mempool;
  uint64_t job = 0;  // the current job; found blocks of other jobs are stale
  bool mining = false;
  bool downloading = false;  // the node is catching up: no mining meanwhile
  // A job's template is being fetched. Pool changes meanwhile only mark the job outdated: one
  // template request at a time, or a flood of transactions has the mempool assemble a full
  // template per transaction (quadratic work that starved the final block for seconds).
  bool template_pending = false;
  bool outdated = false;
  TipInfo tip;  // the last tip the chain told us about
  bool heard_tip = false;
  uint64_t job_pool_size = 0;
  int job_height = 0;
  Hash256 job_parent;  // zero while idle
  uint64_t blocks_found = 0;
  std::shared_ptr<std::atomic<bool>> cancel;
  std::thread worker;
  std::vector<SearchChangedListener> search_listeners;

  void stop_search() {
    if (job_parent != Hash256{}) tell_search(Hash256{});
    mining = false;
    job_parent = Hash256{};
    if (cancel) cancel->store(true);
    if (worker.joinable()) worker.join();
  }
  void tell_search(const Hash256& parent) {
    for (const SearchChangedListener& listener : search_listeners)
      caf::anon_send(listener, SearchChanged{parent});
  }
  ~MinerState() {
    search_listeners.clear();
    stop_search();
  }
  static inline const char* name = "miner";
};

using MinerSelf = MinerImpl::stateful_pointer<MinerState>;

void search(MinerSelf self, uint64_t job, Block block) {
  auto& state = self->state;
  state.cancel = std::make_shared<std::atomic<bool>>(false);
  auto target = target_from_compact(state.config.params.block_bits);
  if (!target) return;
  PowSearchOptions options;
  options.threads = state.config.threads;
  state.worker =
      std::thread([cancel = state.cancel, target = *target, options, block = std::move(block), job,
                   miner = caf::actor_cast<caf::actor_addr>(self)]() mutable {
        PowSearchResult found = search_proof_of_work(block.header, target, options, *cancel);
        if (!found.header) return;
        block.header = *found.header;
        if (auto handle = caf::actor_cast<MinerImpl>(miner))
          caf::anon_send(handle, BlockFound{job, std::make_shared<const Block>(block)});
      });
}

void start_job(MinerSelf self);

// The template request of the current job is answered (or abandoned): a pool or tip change
// that came meanwhile starts a fresh job.
void template_done(MinerSelf self) {
  auto& state = self->state;
  state.template_pending = false;
  if (!state.outdated) return;
  state.outdated = false;
  if (!state.downloading) start_job(self);
}

// Asks the mempool for a selection and mines it on the tip the selection is valid on. The
// mempool and the miner hear of a new tip separately, in either order: a selection made on a
// tip other than the last one the miner heard of is dropped, and the news still on its way
// starts the next job (the mempool's MempoolChanged follows every tip change it handles; our
// own TipChanged restarts us).
void start_job(MinerSelf self) {
  auto& state = self->state;
  state.stop_search();
  uint64_t job = ++state.job;
  state.template_pending = true;
  self->request(state.mempool, caf::infinite, template_selection(state.config.params))
      .then([=](const TxSelection& selection) {
        auto& s = self->state;
        if (s.job != job || s.outdated) {
          template_done(self);
          return;
        }
        s.template_pending = false;
        if (selection.tip.height < 0) return;                         // no chain yet
        if (s.heard_tip && selection.tip.hash != s.tip.hash) return;  // one of us is behind
        if (selection.pool_size < static_cast<uint64_t>(s.config.min_txs)) return;
        s.mining = true;
        s.job_pool_size = selection.pool_size;
        BlockTemplate block_template = template_on(selection, s.config.payout_script);
        s.job_height = block_template.height;
        s.job_parent = selection.tip.hash;
        s.tell_search(s.job_parent);
        block_template.extra_nonce = job;
        search(self, job, assemble_block(block_template, s.config.params));
      });
}

void consider(MinerSelf self, uint64_t pool_size) {
  auto& state = self->state;
  if (state.template_pending) {
    state.outdated = true;
    return;
  }
  if (state.downloading) return;
  if (pool_size < static_cast<uint64_t>(state.config.min_txs)) return;
  if (state.mining && state.job_pool_size == pool_size) return;
  start_job(self);
}

void on_tip_changed(MinerSelf self, const TipInfo& tip) {
  auto& state = self->state;
  state.tip = tip;
  state.heard_tip = true;
  // Already searching on it: the mempool heard of it first and its change notice started us.
  if (state.mining && state.job_parent == tip.hash) return;
  state.stop_search();
  if (state.template_pending) {
    state.outdated = true;  // the template being fetched may build on the old tip
    return;
  }
  if (!state.downloading) start_job(self);
}

void set_downloading(MinerSelf self, bool downloading) {
  auto& state = self->state;
  if (downloading == state.downloading) return;
  state.downloading = downloading;
  if (downloading) {
    if (state.mining) state.config.log->line("mining paused while blocks download");
    state.stop_search();
    ++state.job;  // a template still being fetched is dropped when it comes
    return;
  }
  if (!state.template_pending) start_job(self);
}

MinerImpl::behavior_type miner_actor(MinerSelf self, MinerConfig config, ChainActor chain,
                                     MempoolActor mempool, SyncActor sync) {
  auto& state = self->state;
  state.config = std::move(config);
  state.chain = std::move(chain);
  state.mempool = std::move(mempool);
  self->set_error_handler([](caf::scheduled_actor*, caf::error&) {});
  self->send(state.chain, SubscribeTipChanged{TipChangedListener{self}});
  self->send(state.mempool, SubscribeMempoolChanged{MempoolChangedListener{self}});
  if (sync) self->send(sync, SubscribeSyncing{SyncingListener{self}});
  start_job(self);
  return {
      [=](const MempoolChanged& changed) { consider(self, changed.size); },
      [=](const TipChanged& change) { on_tip_changed(self, change.tip); },
      [=](const SyncingChanged& syncing) { set_downloading(self, syncing.downloading); },
      [=](GetBlocksFound) { return self->state.blocks_found; },
      [=](GetSearchParent) { return self->state.job_parent; },
      [=](const SubscribeSearchChanged& subscription) {
        self->state.search_listeners.push_back(subscription.listener);
      },
      [=](const BlockFound& found) {
        if (found.job != self->state.job) return;
        self->state.stop_search();
        int height = self->state.job_height;
        BlockPtr block = found.block;
        self->request(self->state.chain, caf::infinite, SubmitBlock{block, SessionActor{}})
            .then([=](const BlockVerdict& verdict) {
              if (!verdict.accepted) {
                self->state.config.log->line(
                    fmt::format("mined block {} refused: {}", verdict.hash.hex(), verdict.outcome));
                return;
              }
              ++self->state.blocks_found;
              self->state.config.log->line(fmt::format("mined block {} height={} txs={}",
                                                       verdict.hash.hex(), height,
                                                       block->transactions.size()));
            });
      },
  };
}

}  // namespace

MinerActor spawn_miner(caf::actor_system& system, MinerConfig config, ChainActor chain,
                       MempoolActor mempool, SyncActor sync) {
  return system.spawn(miner_actor, std::move(config), std::move(chain), std::move(mempool),
                      std::move(sync));
}

}  // namespace ac::actors
