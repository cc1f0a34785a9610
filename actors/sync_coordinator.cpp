#include "actors/sync_coordinator.hpp"

#include <caf/all.hpp>

#include <map>
#include <unordered_map>
#include <utility>

#include "actors/messages.hpp"
#include "actors/misbehaviour.hpp"

namespace ac::actors {
namespace {

// A block the planner keeps until its turn, with the session it came from (the chain blames
// that session for a bad block).
struct HeldBlock {
  BlockPtr block;
  caf::actor source;
};

struct SyncState {
  SyncPlanner planner;
  caf::actor chain;
  std::map<PeerId, caf::actor> sessions;
  std::map<caf::actor_addr, PeerId> peer_ids;
  PeerId next_peer_id = 1;  // 0 stands for a session that never said it was ready
  std::unordered_map<Hash256, HeldBlock> blocks;
  std::vector<Hash256> last_locator;  // the chain's locator as it last answered
  std::vector<caf::actor> subscribers;
  bool downloading = false;  // as last published
  LogSinkPtr log;            // may be null
  static inline const char* name = "sync_coordinator";
};

using SyncActor = caf::stateful_actor<SyncState>;

// The system clock; virtual time under the test coordinator. (local_actor::now() is declared
// but not exported by Debian's libcaf_core 0.17.)
SyncTime now(SyncActor* self) {
  return self->clock().now();
}

PeerId peer_id_of(SyncActor* self, const caf::actor& session) {
  auto found = self->state.peer_ids.find(session.address());
  return found == self->state.peer_ids.end() ? 0 : found->second;
}

void apply(SyncActor* self, SyncPlanner::Actions actions);

// Has the session charge its peer what a bad block costs (actors/misbehaviour.hpp).
void charge(SyncActor* self, const caf::actor& session, Penalty penalty, const std::string& what) {
  if (penalty.points > 0) self->send(session, misbehaving_atom::value, penalty.points, what);
  if (penalty.disconnect) self->send(session, disconnect_atom::value, what);
}

void submit(SyncActor* self, const Hash256& hash) {
  auto found = self->state.blocks.find(hash);
  if (found == self->state.blocks.end()) return;  // the planner only submits blocks handed in
  HeldBlock held = std::move(found->second);
  self->state.blocks.erase(found);
  // The chain handles its mailbox in order, so all submits can be in flight at once.
  self->request(self->state.chain, caf::infinite, submit_block_atom::value, held.block, held.source)
      .then(
          [=](const BlockVerdict& verdict) {
            if (!verdict.accepted && held.source)
              charge(self, held.source, block_penalty(verdict.kind),
                     "invalid block " + hash.hex() + ": " + verdict.outcome);
            std::optional<ErrorKind> refusal;
            if (!verdict.accepted) refusal = verdict.kind;
            apply(self, self->state.planner.on_submitted(hash, refusal, now(self)));
          },
          [=](caf::error&) {
            // The chain did not answer: our failure, not the block's.
            apply(self, self->state.planner.on_submitted(hash, ErrorKind::kLocal, now(self)));
          });
}

void send_locator(SyncActor* self, PeerId peer, std::optional<Hash256> after,
                  std::vector<Hash256> locator) {
  auto session = self->state.sessions.find(peer);
  if (session == self->state.sessions.end()) return;
  if (after) locator.insert(locator.begin(), *after);
  self->send(session->second, request_inventory_atom::value, std::move(locator));
}

void request_inventory(SyncActor* self, PeerId peer, std::optional<Hash256> after) {
  // Continuing a batch, the peer needs only the last hash it announced; the chain's last
  // locator behind it covers a peer that has reorganised since. Asking the chain afresh would
  // wait behind every block queued in its mailbox and let the download pipeline run dry.
  if (after && !self->state.last_locator.empty()) {
    send_locator(self, peer, after, self->state.last_locator);
    return;
  }
  self->request(self->state.chain, caf::infinite, locator_atom::value)
      .then(
          [=](std::vector<Hash256> locator) {
            self->state.last_locator = locator;
            send_locator(self, peer, after, std::move(locator));
          },
          [](caf::error&) {});  // the planner's inventory deadline covers a chain that failed
}

void forget_session(SyncActor* self, PeerId peer) {
  auto session = self->state.sessions.find(peer);
  if (session == self->state.sessions.end()) return;
  self->demonitor(session->second);
  self->state.peer_ids.erase(session->second.address());
  self->state.sessions.erase(session);
}

void publish_downloading(SyncActor* self) {
  auto& state = self->state;
  bool downloading = state.planner.downloading();
  if (downloading == state.downloading) return;
  state.downloading = downloading;
  if (state.log)
    state.log->event(downloading ? "sync_started" : "sync_finished",
                     downloading ? "blocks to download" : "no block left to download");
  for (const caf::actor& subscriber : state.subscribers)
    self->send(subscriber, syncing_atom::value, downloading);
}

void apply(SyncActor* self, SyncPlanner::Actions actions) {
  publish_downloading(self);
  for (auto& action : actions) {
    if (auto* request = std::get_if<SyncPlanner::RequestBlocks>(&action)) {
      auto session = self->state.sessions.find(request->peer);
      if (session == self->state.sessions.end()) continue;
      self->send(session->second, request_blocks_atom::value, std::move(request->hashes));
    } else if (auto* ask = std::get_if<SyncPlanner::RequestInventory>(&action)) {
      request_inventory(self, ask->peer, ask->after);
    } else if (auto* submission = std::get_if<SyncPlanner::Submit>(&action)) {
      submit(self, submission->hash);
    } else if (auto* drop = std::get_if<SyncPlanner::Disconnect>(&action)) {
      auto session = self->state.sessions.find(drop->peer);
      if (session == self->state.sessions.end()) continue;
      self->send(session->second, disconnect_atom::value, std::move(drop->reason));
      forget_session(self, drop->peer);
    } else if (auto* charge = std::get_if<SyncPlanner::Misbehaving>(&action)) {
      auto session = self->state.sessions.find(charge->peer);
      if (session == self->state.sessions.end()) continue;
      self->send(session->second, misbehaving_atom::value, charge->points, std::move(charge->what));
    }
  }
}

void session_gone(SyncActor* self, const caf::actor_addr& address) {
  auto found = self->state.peer_ids.find(address);
  if (found == self->state.peer_ids.end()) return;
  PeerId peer = found->second;
  forget_session(self, peer);
  apply(self, self->state.planner.on_peer_gone(peer, now(self)));
}

caf::behavior sync_coordinator(SyncActor* self, caf::actor chain, SyncLimits limits,
                               LogSinkPtr log) {
  self->state.chain = chain;
  self->state.log = std::move(log);
  self->state.planner = SyncPlanner(limits);
  self->send(chain, subscribe_atom::value, caf::actor_cast<caf::actor>(self));
  self->request(chain, caf::infinite, tip_atom::value)
      .then(
          [=](const TipInfo& tip) {
            apply(self, self->state.planner.on_chain_tip(tip.height, {}, now(self)));
          },
          [](caf::error&) {});  // TipChanged will tell
  self->delayed_send(self, limits.tick_interval, tick_atom::value);
  // A session that dies without saying goodbye is gone all the same.
  self->set_down_handler([=](caf::down_msg& down) { session_gone(self, down.source); });
  return {
      [=](peer_ready_atom, const caf::actor& session, int32_t best_height) {
        PeerId peer = peer_id_of(self, session);
        if (peer == 0) {
          peer = self->state.next_peer_id++;
          self->state.peer_ids.emplace(session.address(), peer);
          self->state.sessions.emplace(peer, session);
          self->monitor(session);
        }
        apply(self, self->state.planner.on_peer_ready(peer, best_height, now(self)));
      },
      [=](peer_gone_atom, const caf::actor& session) { session_gone(self, session.address()); },
      [=](block_inv_atom, const caf::actor& session, const std::vector<Hash256>& hashes) {
        PeerId peer = peer_id_of(self, session);
        if (peer == 0) return;
        apply(self, self->state.planner.on_inventory(peer, hashes, now(self)));
      },
      [=](block_arrived_atom, const caf::actor& session, const BlockPtr& block) {
        if (!block) return;
        const Hash256 hash = block->hash();
        self->state.blocks.emplace(hash, HeldBlock{block, session});
        apply(self, self->state.planner.on_block(peer_id_of(self, session), hash, now(self),
                                                 block->serialized_size()));
        // Kept only while the planner buffers it; a submitted block was already taken.
        if (!self->state.planner.is_buffered(hash)) self->state.blocks.erase(hash);
      },
      [=](not_found_atom, const caf::actor& session, const std::vector<Hash256>& hashes) {
        PeerId peer = peer_id_of(self, session);
        if (peer == 0) return;
        apply(self, self->state.planner.on_not_found(peer, hashes, now(self)));
      },
      [=](const TipChanged& change) {
        apply(self,
              self->state.planner.on_chain_tip(change.tip.height, change.connected, now(self)));
      },
      [=](subscribe_atom, const caf::actor& subscriber) {
        self->state.subscribers.push_back(subscriber);
        self->send(subscriber, syncing_atom::value, self->state.downloading);
      },
      [=](tick_atom) {
        apply(self, self->state.planner.on_tick(now(self)));
        self->delayed_send(self, limits.tick_interval, tick_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_sync_coordinator(caf::actor_system& system, caf::actor chain, SyncLimits limits,
                                  LogSinkPtr log) {
  return system.spawn(sync_coordinator, std::move(chain), limits, std::move(log));
}

}  // namespace ac::actors
