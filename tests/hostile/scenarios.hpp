// The hostile peer's scenarios: each plays one bad input of the node's misbehaviour table
// against a running node and observes what the node did. The table (scenarios()) names each
// scenario, the outcome the node must show, and what the scenario sends.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "chain/params.hpp"
#include "tests/hostile/connection.hpp"

namespace ac::hostile {

// What the node did, as the hostile peer can see it.
enum class Outcome {
  disconnected,              // closed the connection
  disconnected_not_refused,  // closed it, and then accepted a new one from the same IP
  connected,                 // still connected: answers a ping after the input
  refused,                   // closed a new connection before sending its version
  failed,                    // the scenario could not be played (no handshake, no coin, ...)
};

std::string_view outcome_name(Outcome outcome);

struct Observation {
  Outcome outcome = Outcome::failed;
  double seconds = 0;  // from the bad input to the disconnection, when there was one
  bool pong = false;   // connected: the node answered a ping after the input
  std::string detail;  // e.g. "block <hash>", or why the scenario failed
};

struct ScenarioContext {
  ConnectOptions connect;
  ChainParams params;
  Duration timeout{10'000};  // longest wait for an expected disconnection
  Duration settle{1'000};    // wait before concluding a node kept the connection
};

struct Scenario {
  std::string_view name;
  Outcome expected;
  std::string_view description;
  Observation (*play)(const ScenarioContext& context);
};

std::span<const Scenario> scenarios();

// "bad-magic: disconnected after 0.01 s" (plus "; detail" when there is one).
std::string report_line(const Scenario& scenario, const Observation& observation);

}  // namespace ac::hostile
