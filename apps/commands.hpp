// The commands of the `actorchain` binary, one function each. Every function returns the
// process exit code after printing its answer (stdout) or one error line (stderr).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "apps/cli_args.hpp"
#include "apps/rpc_credentials.hpp"
#include "chain/params.hpp"
#include "chain/store.hpp"

namespace ac::app {

struct Payment {
  std::string from;
  std::string to;
  std::string amount;
};

struct SendOptions {
  std::vector<Payment> payments;
  bool mine = false;
  std::vector<std::string> connect;  // host:port of the node to hand the tx to
  std::string trace_file;            // JSON lines of the hand-over, traced as a client
  RpcOptions rpc;                    // how to reach NODE_ID's RPC when that node runs
  std::optional<Amount> fee_rate;    // satoshis per 1,000 bytes; unset: the chain's default
};

struct StartNodeOptions {
  std::string miner_address;
  int min_txs = 1;
  std::vector<std::string> connect;
  std::string listen = "127.0.0.1";
  std::string trace_file;
  int max_peers = 125;   // all connections
  int max_outbound = 8;  // outbound slots filled from the address book
  // Peer limits in whole seconds and bytes (actors::PeerLimits has the defaults' reasons).
  int handshake_timeout = 60;
  int ping_interval = 60;
  int ping_timeout = 120;
  int ban_time = 24 * 60 * 60;
  int sync_idle_timeout = 10;  // actors::SyncLimits::idle_timeout
  size_t max_send_buffer = 16 * 1024 * 1024;
  RpcOptions rpc;
  // The coins cache bound in MiB (Store's kDefaultCoinsCacheBytes by default).
  size_t dbcache_mib = kDefaultCoinsCacheBytes >> 20;
  // Index every confirmed transaction for getrawtransaction (<node>/txindex/), as Core's.
  bool txindex = false;
  // Rebuild the block index and coins from the block files before starting (Core's -reindex).
  bool reindex = false;
  // Core's -prune: 0 keeps every block; 1 prunes by hand only (pruneblockchain); from 550 on,
  // the MiB the block and undo files are pruned down to.
  uint64_t prune_mib = 0;
  // Core's -fastprune: block files of 64 KiB instead of 128 MiB (tests of pruning).
  bool fastprune = false;
  // Load <node>/mempool.dat at start and write it at a clean stop, as Core's -persistmempool.
  bool persist_mempool = true;
};

struct DiagramOptions {
  std::vector<std::string> traces;  // --trace-file outputs of one run's nodes
  std::string format = "svg";       // svg, html or mermaid
  std::string out;                  // "" or "-": stdout
  std::vector<std::string> only;    // commands or event kinds to keep
  std::string from;                 // diagram::parse_time's forms
  std::string to;
};

// createwallet, listaddresses, dumpprivkey, getbalance and printchain print the same whether
// the node of NODE_ID runs (they ask its RPC, reached with `rpc`) or not (they open its files).
int create_wallet(const NodeEnvironment& env, const ChainParams& params, const RpcOptions& rpc);
int list_addresses(const NodeEnvironment& env, const ChainParams& params, const RpcOptions& rpc);
// Prints the key of `address` in Wallet Import Format (compressed, the chain's WIF version).
int dump_private_key(const NodeEnvironment& env, const ChainParams& params, const RpcOptions& rpc,
                     const std::string& address);
int create_blockchain(const NodeEnvironment& env, const ChainParams& params,
                      const std::string& address);
int get_balance(const NodeEnvironment& env, const ChainParams& params, const RpcOptions& rpc,
                const std::string& address);
int send(const NodeEnvironment& env, const ChainParams& params, const SendOptions& options);
int print_chain(const NodeEnvironment& env, const ChainParams& params, const RpcOptions& rpc,
                bool hex);
int verify_chain(const NodeEnvironment& env, const ChainParams& params);
int start_node(const NodeEnvironment& env, const ChainParams& params,
               const StartNodeOptions& options);
// Needs no NODE_ID: it reads trace files only. Prints the output file's path when it wrote one.
int draw_diagram(const DiagramOptions& options);

}  // namespace ac::app
