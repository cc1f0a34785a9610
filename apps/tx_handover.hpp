// Hands a signed transaction to a running node over the P2P protocol, as a wallet whose own
// node is not running does: version/verack handshake, `tx`, then `ping` and `getdata` for the
// txid. The node answers in order, so the `pong` proves it processed the tx, and the answer to
// the getdata (`tx` or `notfound`) tells whether its mempool kept it.
#pragma once

#include <chrono>
#include <string>

#include "actors/log_sink.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/transaction.hpp"

namespace ac::app {

struct HandoverOptions {
  std::string endpoint = "localhost:8000";  // host:port of the node
  int our_height = 0;
  std::chrono::seconds timeout{15};
  // Where each message sent or received is traced (its text line and, if the sink has a
  // trace file, its JSON line), under the sink's own id: a client, not a node. May be null.
  actors::LogSink* log = nullptr;
};

// Reasons: "connect-failed", "handshake-failed", "peer-closed", "timeout",
// "tx-rejected-by-node", any wire decoding reason.
Status hand_over_transaction(const Transaction& tx, const ChainParams& params,
                             const HandoverOptions& options);

}  // namespace ac::app
