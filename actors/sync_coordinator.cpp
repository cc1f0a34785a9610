#include "actors/sync_coordinator.hpp"

#include <caf/all.hpp>

#include <iterator>
#include <map>
#include <unordered_map>
#include <utility>

#include "actors/misbehaviour.hpp"

namespace ac::actors {
namespace {

// The sync coordinator's own deadline timer.
struct SyncTick {};

}  // namespace
}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SyncTick)

namespace ac::actors {
namespace {

using SyncImpl = SyncActor::extend<caf::reacts_to<SyncTick>>;

// A block the planner keeps until its turn, with the session it came from (the chain blames
// that session for a bad block).
struct HeldBlock {
  BlockPtr block;
  SessionActor source;
  bool pushed = false;  // a cmpctblock the peer may have relayed before validating it
};

struct SyncState {
  SyncPlanner planner;
  SyncChainView chain;
  std::map<PeerId, SessionActor> sessions;
  std::map<caf::actor_addr, PeerId> peer_ids;
  PeerId next_peer_id = 1;  // 0 stands for a session that never said it was ready
  std::unordered_map<Hash256, HeldBlock> blocks;
  std::vector<Hash256> last_locator;  // the chain's locator as it last answered
  std::vector<SyncingListener> subscribers;
  bool downloading = false;  // as last published
  LogSinkPtr log;            // may be null
  static inline const char* name = "sync_coordinator";
};

using SyncSelf = SyncImpl::stateful_pointer<SyncState>;

// The system clock; virtual time under the test coordinator. (local_actor::now() is declared
// but not exported by Debian's libcaf_core 0.17.)
SyncTime now(SyncSelf self) {
  return self->clock().now();
}

PeerId peer_id_of(SyncSelf self, const SessionActor& session) {
  auto found = self->state.peer_ids.find(session.address());
  return found == self->state.peer_ids.end() ? 0 : found->second;
}

void apply(SyncSelf self, SyncPlanner::Actions actions);

// Has the session charge its peer what a bad block costs (actors/misbehaviour.hpp).
void charge(SyncSelf self, const SessionActor& session, Penalty penalty, const std::string& what) {
  if (penalty.points > 0) self->send(session, ChargeMisbehaviour{penalty.points, what});
  if (penalty.disconnect) self->send(session, DisconnectPeer{what});
}

// Hands the blocks to the chain as one batch with one reply: the planner keeps at most
// max_submitting blocks there, so neither the chain's mailbox nor the requests pending here
// grow with a backlog.
void submit(SyncSelf self, const std::vector<Hash256>& hashes) {
  SubmitBlocks batch;
  std::vector<Hash256> sent, parents;
  std::vector<bool> pushed;
  for (const Hash256& hash : hashes) {
    auto found = self->state.blocks.find(hash);
    if (found == self->state.blocks.end()) continue;  // the planner only submits blocks handed in
    parents.push_back(found->second.block->header.prev_block);
    pushed.push_back(found->second.pushed);
    batch.blocks.push_back(std::move(found->second.block));
    batch.sources.push_back(std::move(found->second.source));
    sent.push_back(hash);
    self->state.blocks.erase(found);
  }
  if (sent.empty()) return;
  // A lone new block, not a download: the chain may relay it before it is connected.
  batch.relay_early = sent.size() == 1 && !self->state.planner.downloading();
  std::vector<SessionActor> sources = batch.sources;
  self->request(self->state.chain, caf::infinite, std::move(batch))
      .then(
          [=](const std::vector<BlockVerdict>& verdicts) {
            SyncPlanner::Actions actions;
            for (size_t i = 0; i < sent.size(); ++i) {
              // A verdict missing from the answer is our failure, not the block's.
              std::optional<ErrorKind> refusal = ErrorKind::kLocal;
              if (i < verdicts.size()) {
                const BlockVerdict& verdict = verdicts[i];
                if (!verdict.accepted && sources[i])
                  charge(
                      self, sources[i],
                      pushed[i] ? pushed_block_penalty(verdict.kind) : block_penalty(verdict.kind),
                      "invalid block " + sent[i].hex() + ": " + verdict.outcome);
                refusal = verdict.accepted ? std::nullopt : std::optional<ErrorKind>(verdict.kind);
              }
              auto more = self->state.planner.on_submitted(sent[i], refusal, now(self));
              actions.insert(actions.end(), std::make_move_iterator(more.begin()),
                             std::make_move_iterator(more.end()));
              if (i < verdicts.size() && verdicts[i].orphan && sources[i]) {
                const PeerId sender = peer_id_of(self, sources[i]);
                // No chain yet: peers answer getblocks from block 1, whose parent is the genesis
                // to fetch (asked of the peer that sent the block, as if it had announced it).
                // With a chain, the sender is on a branch we lack: ask it where it forks.
                more = verdicts[i].tip.height < 0
                           ? self->state.planner.on_inventory(sender, {parents[i]}, now(self))
                           : self->state.planner.on_orphan(sender, now(self));
                actions.insert(actions.end(), std::make_move_iterator(more.begin()),
                               std::make_move_iterator(more.end()));
              }
            }
            apply(self, std::move(actions));
          },
          [=](caf::error&) {
            // The chain did not answer: our failure, not the blocks'.
            SyncPlanner::Actions actions;
            for (const Hash256& hash : sent) {
              auto more = self->state.planner.on_submitted(hash, ErrorKind::kLocal, now(self));
              actions.insert(actions.end(), std::make_move_iterator(more.begin()),
                             std::make_move_iterator(more.end()));
            }
            apply(self, std::move(actions));
          });
}

void send_locator(SyncSelf self, PeerId peer, std::optional<Hash256> after,
                  std::vector<Hash256> locator) {
  auto session = self->state.sessions.find(peer);
  if (session == self->state.sessions.end()) return;
  if (after) locator.insert(locator.begin(), *after);
  self->send(session->second, RequestInventory{std::move(locator)});
}

void request_inventory(SyncSelf self, PeerId peer, std::optional<Hash256> after) {
  // Continuing a batch, the peer needs only the last hash it announced; the chain's last
  // locator behind it covers a peer that has reorganised since. Asking the chain afresh would
  // wait behind every block queued in its mailbox and let the download pipeline run dry.
  if (after && !self->state.last_locator.empty()) {
    send_locator(self, peer, after, self->state.last_locator);
    return;
  }
  self->request(self->state.chain, caf::infinite, GetLocator{})
      .then(
          [=](std::vector<Hash256> locator) {
            self->state.last_locator = locator;
            send_locator(self, peer, after, std::move(locator));
          },
          [](caf::error&) {});  // the planner's inventory deadline covers a chain that failed
}

void forget_session(SyncSelf self, PeerId peer) {
  auto session = self->state.sessions.find(peer);
  if (session == self->state.sessions.end()) return;
  self->demonitor(session->second.address());
  self->state.peer_ids.erase(session->second.address());
  self->state.sessions.erase(session);
}

void publish_downloading(SyncSelf self) {
  auto& state = self->state;
  bool downloading = state.planner.downloading();
  if (downloading == state.downloading) return;
  state.downloading = downloading;
  if (state.log)
    state.log->event(downloading ? "sync_started" : "sync_finished",
                     downloading ? "blocks to download" : "no block left to download");
  for (const SyncingListener& subscriber : state.subscribers)
    self->send(subscriber, SyncingChanged{downloading});
}

void apply(SyncSelf self, SyncPlanner::Actions actions) {
  publish_downloading(self);
  std::vector<Hash256> submits;  // in order, handed to the chain as one batch
  for (auto& action : actions) {
    if (auto* request = std::get_if<SyncPlanner::RequestBlocks>(&action)) {
      auto session = self->state.sessions.find(request->peer);
      if (session == self->state.sessions.end()) continue;
      self->send(session->second, RequestBlocks{std::move(request->hashes)});
    } else if (auto* ask = std::get_if<SyncPlanner::RequestInventory>(&action)) {
      request_inventory(self, ask->peer, ask->after);
    } else if (auto* submission = std::get_if<SyncPlanner::Submit>(&action)) {
      submits.push_back(submission->hash);
    } else if (auto* drop = std::get_if<SyncPlanner::Disconnect>(&action)) {
      auto session = self->state.sessions.find(drop->peer);
      if (session == self->state.sessions.end()) continue;
      self->send(session->second, DisconnectPeer{std::move(drop->reason)});
      forget_session(self, drop->peer);
    } else if (auto* charge = std::get_if<SyncPlanner::Misbehaving>(&action)) {
      auto session = self->state.sessions.find(charge->peer);
      if (session == self->state.sessions.end()) continue;
      self->send(session->second, ChargeMisbehaviour{charge->points, std::move(charge->what)});
    }
  }
  submit(self, submits);
}

void session_gone(SyncSelf self, const caf::actor_addr& address) {
  auto found = self->state.peer_ids.find(address);
  if (found == self->state.peer_ids.end()) return;
  PeerId peer = found->second;
  forget_session(self, peer);
  apply(self, self->state.planner.on_peer_gone(peer, now(self)));
}

SyncImpl::behavior_type sync_coordinator(SyncSelf self, SyncChainView chain, SyncLimits limits,
                                         LogSinkPtr log) {
  self->state.chain = chain;
  self->state.log = std::move(log);
  self->state.planner = SyncPlanner(limits);
  self->send(chain, SubscribeTipChanged{TipChangedListener{self}});
  self->request(chain, caf::infinite, GetTip{})
      .then(
          [=](const TipInfo& tip) {
            apply(self, self->state.planner.on_chain_tip(tip.height, {}, now(self)));
          },
          [](caf::error&) {});  // TipChanged will tell
  self->delayed_send(self, limits.tick_interval, SyncTick{});
  // A session that dies without saying goodbye is gone all the same.
  self->set_down_handler([=](caf::down_msg& down) { session_gone(self, down.source); });
  return {
      [=](const PeerReady& ready) {
        PeerId peer = peer_id_of(self, ready.session);
        if (peer == 0) {
          peer = self->state.next_peer_id++;
          self->state.peer_ids.emplace(ready.session.address(), peer);
          self->state.sessions.emplace(peer, ready.session);
          self->monitor(ready.session);
        }
        apply(self, self->state.planner.on_peer_ready(peer, ready.best_height, now(self)));
      },
      [=](const PeerGone& gone) { session_gone(self, gone.session.address()); },
      [=](const BlocksAnnounced& inv) {
        PeerId peer = peer_id_of(self, inv.session);
        if (peer == 0) return;
        apply(self, self->state.planner.on_inventory(peer, inv.hashes, now(self)));
      },
      [=](const BlockArrived& arrived) {
        if (!arrived.block) return;
        const Hash256 hash = arrived.block->hash();
        self->state.blocks.emplace(hash, HeldBlock{arrived.block, arrived.session, arrived.pushed});
        PeerId peer = peer_id_of(self, arrived.session);
        size_t bytes = arrived.block->serialized_size();
        apply(self, arrived.pushed
                        ? self->state.planner.on_pushed_block(peer, hash, now(self), bytes)
                        : self->state.planner.on_block(peer, hash, now(self), bytes));
        // Kept only while the planner buffers it; a submitted block was already taken.
        if (!self->state.planner.is_buffered(hash)) self->state.blocks.erase(hash);
      },
      [=](const BlocksNotFound& not_found) {
        PeerId peer = peer_id_of(self, not_found.session);
        if (peer == 0) return;
        apply(self, self->state.planner.on_not_found(peer, not_found.hashes, now(self)));
      },
      [=](const TipChanged& change) {
        apply(self,
              self->state.planner.on_chain_tip(change.tip.height, change.connected, now(self)));
      },
      [=](const SubscribeSyncing& subscription) {
        self->state.subscribers.push_back(subscription.listener);
        self->send(subscription.listener, SyncingChanged{self->state.downloading});
      },
      [=](SyncTick) {
        apply(self, self->state.planner.on_tick(now(self)));
        self->delayed_send(self, limits.tick_interval, SyncTick{});
      },
  };
}

}  // namespace

SyncActor spawn_sync_coordinator(caf::actor_system& system, SyncChainView chain, SyncLimits limits,
                                 LogSinkPtr log) {
  return system.spawn(sync_coordinator, std::move(chain), limits, std::move(log));
}

}  // namespace ac::actors
