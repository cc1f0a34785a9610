#include "apps/commands.hpp"

namespace ac::app {

namespace {
int pending() {
  print_error(make_error("not-implemented"));
  return 1;
}
}  // namespace

int create_wallet(const NodeEnvironment&, const ChainParams&) { return pending(); }
int list_addresses(const NodeEnvironment&, const ChainParams&) { return pending(); }
int create_blockchain(const NodeEnvironment&, const ChainParams&, const std::string&) {
  return pending();
}
int get_balance(const NodeEnvironment&, const ChainParams&, const std::string&) {
  return pending();
}
int send(const NodeEnvironment&, const ChainParams&, const SendOptions&) { return pending(); }
int print_chain(const NodeEnvironment&, const ChainParams&, bool) { return pending(); }
int verify_chain(const NodeEnvironment&, const ChainParams&) { return pending(); }

}  // namespace ac::app
