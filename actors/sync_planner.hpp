// The sync coordinator's decisions as a pure, deterministic state machine: no actors, no clock
// of its own. Peers are opaque ids, time is passed in, and every input returns the actions to
// take (request blocks or inventory from a peer, submit a block to the chain, drop a peer).
//
// It keeps the unsolved block hashes in the order peers announced them. Each one is announced,
// requested from one peer with a deadline, or arrived and buffered. Blocks go to the chain in
// announced order: a block that arrives before its predecessors waits in the buffer. A hash that
// fails (notfound or timeout) is asked from another peer, or from the same one after
// `retry_backoff`; a peer that times out `max_stalls` times is dropped.
//
// Backpressure from connect to download: the download window counts from the connected tip,
// not from the oldest unsolved hash. Blocks handed to the chain and not yet connected
// (`max_submitting` at most, so the chain's mailbox never holds more), blocks arrived and
// waiting their turn, and blocks requested all fit in `max_blocks_ahead` places after the tip
// (Bitcoin Core's window is 1,024 blocks); no new request goes out while the blocks downloaded
// and not yet connected hold `max_bytes_ahead` bytes or more. A slow chain (disk, signatures)
// therefore slows the download; it never grows memory.
//
// No peer can poison or stall the download:
// - Only a block's own failure (ErrorKind kInvalid, kInvalidHeader, kCachedInvalid,
//   kInvalidParent: see is_blocks_own_failure) keeps its hash from being fetched again. A
//   damaged copy, a block from the future, a missing parent or a local failure puts the hash
//   back in its place in the queue, to be asked from another peer first.
// - A hash that fails `max_attempts` times (notfound from everyone, timeouts, refused copies) is
//   dropped, and every peer may be asked for its inventory afresh: what they announce is
//   queued again. Blocks that arrived behind it are kept and submitted.
// - While a peer claims a higher chain than ours and nothing new arrives for `idle_timeout`, the
//   planner asks again for inventory, from the peer it asked least recently.
// - A block the chain keeps as an orphan proves its sender has blocks we lack, whatever height
//   it claimed at its handshake (two miners racing at one height): the sender is asked for its
//   inventory from our locator at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "chain/result.hpp"
#include "chain/uint256.hpp"

namespace ac::actors {

struct SyncLimits {
  size_t max_in_flight_per_peer = 128;
  size_t max_in_flight_total = 512;
  // A peer with blocks in flight is sent more once this many fit: one getdata per arrived block
  // would cost a message, a trace line and a wake-up each.
  size_t min_request_batch = 16;
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds tick_interval{500};
  // Places after the connected tip that blocks handed to the chain, arrived or requested may
  // take: bounds the blocks downloaded and not yet connected.
  size_t max_blocks_ahead = 1024;
  // No new request while the blocks downloaded and not yet connected hold this many bytes
  // (serialized); those already in flight still arrive.
  size_t max_bytes_ahead = size_t{64} << 20;
  // Blocks handed to the chain whose verdicts are still to come: what the chain's mailbox holds.
  size_t max_submitting = 64;
  // More are handed over once this many fit (or when none is pending): a few batches in the
  // chain's mailbox, not one message per block.
  size_t min_submit_batch = 16;
  size_t max_stalls = 3;  // request timeouts (counted once per tick) before a drop
  std::chrono::milliseconds retry_backoff{1000};  // before asking a peer that failed again
  size_t max_unsolved_hashes = 50000;             // announced hashes beyond this are ignored
  // Hashes the chain has, remembered so that announcements and copies of them cost nothing:
  // only the most recent ones, so that memory does not grow with the chain. Older ones lie
  // behind every locator we send; one announced anyway is fetched and the chain answers
  // already-have.
  size_t max_known_hashes = 8192;
  // Failures of one hash (notfound, timeout, a copy refused for a reason not its own) before
  // it is dropped from the queue and the peers are asked for their inventory afresh.
  size_t max_attempts = 4;
  // Nothing new (no block arrived, no new hash announced, the tip did not move) for this long
  // while a peer claims more than our height: ask for inventory again.
  std::chrono::milliseconds idle_timeout{10000};
};

using PeerId = uint64_t;
using SyncTime = std::chrono::steady_clock::time_point;

class SyncPlanner {
 public:
  // Send `getdata` for these hashes (announced order) to the peer.
  struct RequestBlocks {
    PeerId peer = 0;
    std::vector<Hash256> hashes;
  };
  // Send `getblocks` to the peer with the chain's locator, `after` (when set) put in front of it:
  // the last hash this peer announced, so the next batch starts where the last one ended even
  // though the chain has not connected it yet.
  struct RequestInventory {
    PeerId peer = 0;
    std::optional<Hash256> after;
  };
  // Hand this block (kept by the caller since it arrived) to the chain, now, in this order.
  struct Submit {
    Hash256 hash;
  };
  // Drop the peer. The planner has already forgotten it and reassigned its requests.
  struct Disconnect {
    PeerId peer = 0;
    std::string reason;
  };
  // The peer sent something it should not have (a block nobody asked for): charge it `points`.
  struct Misbehaving {
    PeerId peer = 0;
    int points = 0;
    std::string what;
  };
  using Action = std::variant<RequestBlocks, RequestInventory, Submit, Disconnect, Misbehaving>;
  using Actions = std::vector<Action>;

  explicit SyncPlanner(SyncLimits limits = {});

  // Inputs. Each returns what to do now.
  Actions on_peer_ready(PeerId peer, int best_height, SyncTime now);
  Actions on_peer_gone(PeerId peer, SyncTime now);
  Actions on_inventory(PeerId peer, const std::vector<Hash256>& hashes, SyncTime now);
  // A block of `bytes` (serialized) arrived. Kept (see is_buffered) when it was announced and
  // fits the window; dropped otherwise. A block nobody announced was never asked for either
  // (relayed blocks come by inv first): dropped unvalidated, and the sender charged for it.
  Actions on_block(PeerId peer, const Hash256& hash, SyncTime now, size_t bytes = 0);
  // A block the peer pushed without an announcement (a BIP152 compact block it sent us at once,
  // rebuilt here): recorded as announced by the peer, then taken as on_block takes it, so it
  // is neither fetched again nor charged as unrequested.
  Actions on_pushed_block(PeerId peer, const Hash256& hash, SyncTime now, size_t bytes = 0);
  Actions on_not_found(PeerId peer, const std::vector<Hash256>& hashes, SyncTime now);
  Actions on_tick(SyncTime now);
  Actions on_chain_tip(int height, const std::vector<Hash256>& connected, SyncTime now);
  // The chain's verdict on a submitted block: accepted (no refusal), or refused with the
  // failure's kind. Only a block's own failure is remembered (see the top of this file).
  Actions on_submitted(const Hash256& hash, std::optional<ErrorKind> refusal, SyncTime now);
  // The chain kept a block from `peer` as an orphan (its parent is unknown here): the peer is
  // ahead of us on a branch we lack. It is asked for its inventory from our locator (`getblocks`
  // with no `after`), unless an inventory request is under way.
  Actions on_orphan(PeerId peer, SyncTime now);

  // Whether a refusal condemns the block itself (invalid, building on an invalid block, or of
  // another chain), so its hash is never fetched again.
  static bool is_blocks_own_failure(ErrorKind kind);

  // Observers (tests and the actor).
  bool is_buffered(const Hash256& hash) const;
  bool is_peer_ready(PeerId peer) const { return peers_.contains(peer); }
  size_t buffered_count() const { return buffered_count_; }
  size_t unsolved_count() const { return queue_.size(); }
  size_t in_flight_count() const { return total_in_flight_; }
  size_t in_flight_count(PeerId peer) const;
  size_t awaiting_verdict_count() const { return submitting_.size(); }
  // Blocks downloaded and not yet connected (buffered or handed to the chain), and their bytes.
  size_t blocks_ahead_count() const { return buffered_count_ + submitting_.size(); }
  size_t bytes_ahead() const { return bytes_ahead_; }
  int chain_height() const { return chain_height_; }
  // Whether the node is catching up: more than one block to fetch or connect, or a peer ahead
  // of us asked for its inventory. A single relayed block does not count. A peer that lies
  // about its height cannot hold this up for long: it is dropped when it stalls and not asked
  // again once its answers bring nothing new.
  bool downloading() const {
    return queue_.size() + submitting_.size() > 1 || inventory_request_.has_value();
  }

 private:
  enum class HashState { announced, requested, arrived };
  struct Entry {
    Hash256 hash;
    uint64_t sequence = 0;  // its place in the queue, kept while submitted
    HashState state = HashState::announced;
    PeerId peer = 0;         // requested from
    PeerId sender = 0;       // the block arrived from (when arrived or submitted)
    size_t failures = 0;     // notfound, timeouts and refused copies: dropped at max_attempts
    SyncTime deadline{};     // when requested: its time plus the request timeout
    SyncTime retry_at{};     // a peer in `tried` may be asked again from then on
    size_t bytes = 0;        // when arrived or submitted: the block's serialized size
    bool failed = false;     // notfound or timeout once: any peer high enough may be asked
    bool abandoned = false;  // its last announcer left (not merely answered notfound)
    std::set<PeerId> announcers;
    std::set<PeerId> tried;  // failed since the hash was last asked from a tried peer
  };
  struct Peer {
    int height = -1;
    size_t in_flight = 0;  // blocks requested from it and not yet arrived or failed
    size_t stalls = 0;
    // When a block it was asked for last arrived: every request to it is then given the full
    // timeout again, so a deep window is not a stall, only silence is.
    SyncTime progress_at{};
    std::optional<Hash256> batch_tail;         // last hash of its last answer to getblocks
    std::optional<int> nothing_new_at_height;  // its last getblocks answer brought nothing new
    SyncTime inventory_asked_at{};             // when last sent getblocks
  };
  struct InventoryRequest {
    PeerId peer = 0;
    SyncTime deadline{};
  };

  Entry* find_entry(const Hash256& hash);
  // A new unsolved hash at the back of the queue, announced by `peer`.
  void enqueue(const Hash256& hash, PeerId peer);
  bool is_solved(const Hash256& hash) const;
  void remember_known(const Hash256& hash);
  // A requested entry times out then: its own deadline, pushed back by its peer's progress.
  SyncTime deadline_of(const Entry& entry) const;
  void release(Entry& entry);
  // Forgets a submitted block (connected, or its verdict came); the entry, if it was there.
  std::optional<Entry> take_submitted(const Hash256& hash);
  void fail(Entry& entry, SyncTime now);
  // Drops the hashes that failed max_attempts times; then every peer may be asked again.
  void drop_exhausted();
  // Forgets what the peers' last answers to getblocks said, so they are asked afresh.
  void ask_afresh();
  // Liveness: nothing new for idle_timeout while a peer claims more than our height.
  void check_idle(SyncTime now);
  // Forgets the abandoned hashes (their announcers all left) that no ready peer can still be
  // asked for (none claims a height reaching them, or each one that does has failed them).
  // Otherwise a peer that announced blocks it never had and left would keep them at the head of the
  // queue for good, and every block announced after them would wait behind them. Kept while no peer
  // is ready: the next one may have them.
  void give_up_orphans();
  void drop_peer(PeerId peer, SyncTime now);
  std::optional<PeerId> pick_peer(Entry& entry, size_t position, SyncTime now);
  // The follow-up of every input: submit the arrived prefix, fill the request window, keep the
  // inventory pipeline going.
  void advance(SyncTime now, Actions& actions);
  void flush_submits(Actions& actions);
  void assign_requests(SyncTime now, Actions& actions);
  void maybe_request_inventory(SyncTime now, Actions& actions);
  bool any_peer_ahead() const;

  SyncLimits limits_;
  std::map<PeerId, Peer> peers_;
  std::map<uint64_t, Entry> queue_;  // by announcement sequence number
  std::unordered_map<Hash256, uint64_t> index_;
  uint64_t next_sequence_ = 0;
  size_t buffered_count_ = 0;
  size_t bytes_ahead_ = 0;  // of the arrived entries and of submitting_
  size_t total_in_flight_ = 0;
  std::optional<InventoryRequest> inventory_request_;
  int chain_height_ = -1;
  // The chain has them: the last max_known_hashes connected or accepted, oldest first in
  // known_order_.
  std::unordered_set<Hash256> known_;
  std::deque<Hash256> known_order_;
  // Handed to the chain, verdict pending: the entry, to put back in its place if refused for a
  // reason that is not the block's own.
  std::unordered_map<Hash256, Entry> submitting_;
  std::unordered_set<Hash256> rejected_;  // their own failure: never fetched again
  SyncTime progress_at_{};                // last block arrived, hash announced or tip moved
  // Set by the liveness check: the next inventory request goes to the peer asked least
  // recently, and is sent although the queue seems to cover every peer's height.
  bool rotate_inventory_peer_ = false;
};

}  // namespace ac::actors
