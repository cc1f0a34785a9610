// What a peer's bad input costs it. A session adds up points; at kDiscourageScore the peer is
// disconnected and its address discouraged for a while (refused when it comes back), as Bitcoin
// Core does. Input an honest peer can send by bad luck (a block from the future, a transaction
// that conflicts with one we saw first or spends coins we do not know yet) costs nothing;
// input no honest implementation sends costs the full score at once. Pure: no CAF, no I/O.
#pragma once

#include <string_view>

namespace ac::actors {

inline constexpr int kDiscourageScore = 100;
// A block the peer sent although nobody asked for it: ten of them and the peer is discouraged.
inline constexpr int kUnrequestedBlockPoints = 10;

// Points for a block the chain refused with `reason`: 0 when the fault may not be the
// sender's (a local store failure, a block dated too far ahead that may become valid). A detail
// after the reason ("time-too-new: block <hash>", as the chain's verdicts carry) is ignored.
int block_penalty(std::string_view reason);

// Points for a transaction the mempool refused with `reason`: 0 for ordinary refusals (already
// known, conflicts with the mempool, inputs unknown or immature, pool full), the full score for
// a transaction no valid chain could ever accept.
int tx_penalty(std::string_view reason);

// Points for a framing failure `reason` from the frame reader: a length over the maximum is a
// protocol violation, wrong magic (another network) and a bad checksum (damage in transit)
// only end the connection.
int framing_penalty(std::string_view reason);

// Whether an address is never discouraged, only disconnected: 127.0.0.1 and ::1 are shared by
// every local tool (the CLI's send, a node's own scripts), so banning them would lock all of
// those out together. Other loopback addresses (127.0.0.2, ...) are treated like remote ones.
bool is_discouragement_exempt(std::string_view host);

}  // namespace ac::actors
