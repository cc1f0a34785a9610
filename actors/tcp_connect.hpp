// An outbound TCP connection with a deadline. CAF 0.17 connects with a blocking connect(2)
// without a timeout, which can take minutes on an address that drops packets; this one gives
// up at the deadline, or as soon as `cancel` is set (the node is shutting down).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "chain/result.hpp"

namespace ac::actors {

// The connected socket's descriptor (the caller owns it). Reasons: "resolve-failed",
// "connect-failed" (detail: errno's text), "connect-timeout", "cancelled".
Result<int> tcp_connect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout,
                        const std::atomic<bool>& cancel);

}  // namespace ac::actors
