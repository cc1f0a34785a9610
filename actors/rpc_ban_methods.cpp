// Ban management, as Bitcoin Core's src/rpc/net.cpp: setban, listbanned, clearbanned. The
// ban manager (actors/ban_manager.hpp) keeps the list; setban add also disconnects the peers
// connected from the range, as disconnectnode does.
#include <caf/all.hpp>

#include <ctime>

#include "actors/rpc_ask.hpp"
#include "actors/rpc_methods.hpp"
#include "net/jsonrpc_params.hpp"

namespace ac::actors {

namespace {

using rpc::Json;
using rpc::RpcError;

constexpr const char* kSetBanUsage = "setban \"subnet\" \"command\" ( bantime absolute )";

// Disconnects every peer whose end of the socket lies in `subnet`; how many.
size_t disconnect_range(const RpcAsk& ask, const RpcNodeContext& ctx, const net::Subnet& subnet) {
  size_t count = 0;
  for (const PeerDetail& peer :
       ask.value<std::vector<PeerDetail>>(ctx.actors.node, GetPeerDetails{})) {
    std::string socket;
    try {
      socket = ask.value<PeerReport>(peer.session, GetPeerReport{}).addr;
    } catch (const RpcError&) {
      continue;  // gone meanwhile
    }
    auto address = net::NetAddress::from_endpoint(socket);
    if (!address || !subnet.contains(*address)) continue;
    caf::anon_send(peer.session, DisconnectPeer{"banned (setban)"});
    ++count;
  }
  return count;
}

}  // namespace

void add_ban_methods(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  RpcAsk ask(*ctx.system, ctx.timeout);
  methods.add(
      {"Network",
       "setban",
       {"subnet", "command", "bantime", "absolute"},
       2,
       kSetBanUsage,
       [=](const Json& params) -> Json {
         std::string text = rpc::string_param(params, 0);
         std::string command = rpc::string_param(params, 1);
         if (command != "add" && command != "remove") throw RpcError(rpc::kMiscError, kSetBanUsage);
         auto subnet = net::Subnet::parse(text);
         if (!subnet) throw RpcError(rpc::kClientInvalidIpOrSubnet, "Error: Invalid IP/Subnet");
         SetBan request;
         request.subnet = *subnet;
         request.add = command == "add";
         request.ban_seconds = rpc::int_param(params, 2, 0);
         request.absolute = rpc::bool_param(params, 3, false);
         request.exact = text.find('/') != std::string::npos;
         switch (ask.value<BanReply>(ctx.actors.bans, request).outcome) {
           case BanOutcome::kDone:
             break;
           case BanOutcome::kAlreadyBanned:
             throw RpcError(rpc::kClientNodeAlreadyAdded, "Error: IP/Subnet already banned");
           case BanOutcome::kNotBanned:
             throw RpcError(rpc::kClientInvalidIpOrSubnet,
                            "Error: Unban failed. Requested address/subnet was not "
                            "previously manually banned.");
           case BanOutcome::kInThePast:
             throw RpcError(rpc::kInvalidParameter, "Error: Absolute timestamp is in the past");
         }
         if (request.add) disconnect_range(ask, ctx, *subnet);
         return nullptr;
       }});
  methods.add({"Network", "listbanned", {}, 0, "listbanned", [=](const Json&) -> Json {
                 const int64_t now = std::time(nullptr);
                 Json out = Json::array();
                 for (const net::BanEntry& entry :
                      ask.value<BanEntries>(ctx.actors.bans, ListBans{}))
                   out.push_back({{"address", entry.subnet.to_string()},
                                  {"ban_created", entry.created},
                                  {"banned_until", entry.banned_until},
                                  {"ban_duration", entry.banned_until - entry.created},
                                  {"time_remaining", entry.banned_until - now}});
                 return out;
               }});
  methods.add({"Network", "clearbanned", {}, 0, "clearbanned", [=](const Json&) -> Json {
                 ask.value<bool>(ctx.actors.bans, ClearBans{});
                 return nullptr;
               }});
}

}  // namespace ac::actors
