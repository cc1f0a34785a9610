// The methods about the node's peers that ask the sessions themselves (Core's src/rpc/net.cpp):
// getpeerinfo, getnettotals, ping.
#include <ctime>

#include "actors/rpc_ask.hpp"
#include "actors/rpc_methods.hpp"
#include "net/jsonrpc_params.hpp"
#include "net/peer_stats.hpp"
#include "net/services.hpp"

namespace ac::actors {

namespace {

using rpc::Json;

// Sessions whose handshake is done, with what each says of its peer; a session that went away
// meanwhile is left out.
std::vector<std::pair<PeerDetail, PeerReport>> ready_peers(const RpcAsk& ask,
                                                           const RpcNodeContext& ctx) {
  std::vector<std::pair<PeerDetail, PeerReport>> out;
  for (PeerDetail& peer : ask.value<std::vector<PeerDetail>>(ctx.actors.node, GetPeerDetails{})) {
    if (!peer.ready) continue;
    try {
      PeerReport report = ask.value<PeerReport>(peer.session, GetPeerReport{});
      out.emplace_back(std::move(peer), std::move(report));
    } catch (const rpc::RpcError&) {
    }
  }
  return out;
}

// Core's synced_headers and synced_blocks: the height of the last block the peer showed us it
// has, and of the last block of our active chain it has (their fork point when that block is
// on another branch); -1 when we know of none.
std::pair<int, int> synced_heights(const RpcAsk& ask, const RpcNodeContext& ctx,
                                   const std::optional<Hash256>& known) {
  if (!known) return {-1, -1};
  auto summary = ask.value<std::optional<BlockSummary>>(ctx.actors.chain, GetBlockSummary{*known});
  if (!summary) return {-1, -1};
  int headers = summary->record.height;
  // Down the peer's branch to our active chain; a branch longer than this is reported as
  // having nothing in common (-1).
  for (int steps = 0; steps < 1'000 && summary; ++steps) {
    if (summary->in_active_chain) return {headers, summary->record.height};
    if (summary->record.height == 0) break;
    summary = ask.value<std::optional<BlockSummary>>(
        ctx.actors.chain, GetBlockSummary{summary->record.header.prev_block});
  }
  return {headers, -1};
}

Json per_command(const net::PeerTraffic& traffic, bool sent, bool messages) {
  Json out = Json::object();
  for (size_t slot = 0; slot < net::PeerTraffic::kSlots; ++slot) {
    const net::CommandTraffic& counted = sent ? traffic.sent(slot) : traffic.received(slot);
    if (counted.messages == 0) continue;  // Core lists the commands that went that way
    out[std::string(net::PeerTraffic::name_of(slot))] = messages ? counted.messages : counted.bytes;
  }
  return out;
}

double seconds_of_us(int64_t us) {
  return static_cast<double>(us) / 1e6;
}

Json peer_json(const RpcAsk& ask, const RpcNodeContext& ctx, const PeerDetail& peer,
               const PeerReport& report) {
  int64_t now = std::time(nullptr);
  const net::PeerTraffic& traffic = report.traffic;
  auto [synced_headers, synced_blocks] = synced_heights(ask, ctx, report.best_known_block);
  Json entry{{"id", peer.session.id()},
             {"addr", report.addr},
             {"addrbind", report.addr_bind},
             {"network", report.addr.starts_with("[") ? "ipv6" : "ipv4"},
             {"services", net::services_hex(report.services)},
             {"servicesnames", net::service_names(report.services)},
             {"relaytxes", report.relay},
             {"lastsend", traffic.last_send_s()},
             {"lastrecv", traffic.last_receive_s()},
             {"bytessent", traffic.bytes_sent()},
             {"bytesrecv", traffic.bytes_received()},
             {"conntime", now - peer.connected_for_ms / 1000},
             {"timeoffset", report.time_offset_s}};
  if (report.last_ping_us >= 0) entry["pingtime"] = seconds_of_us(report.last_ping_us);
  if (report.min_ping_us >= 0) entry["minping"] = seconds_of_us(report.min_ping_us);
  if (report.ping_wait_us >= 0) entry["pingwait"] = seconds_of_us(report.ping_wait_us);
  entry["version"] = report.version;
  entry["subver"] = report.user_agent;
  entry["inbound"] = peer.inbound;
  entry["startingheight"] = report.starting_height;
  entry["synced_headers"] = synced_headers;
  entry["synced_blocks"] = synced_blocks;
  // Core dropped its banscore; this is the score of actors/misbehaviour.hpp (100 disconnects).
  entry["misbehaviour_score"] = report.misbehaviour;
  entry["bytessent_per_msg"] = per_command(traffic, true, false);
  entry["bytesrecv_per_msg"] = per_command(traffic, false, false);
  // Not Core's: the messages each way by command, as issue 10 asks.
  entry["msgssent_per_msg"] = per_command(traffic, true, true);
  entry["msgsrecv_per_msg"] = per_command(traffic, false, true);
  // Of Core's kinds only these three exist here (no block-relay-only, feeler or addr-fetch
  // connections).
  entry["connection_type"] = peer.inbound  ? "inbound"
                             : peer.manual ? "manual"
                                           : "outbound-full-relay";
  return entry;
}

}  // namespace

void add_peer_methods(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  RpcAsk ask(*ctx.system, ctx.timeout);
  methods.add({"Network", "getpeerinfo", {}, 0, "getpeerinfo", [=](const Json&) -> Json {
                 Json out = Json::array();
                 for (const auto& [peer, report] : ready_peers(ask, ctx))
                   out.push_back(peer_json(ask, ctx, peer, report));
                 return out;
               }});
  methods.add({"Network", "getnettotals", {}, 0, "getnettotals", [=](const Json&) -> Json {
                 auto totals = ask.value<TrafficTotals>(ctx.actors.node, GetNetTotals{});
                 auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
                 // No upload target (Core's -maxuploadtarget) exists: Core's answer without one.
                 return Json{{"totalbytesrecv", totals.bytes_received},
                             {"totalbytessent", totals.bytes_sent},
                             {"timemillis", millis},
                             {"uploadtarget",
                              {{"timeframe", 86400},
                               {"target", 0},
                               {"target_reached", false},
                               {"serve_historical_blocks", true},
                               {"bytes_left_in_cycle", 0},
                               {"time_left_in_cycle", 0}}}};
               }});
  methods.add({"Network", "ping", {}, 0, "ping", [=](const Json&) -> Json {
                 // Each session pings at once; the round trip shows in getpeerinfo.
                 for (const PeerDetail& peer :
                      ask.value<std::vector<PeerDetail>>(ctx.actors.node, GetPeerDetails{}))
                   if (peer.ready) caf::anon_send(peer.session, PingNow{});
                 return nullptr;
               }});
}

}  // namespace ac::actors
