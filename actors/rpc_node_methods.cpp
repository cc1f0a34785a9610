// Network, mining, utility and control methods (Core's src/rpc/net.cpp, mining.cpp, misc.cpp,
// server.cpp), and the table of every method.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <ctime>

#include "actors/block_template_source.hpp"
#include "actors/rpc_ask.hpp"
#include "actors/rpc_methods.hpp"
#include "chain/block_assembly.hpp"
#include "chain/pow.hpp"
#include "chain/pow_search.hpp"
#include "chain/script.hpp"
#include "net/jsonrpc_params.hpp"
#include "net/rpc_json.hpp"
#include "net/services.hpp"
#include "wallet/address.hpp"

namespace ac::actors {

namespace {

using rpc::Json;
using rpc::RpcError;

constexpr int kProtocolVersion = 70015;

std::vector<PeerDetail> peer_details(const RpcAsk& ask, const RpcNodeContext& ctx) {
  return ask.value<std::vector<PeerDetail>>(ctx.actors.node, GetPeerDetails{});
}

std::vector<std::string> peer_endpoints(const RpcAsk& ask, const RpcNodeContext& ctx) {
  return ask.value<std::vector<std::string>>(ctx.actors.node, GetReadyPeers{});
}

// The peer's end of the socket; "" when its session is gone.
std::string socket_address(const RpcAsk& ask, const PeerDetail& peer) {
  try {
    return ask.value<PeerReport>(peer.session, GetPeerReport{}).addr;
  } catch (const RpcError&) {
    return "";
  }
}

Hash160 address_param(const Json& params, size_t index, const ChainParams& chain) {
  auto decoded = wallet::decode_address(rpc::string_param(params, index), chain);
  if (!decoded) throw RpcError(rpc::kInvalidAddressOrKey, "Invalid address");
  return *decoded;
}

// One block on the tip paying `payout`, with what the mempool offers; mined on this thread.
Hash256 generate_block(const RpcAsk& ask, const RpcNodeContext& ctx, const Hash160& payout) {
  // The selection is valid on the mempool's tip, which may not yet be the chain's (a block just
  // generated): asked again until the mempool has caught up, so the block extends the chain.
  TxSelection selection;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    TipInfo chain_tip = ask.value<TipInfo>(ctx.actors.chain, GetTip{});
    selection = ask.value<TxSelection>(ctx.actors.mempool, template_selection(ctx.params));
    if (selection.tip.hash == chain_tip.hash) break;
  } while (std::chrono::steady_clock::now() < deadline);
  const TipInfo& tip = selection.tip;
  if (tip.height < 0) throw RpcError(rpc::kMiscError, "No chain yet: nothing to build on");
  const BlockTemplate block_template = template_on(selection, p2pkh_script(payout));
  Block block = assemble_block(block_template, ctx.params);
  auto target = target_from_compact(block.header.bits);
  if (!target) throw RpcError(rpc::kMiscError, "the chain's bits encode no target");
  std::atomic<bool> never_cancelled{false};
  uint64_t extra_nonce = 0;
  auto found = search_proof_of_work(block.header, *target, PowSearchOptions{}, never_cancelled,
                                    [&](BlockHeader& header) {
                                      set_extra_nonce(block, block_template.height, ++extra_nonce);
                                      header.merkle_root = block.header.merkle_root;
                                    });
  if (!found.header) throw RpcError(rpc::kMiscError, "mining stopped");
  block.header = *found.header;
  auto verdict = ask.value<BlockVerdict>(
      ctx.actors.chain, SubmitBlock{std::make_shared<const Block>(block), SessionActor{}});
  if (!verdict.accepted) throw RpcError(rpc::kVerifyError, "block rejected: " + verdict.outcome);
  return verdict.hash;
}

void add_network(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  RpcAsk ask(*ctx.system, ctx.timeout);
  methods.add(
      {"Network", "getconnectioncount", {}, 0, "getconnectioncount", [=](const Json&) -> Json {
         return peer_endpoints(ask, ctx).size();
       }});
  methods.add({"Network", "getnetworkinfo", {}, 0, "getnetworkinfo", [=](const Json&) -> Json {
                 return Json{{"version", 10000},
                             {"subversion", "/actorchain:0.1.0/"},
                             {"protocolversion", kProtocolVersion},
                             {"localservices", net::services_hex(ctx.local_services)},
                             {"localservicesnames", net::service_names(ctx.local_services)},
                             {"localrelay", true},
                             {"networkactive", true},
                             {"connections", peer_endpoints(ask, ctx).size()},
                             {"relayfee", rpc::amount_json(0)},
                             {"warnings", ""}};
               }});
  methods.add({"Network",
               "disconnectnode",
               {"address", "nodeid"},
               0,
               "disconnectnode ( \"address\" nodeid )",
               [=](const Json& params) -> Json {
                 std::string address = rpc::string_param(params, 0);
                 bool by_address = rpc::has_param(params, 0) && !rpc::has_param(params, 1);
                 bool by_id = rpc::has_param(params, 1) && address.empty();
                 if (!by_address && !by_id)
                   throw RpcError(rpc::kInvalidParams,
                                  "Only one of address and nodeid should be provided.");
                 int64_t id = rpc::int_param(params, 1, -1);
                 for (const PeerDetail& peer : peer_details(ask, ctx)) {
                   // By its listening endpoint or, as Core, getpeerinfo's addr (the socket's).
                   bool match =
                       by_address ? peer.endpoint == address || socket_address(ask, peer) == address
                                  : static_cast<int64_t>(peer.session.id()) == id;
                   if (!match) continue;
                   caf::anon_send(peer.session, DisconnectPeer{"disconnectnode (RPC)"});
                   return nullptr;
                 }
                 throw RpcError(rpc::kClientNodeNotConnected, "Node not found in connected nodes");
               }});
  methods.add({"Network",
               "addnode",
               {"node", "command"},
               2,
               "addnode \"node\" \"command\"",
               [=](const Json& params) -> Json {
                 std::string node = rpc::string_param(params, 0);
                 std::string command = rpc::string_param(params, 1);
                 if (command != "add" && command != "remove" && command != "onetry")
                   throw RpcError(rpc::kMiscError, "addnode \"node\" \"command\"");
                 if (node.rfind(':') == std::string::npos)
                   throw RpcError(rpc::kInvalidParameter, "node must be host:port");
                 if (command == "remove") {
                   // Stops keeping it connected; the connection stays, as Core's.
                   if (ask.value<bool>(ctx.actors.node, ForgetNode{node})) return nullptr;
                   throw RpcError(rpc::kClientNodeNotAdded,
                                  "Error: Node could not be removed. "
                                  "It has not been added previously.");
                 }
                 caf::anon_send(ctx.actors.node, ConnectTo{node});
                 return nullptr;
               }});
}

void add_mining(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  RpcAsk ask(*ctx.system, ctx.timeout);
  methods.add({"Generating",
               "generatetoaddress",
               {"nblocks", "address", "maxtries"},
               2,
               "generatetoaddress nblocks \"address\" ( maxtries )",
               [=](const Json& params) -> Json {
                 int64_t count = rpc::int_param(params, 0, 0);
                 Hash160 payout = address_param(params, 1, ctx.params);
                 rpc::int_param(params, 2, 1'000'000);
                 if (count < 0 || count > 10'000)
                   throw RpcError(rpc::kInvalidParameter, "nblocks must be 0 to 10000");
                 Json hashes = Json::array();
                 for (int64_t i = 0; i < count; ++i)
                   hashes.push_back(generate_block(ask, ctx, payout).hex());
                 return hashes;
               }});
  methods.add({"Mining", "getmininginfo", {}, 0, "getmininginfo", [=](const Json&) -> Json {
                 TipInfo tip = ask.value<TipInfo>(ctx.actors.chain, GetTip{});
                 auto pooled = ask.value<uint64_t>(ctx.actors.mempool, GetMempoolSize{});
                 return Json{{"blocks", tip.height},
                             {"difficulty", rpc::difficulty(ctx.params.block_bits)},
                             {"networkhashps", 0},
                             {"pooledtx", pooled},
                             {"chain", ctx.params.name},
                             {"warnings", ""}};
               }});
}

void add_control(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  methods.add({"Control", "stop", {}, 0, "stop", [=](const Json&) -> Json {
                 if (ctx.request_stop) ctx.request_stop();
                 return "actorchain stopping";
               }});
  methods.add({"Control", "uptime", {}, 0, "uptime", [=](const Json&) -> Json {
                 return std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now() - ctx.started)
                     .count();
               }});
  methods.add({"Util",
               "validateaddress",
               {"address"},
               1,
               "validateaddress \"address\"",
               [=](const Json& params) -> Json {
                 std::string address = rpc::string_param(params, 0);
                 auto decoded = wallet::decode_address(address, ctx.params);
                 if (!decoded) return Json{{"isvalid", false}, {"error", "Invalid address"}};
                 return Json{{"isvalid", true},
                             {"address", address},
                             {"scriptPubKey", to_hex(p2pkh_script(*decoded))},
                             {"isscript", false},
                             {"iswitness", false}};
               }});
}

}  // namespace

void add_node_methods(rpc::Dispatcher& methods, const RpcNodeContext& context) {
  add_network(methods, context);
  add_peer_methods(methods, context);
  add_ban_methods(methods, context);
  add_mining(methods, context);
  add_mining_template_methods(methods, context);
  add_control(methods, context);
}

std::shared_ptr<rpc::Dispatcher> make_node_methods(const RpcNodeContext& context) {
  auto methods = std::make_shared<rpc::Dispatcher>();
  add_chain_methods(*methods, context);
  add_node_methods(*methods, context);
  add_scan_methods(*methods, context);
  if (context.wallet) add_wallet_methods(*methods, context);
  const rpc::Dispatcher* table = methods.get();  // the method lives inside the table
  methods->add({"Control",
                "help",
                {"command"},
                0,
                "help ( \"command\" )",
                [table](const Json& params) -> Json {
                  if (rpc::has_param(params, 0))
                    return table->help_for(rpc::string_param(params, 0));
                  return table->help_text();
                }});
  return methods;
}

}  // namespace ac::actors
