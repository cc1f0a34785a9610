// What a peer's bad input costs it, decided on the failure's kind (chain/result.hpp), never on
// its reason. A session adds up points; at kDiscourageScore the peer is disconnected and its
// address discouraged for a while (refused when it comes back), as Bitcoin Core does. Input an
// honest peer can send by bad luck (a block from the future, a transaction that conflicts with
// one we saw first or spends coins we do not know yet) costs nothing; input damaged in transit
// ends the connection, as nothing proves the peer meant it; input no honest implementation
// sends costs the full score at once. The node's own failures cost no one. Pure: no CAF, no I/O.
#pragma once

#include <string_view>

#include "chain/result.hpp"

namespace ac::actors {

inline constexpr int kDiscourageScore = 100;
// A block the peer sent although nobody asked for it: ten of them and the peer is discouraged.
inline constexpr int kUnrequestedBlockPoints = 10;

// Headers (BIP130), as Bitcoin Core charges them: a sequence whose headers do not follow each
// other costs this much; so does every kMaxUnconnectingHeaders-th announcement in a row whose
// first header's parent we do not know (each one is answered with getheaders, which an honest
// peer answers with headers that connect).
inline constexpr int kBadHeadersSequencePoints = 20;
inline constexpr int kMaxUnconnectingHeaders = 10;

// What one bad input costs: points added to the peer's score, and whether the connection ends
// even when the score stays below kDiscourageScore.
struct Penalty {
  int points = 0;
  bool disconnect = false;

  friend bool operator==(const Penalty&, const Penalty&) = default;
};

// For a block the chain refused. Invalid blocks, blocks known to be invalid or building on
// one: the full score. A damaged copy (body not matching its header): disconnected, as the
// genuine block may be valid and is asked for elsewhere. Nothing for a block from the future
// (may become valid), another chain's genesis (the chain disconnects that peer itself), a
// block on a branch the operator invalidated (invalidateblock: honest peers follow it) or the
// node's own failure (no genesis yet, store).
Penalty block_penalty(ErrorKind kind);
// For a block the peer pushed as a cmpctblock (BIP152 high bandwidth): as block_penalty, but
// nothing for a block invalid in its scripts or spends (kInvalid), since the BIP lets a peer
// relay a block that way before it checked those (Core's via_compact_block exemption). A
// header without its proof of work never gets that far: it costs the full score at once.
Penalty pushed_block_penalty(ErrorKind kind);

// For a headers message that failed net::check_headers: a header without its proof of work
// (kInvalidHeader) the full score, as an invalid block; a broken sequence (kInvalid)
// kBadHeadersSequencePoints, as Core.
Penalty headers_penalty(ErrorKind kind);

// For a transaction the mempool refused: nothing for ordinary refusals (already known,
// conflicts with the mempool, inputs unknown or immature, pool full) or local failures, the
// full score for a transaction no valid chain could ever accept.
Penalty tx_penalty(ErrorKind kind);

// For a frame the frame reader refused or whose payload did not decode. A length over the
// maximum, a malformed command or payload: the full score. Another network's magic and a bad
// checksum (damage in transit): disconnected. An unknown command: nothing, it is skipped.
Penalty framing_penalty(ErrorKind kind);

// Whether an address is never discouraged, only disconnected: 127.0.0.1 and ::1 are shared by
// every local tool (the CLI's send, a node's own scripts), so banning them would lock all of
// those out together. Other loopback addresses (127.0.0.2, ...) are treated like remote ones.
bool is_discouragement_exempt(std::string_view host);

}  // namespace ac::actors
