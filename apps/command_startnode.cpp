#include "apps/commands.hpp"

namespace ac::app {

int start_node(const NodeEnvironment&, const ChainParams&, const StartNodeOptions&) {
  print_error(make_error("not-implemented", "startnode arrives with the network actors"));
  return 1;
}

}  // namespace ac::app
