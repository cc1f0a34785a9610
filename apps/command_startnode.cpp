// `actorchain startnode`: runs the node's actors until SIGINT or SIGTERM.
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>

#include "actors/chainstate_backend.hpp"
#include "actors/mempool_persistence.hpp"
#include "actors/node.hpp"
#include "actors/rpc_methods.hpp"
#include "actors/rpc_server.hpp"
#include "actors/wallet_actor.hpp"
#include "apps/commands.hpp"
#include "apps/store_repair.hpp"
#include "chain/prune.hpp"
#include "chain/reindex.hpp"
#include "chain/release_memory.hpp"
#include "chain/tx_index.hpp"
#include "wallet/address.hpp"

namespace ac::app {

namespace {

// The central node every other node bootstraps from unless told otherwise.
constexpr uint16_t kCentralPort = 8000;

// True when `endpoint` names this very node: loopback (or its listen address) and its port.
bool is_own_endpoint(const std::string& endpoint, const NodeEnvironment& env,
                     const StartNodeOptions& options) {
  size_t colon = endpoint.rfind(':');
  if (colon == std::string::npos || endpoint.substr(colon + 1) != std::to_string(env.node_id))
    return false;
  std::string host = endpoint.substr(0, colon);
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]" || host == options.listen;
}

// The bootstrap peers: --connect, or the central node localhost:8000 without it. A node that is
// itself the central (it is named in --connect, or it runs on the default central port without
// --connect) skips itself; `--connect none` (or an empty --connect) names no bootstrap at all,
// so a central node runs on any port without a failing dial.
std::vector<std::string> peers_to_connect(const NodeEnvironment& env,
                                          const StartNodeOptions& options) {
  std::vector<std::string> peers = options.connect;
  if (peers.empty()) peers.push_back(fmt::format("localhost:{}", kCentralPort));
  std::erase_if(peers, [&](const std::string& p) {
    return p.empty() || p == "none" || is_own_endpoint(p, env, options);
  });
  return peers;
}

// Starts the JSON-RPC server for the running actors and writes the cookie when no user and
// password were given. Null server with --no-rpc.
Result<std::unique_ptr<actors::RpcServer>> start_rpc(
    const NodeEnvironment& env, const ChainParams& params, const StartNodeOptions& options,
    caf::actor_system& system, const actors::NodeActors& node_actors, actors::LogSinkPtr log,
    std::atomic<bool>& stop_requested, actors::WalletActor& wallet) {
  const RpcOptions& rpc = options.rpc;
  if (rpc.disabled) return std::unique_ptr<actors::RpcServer>{};
  auto port = rpc_port(env, rpc);
  if (!port) return port.error();
  if (rpc.user.empty() != rpc.password.empty())
    return make_error("bad-arguments", "--rpc-user and --rpc-password go together");
  actors::RpcNodeContext context;
  context.system = &system;
  context.actors = node_actors;
  context.params = params;
  context.local_services = options.prune_mib != 0 ? net::kNodeNetworkLimited : net::kNodeNetwork;
  actors::WalletConfig wallet_config{params, env.wallet_path(), log, std::chrono::seconds(30)};
  auto spawned = actors::spawn_wallet(system, wallet_config, node_actors.utxo_indexer,
                                      node_actors.mempool, node_actors.node, node_actors.chain);
  if (!spawned) return spawned.error();
  wallet = *spawned;
  context.wallet = wallet;
  if (options.txindex) {
    auto index = TxIndex::open(env.node_dir / "txindex");
    if (!index) return index.error();
    context.txindex = std::move(*index);
  }
  context.request_stop = [&stop_requested] {
    stop_requested = true;
    ::kill(::getpid(), SIGTERM);  // main waits in sigwait: a clean stop, as on Ctrl-C
  };
  actors::RpcServerConfig config;
  config.bind = rpc.bind;
  config.port = *port;
  config.threads = static_cast<size_t>(rpc.threads);
  config.work_queue = static_cast<size_t>(rpc.work_queue);
  config.timeout = std::chrono::seconds(rpc.server_timeout);
  config.credentials = rpc.user + ":" + rpc.password;
  if (rpc.user.empty()) {
    auto cookie = make_cookie();
    if (!cookie) return cookie.error();
    config.credentials = *cookie;
  }
  auto server = actors::RpcServer::start(config, actors::make_node_methods(context));
  if (!server) return server.error();
  // The cookie appears once the server answers, and the line after it: whoever waits for
  // either can call at once.
  if (rpc.user.empty()) {
    if (Status written = write_cookie(env, config.credentials); !written) {
      (*server)->stop();
      return written.error();
    }
  }
  log->line(fmt::format("rpc server bound to {}:{}", config.bind, (*server)->port()));
  return std::move(*server);
}

// Core's rules: an automatic target of at least 550 MiB, and no transaction index over
// blocks that may go.
Status check_prune_options(const StartNodeOptions& options) {
  if (options.prune_mib > 1 && options.prune_mib < kMinPruneTargetMiB) {
    return make_error("bad-arguments", fmt::format("--prune {}: the target is at least {} MiB (1: "
                                                   "prune by hand with pruneblockchain)",
                                                   options.prune_mib, kMinPruneTargetMiB));
  }
  if (options.prune_mib != 0 && options.txindex)
    return make_error("bad-arguments", "--prune cannot go with --txindex");
  return {};
}

}  // namespace

int start_node(const NodeEnvironment& env, const ChainParams& params,
               const StartNodeOptions& options) {
  if (!options.miner_address.empty()) {
    auto decoded = wallet::decode_address(options.miner_address, params);
    if (!decoded) {
      print_error(make_error("bad-miner-address",
                             options.miner_address + ": " + decoded.error().message()));
      return 2;
    }
  }
  if (Status prune = check_prune_options(options); !prune) {
    print_error(prune.error());
    return 2;
  }
  std::error_code ignored;
  std::filesystem::create_directories(env.node_dir, ignored);

  // Signals are taken by sigwait below: block them before CAF starts its threads, which
  // inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Two malloc arenas instead of glibc's 8 per core: each thread's arena kept its own free
  // pages resident (RssAnon was ~30 MiB above the heap at the 100k sync's peak). The
  // environment's MALLOC_ARENA_MAX (or GLIBC_TUNABLES) still decides when set.
  if (!std::getenv("MALLOC_ARENA_MAX") && !std::getenv("GLIBC_TUNABLES")) limit_malloc_arenas(2);

  auto log = std::make_shared<actors::LogSink>(std::to_string(env.node_id));
  if (!options.trace_file.empty()) {
    if (Status opened = log->open_trace_file(options.trace_file); !opened) {
      print_error(opened.error());
      return 1;
    }
  }
  const auto locked = [&] {
    return make_error("store-locked", fmt::format("node {} is already running and holds {}",
                                                  env.node_id, env.node_dir.string()));
  };
  if (Status prepared =
          prepare_store(env, params, options, [&](const std::string& line) { log->line(line); });
      !prepared) {
    print_error(prepared.kind() == ErrorKind::kBusy ? locked()
                                                    : with_reindex_hint(prepared.error()));
    return 1;
  }
  StoreOptions store_options{options.dbcache_mib << 20};
  if (options.fastprune) store_options.block_file_bytes = kFastPruneFileBytes;
  auto backend = actors::ChainStateBackend::open(env.store_dir().string(), params, store_options);
  if (backend) {
    if (Status read = check_recent_blocks((*backend)->chain_state(), (*backend)->store()); !read)
      backend = read.error();
  }
  if (!backend) {
    print_error(backend.kind() == ErrorKind::kBusy ? locked() : with_reindex_hint(backend.error()));
    return 1;
  }
  if (options.prune_mib == 0 && (*backend)->chain_state().has_pruned()) {
    // As Core: going back to every block takes a fresh download.
    print_error(make_error("store-pruned",
                           fmt::format("blocks of node {} were pruned: start it with --prune, or "
                                       "remove {} to sync every block again",
                                       env.node_id, env.store_dir().string())));
    return 1;
  }
  if (options.prune_mib != 0) {
    const uint64_t target = options.prune_mib == 1 ? 0 : options.prune_mib << 20;
    (*backend)->set_prune({true, target});
    log->line(target == 0 ? std::string("pruning by hand (pruneblockchain)")
                          : fmt::format("pruning the block files to {} MiB", options.prune_mib));
  }

  // The tutorial's roles: the miner mines, the central dials no one, every other node is a
  // wallet node. Written for tools (the diagram names lifelines by it).
  std::vector<std::string> dial = peers_to_connect(env, options);
  std::string role = !options.miner_address.empty() ? "miner" : dial.empty() ? "central" : "wallet";
  log->event("start", fmt::format("started as {}", role), fmt::format("\"role\":\"{}\"", role));

  actors::NodeConfig config;
  config.params = params;
  config.listen_host = options.listen;
  config.listen_port = env.node_id;
  config.connect = dial;
  config.max_peers = options.max_peers;
  config.max_outbound = options.max_outbound;
  config.address_book_path = env.node_dir / "peers.dat";
  config.ban_list_path = env.node_dir / "banlist.json";
  config.peer_limits.handshake_timeout = std::chrono::seconds(options.handshake_timeout);
  config.peer_limits.ping_interval = std::chrono::seconds(options.ping_interval);
  config.peer_limits.ping_timeout = std::chrono::seconds(options.ping_timeout);
  config.peer_limits.ban_time = std::chrono::seconds(options.ban_time);
  config.sync_limits.idle_timeout = std::chrono::seconds(options.sync_idle_timeout);
  config.peer_limits.max_send_buffer = options.max_send_buffer;
  config.log = log;
  config.miner_address = options.miner_address;
  // BIP159: a pruned node serves the recent blocks only.
  config.local_services = options.prune_mib != 0 ? net::kNodeNetworkLimited : net::kNodeNetwork;
  config.min_txs = options.min_txs;
  config.coins = std::shared_ptr<const TipCoins>(*backend, &(*backend)->store());
  config.store = std::shared_ptr<const Store>(*backend, &(*backend)->store());
  config.mempool_path = std::filesystem::absolute(env.node_dir / "mempool.dat", ignored);
  config.load_mempool = options.persist_mempool;

  caf::actor_system_config caf_config;
  caf_config.load<caf::io::middleman>();
  caf_config.set("scheduler.max-threads", size_t{3});
  caf_config.set("work-stealing.moderate-poll-attempts", size_t{0});
  {
    caf::actor_system system{caf_config};
    auto started = actors::start_node_actors(system, config, std::move(*backend));
    if (!started) {
      print_error(started.error());
      return 1;
    }
    std::atomic<bool> stop_requested{false};
    actors::WalletActor wallet;
    auto rpc_server =
        start_rpc(env, params, options, system, *started, log, stop_requested, wallet);
    if (!rpc_server) {
      print_error(rpc_server.error());
      if (wallet) caf::anon_send_exit(wallet, caf::exit_reason::user_shutdown);
      actors::stop_node_actors(*started);
      return 1;
    }
    int received = 0;
    sigwait(&signals, &received);
    // Before anything else: a peer that went away meanwhile is not redialled.
    actors::begin_node_shutdown(*started);
    log->line(fmt::format("shutting down ({})", stop_requested       ? "rpc stop"
                                                : received == SIGINT ? "SIGINT"
                                                                     : "SIGTERM"));
    // The RPC first: no request may reach actors that are going away.
    if (*rpc_server) {
      (*rpc_server)->stop();
      if (options.rpc.user.empty()) remove_cookie(env);
    }
    if (wallet) caf::anon_send_exit(wallet, caf::exit_reason::user_shutdown);
    if (options.persist_mempool) actors::save_mempool(system, started->mempool, log);
    actors::stop_node_actors(*started);
  }
  log->line("node stopped");
  return 0;
}

}  // namespace ac::app
