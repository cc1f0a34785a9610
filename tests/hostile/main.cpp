// hostile_peer: plays one bad input against a running node and reports what the node did.
//   hostile_peer --target 127.0.0.1:PORT [--from 127.0.0.X] --scenario NAME [--chain quick]
//   hostile_peer --list
// Prints one line ("bad-magic: disconnected after 0.01 s") and exits 0 when the node answered
// as the scenario expects (see scenarios.cpp for the table), 1 otherwise, 2 on bad usage.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <iostream>

#include "tests/hostile/scenarios.hpp"

int main(int argc, char** argv) {
  using namespace ac::hostile;
  CLI::App cli{"Plays one misbehaving peer against a running actorchain node."};
  ScenarioContext context;
  std::string scenario_name;
  std::string chain = "quick";
  double timeout_seconds = 10;
  bool list = false;
  cli.add_option("--target", context.connect.target, "the node, host:port");
  cli.add_option("--from", context.connect.socket.from, "source IP to connect from (127.0.0.X)");
  cli.add_option("--scenario", scenario_name, "the scenario to play");
  cli.add_option("--chain", chain, "quick or demo")->check(CLI::IsMember({"quick", "demo"}));
  cli.add_option("--timeout", timeout_seconds, "seconds to wait for an expected disconnection");
  cli.add_flag("--list", list, "list the scenarios with their expected outcomes");
  CLI11_PARSE(cli, argc, argv);

  if (list) {
    for (const Scenario& scenario : scenarios())
      fmt::print("{:<22} {:<33} {}\n", scenario.name, outcome_name(scenario.expected),
                 scenario.description);
    return 0;
  }
  if (context.connect.target.empty() || scenario_name.empty()) {
    std::cerr << "--target and --scenario are required (or --list)\n";
    return 2;
  }
  context.params = chain == "quick" ? ac::quick_params() : ac::demo_params();
  context.timeout = Duration(static_cast<int64_t>(timeout_seconds * 1000));
  for (const Scenario& scenario : scenarios()) {
    if (scenario.name != scenario_name) continue;
    Observation observation = scenario.play(context);
    fmt::print("{}\n", report_line(scenario, observation));
    if (observation.outcome == scenario.expected) return 0;
    fmt::print(stderr, "{}: expected {}\n", scenario.name, outcome_name(scenario.expected));
    return 1;
  }
  std::cerr << "unknown scenario " << scenario_name << " (see --list)\n";
  return 2;
}
