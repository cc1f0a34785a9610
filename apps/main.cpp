// actorchain: one binary, one command per invocation (README "The command line").
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

#include "apps/cli_args.hpp"
#include "apps/commands.hpp"
#include "apps/config_merge.hpp"
#include "apps/rpc_client.hpp"

namespace {

using namespace ac::app;

int run(int argc, char** argv) {
  CLI::App cli{"actorchain: a Bitcoin-style node built from CAF actors"};
  cli.require_subcommand(1);
  cli.fallthrough();  // --datadir may follow the command too
  std::string datadir = "./data";
  cli.add_option("--datadir", datadir, "folder holding one sub-folder per NODE_ID")
      ->capture_default_str();
  std::string chain_name = "demo";
  cli.add_option(
         "--chain", chain_name,
         "chain parameters: demo, quick (trivial proof of work, for tests and benchmarks), or "
         "regtest (Bitcoin Core's regtest, genesis built in)")
      ->check(CLI::IsMember({"demo", "quick", "regtest"}))
      ->capture_default_str();

  std::string conf_file;
  cli.add_option("--conf", conf_file,
                 "settings file (default: <datadir>/<NODE_ID>/actorchain.conf when present)");

  // How the command line reaches a running node's RPC (`rpc`, and the commands that go through
  // it while their node runs).
  RpcOptions client_rpc;
  cli.add_option("--rpc-port", client_rpc.port, "the node's RPC port (default NODE_ID + 1000)")
      ->check(CLI::Range(0, 65535));
  cli.add_option("--rpc-user", client_rpc.user, "RPC user (default: the node's cookie file)");
  cli.add_option("--rpc-password", client_rpc.password, "RPC password");

  auto* createwallet = cli.add_subcommand("createwallet", "create a key; prints its address");
  auto* listaddresses = cli.add_subcommand("listaddresses", "the wallet's addresses");
  std::string dump_address;
  auto* dumpprivkey =
      cli.add_subcommand("dumpprivkey", "the private key of ADDRESS, in Wallet Import Format");
  dumpprivkey->add_option("--address", dump_address)->required();

  std::string genesis_address;
  auto* createblockchain =
      cli.add_subcommand("createblockchain", "mine a genesis block paying ADDRESS");
  createblockchain->add_option("--address", genesis_address, "receives the genesis reward")
      ->required();

  std::string balance_address;
  auto* getbalance = cli.add_subcommand("getbalance", "balance of ADDRESS in coins");
  getbalance->add_option("--address", balance_address)->required();

  SendOptions send_options;
  std::vector<std::string> froms, tos, amounts;
  auto* send_cmd = cli.add_subcommand("send", "pay AMOUNT coins from one address to another");
  send_cmd->add_option("--from", froms, "paying address (repeatable)")->required();
  send_cmd->add_option("--to", tos, "receiving address (repeatable)")->required();
  send_cmd->add_option("--amount", amounts, "coins, up to 8 decimals (repeatable)")->required();
  send_cmd->add_flag("--mine", send_options.mine,
                     "mine the block here, reward to the first sender");
  send_cmd->add_option("--connect", send_options.connect, "node to hand the tx to (host:port)");
  send_cmd->add_option("--trace-file", send_options.trace_file,
                       "JSON lines of the hand-over's messages (traced as client send-NODE_ID)");
  send_cmd
      ->add_option("--fee-rate", send_options.fee_rate,
                   "fee in satoshis per 1,000 bytes (default: 0 on demo and quick, 1000 on "
                   "regtest)")
      ->check(CLI::Range(int64_t{0}, int64_t{100'000'000}));

  bool print_hex = false;
  auto* printchain = cli.add_subcommand("printchain", "blocks from the tip to the genesis");
  printchain->add_flag("--hex", print_hex, "each block's raw serialization, one a line");

  auto* verifychain =
      cli.add_subcommand("verifychain", "rebuild the coins from the blocks and compare");

  StartNodeOptions node_options;
  auto* startnode = cli.add_subcommand("startnode", "run the node until SIGINT/SIGTERM");
  startnode->add_option("--miner", node_options.miner_address, "mine, paying ADDRESS");
  startnode->add_option("--min-txs", node_options.min_txs, "mempool txs that trigger mining")
      ->check(CLI::NonNegativeNumber);
  startnode->add_option("--connect", node_options.connect,
                        "bootstrap peer host:port (repeatable); 'none': no bootstrap");
  startnode->add_option("--listen", node_options.listen, "address to listen on");
  startnode->add_option("--trace-file", node_options.trace_file, "JSON lines of every message");
  startnode->add_option("--max-peers", node_options.max_peers, "limit of all connections")
      ->check(CLI::PositiveNumber);
  startnode
      ->add_option("--max-outbound", node_options.max_outbound,
                   "outbound connections filled from the address book")
      ->check(CLI::NonNegativeNumber);
  startnode
      ->add_option("--handshake-timeout", node_options.handshake_timeout,
                   "seconds a peer has to complete version/verack")
      ->check(CLI::PositiveNumber);
  startnode->add_option("--ping-interval", node_options.ping_interval, "seconds between pings")
      ->check(CLI::PositiveNumber);
  startnode
      ->add_option("--ping-timeout", node_options.ping_timeout,
                   "seconds a peer has to answer a ping")
      ->check(CLI::PositiveNumber);
  startnode
      ->add_option("--sync-idle-timeout", node_options.sync_idle_timeout,
                   "seconds without sync progress, while a peer is ahead, before asking again")
      ->check(CLI::PositiveNumber);
  startnode
      ->add_option("--ban-time", node_options.ban_time,
                   "seconds a misbehaving peer's address is refused")
      ->check(CLI::NonNegativeNumber);
  startnode
      ->add_option("--max-send-buffer", node_options.max_send_buffer,
                   "unsent bytes to one peer before it is dropped as not reading")
      ->check(CLI::PositiveNumber);
  startnode
      ->add_option("--dbcache", node_options.dbcache_mib,
                   "MiB of coin changes held in memory before one write to the store")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));

  startnode
      ->add_option("--prune", node_options.prune_mib,
                   "delete old block files: 0 keeps all (default), 1 by hand (pruneblockchain), "
                   "from 550 the MiB of block and undo files to keep")
      ->check(CLI::NonNegativeNumber);
  startnode->add_flag("--fastprune", node_options.fastprune,
                      "block files of 64 KiB instead of 128 MiB (for tests of pruning)");
  startnode->add_flag("--no-rpc", node_options.rpc.disabled, "no JSON-RPC server");
  startnode->add_flag("--txindex", node_options.txindex,
                      "index every confirmed transaction for getrawtransaction");
  startnode->add_flag("--reindex", node_options.reindex,
                      "rebuild the block index and coins from the block files first");
  startnode->add_flag("--persistmempool,!--no-persistmempool", node_options.persist_mempool,
                      "load mempool.dat at start, write it at a clean stop (default: on)");
  startnode->add_option("--rpc-bind", node_options.rpc.bind, "RPC listening address")
      ->capture_default_str();
  startnode
      ->add_option("--rpc-threads", node_options.rpc.threads,
                   "RPC connections served at once (a keep-alive connection holds one)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  startnode
      ->add_option("--rpc-workqueue", node_options.rpc.work_queue,
                   "RPC connections waiting for a thread before HTTP 503")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  startnode
      ->add_option("--rpc-servertimeout", node_options.rpc.server_timeout,
                   "seconds an RPC client may stay silent mid-request")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();

  std::vector<std::string> rpc_words;
  auto* rpc_cmd = cli.add_subcommand("rpc", "call METHOD of the running node (bitcoin-cli)");
  rpc_cmd->add_option("words", rpc_words, "METHOD [PARAMS...]; JSON when it parses as JSON")
      ->required();
  rpc_cmd->prefix_command();

  DiagramOptions diagram_options;
  auto* diagram = cli.add_subcommand(
      "diagram", "draw trace files of several nodes as one sequence diagram (needs no NODE_ID)");
  diagram->add_option("--format", diagram_options.format, "svg, html or mermaid")
      ->check(CLI::IsMember({"svg", "html", "mermaid"}))
      ->capture_default_str();
  diagram->add_option("--out", diagram_options.out, "output file (default: stdout)");
  diagram->add_option("--only", diagram_options.only, "commands or node events to keep")
      ->delimiter(',')
      ->allow_extra_args(false);  // the trace files after it are not commands
  diagram->add_option("--from", diagram_options.from, "start: +SECONDS, HH:MM:SS.mmm or us");
  diagram->add_option("--to", diagram_options.to, "end, in the same forms");
  diagram->add_option("traces", diagram_options.traces, "trace files (--trace-file)")
      ->required()
      ->check(CLI::ExistingFile);

  std::vector<std::string> args = normalize_flags(argc, argv);
  std::vector<const char*> raw;
  for (const std::string& arg : args) raw.push_back(arg.c_str());
  try {
    cli.parse(static_cast<int>(raw.size()), raw.data());
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line like every other error, not CLI11's paragraph.
    std::string detail = e.what();
    // A typo'd option is left over while the parse fails on something else (often the option
    // it was meant to be, "--address is required"): name it first.
    std::vector<std::string> unknown = unknown_options(args, cli.remaining(true));
    if (!cli.remaining().empty() && cli.get_subcommands().empty()) {
      detail = "unknown command '" + cli.remaining().front() + "' (see --help)";
    } else if (!unknown.empty()) {
      std::string command = cli.get_subcommands().empty()
                                ? std::string("actorchain")
                                : cli.get_subcommands().front()->get_name();
      detail = "unknown option" + std::string(unknown.size() > 1 ? "s" : "") + " '" +
               CLI::detail::join(unknown, "', '") + "' for " + command + " (see " + command +
               " --help)";
    }
    for (char& c : detail)
      if (c == '\n') c = ' ';
    while (!detail.empty() && detail.back() == ' ') detail.pop_back();
    print_error(ac::make_error("bad-arguments", detail));
    return 2;
  }

  if (*diagram) return draw_diagram(diagram_options);
  if (ac::Status config = apply_config_file(cli, *startnode, args, conf_file, datadir); !config) {
    print_error(config.error());
    return 2;
  }
  auto env = node_environment(datadir);
  if (!env) {
    print_error(env.error());
    return 2;
  }
  const ac::ChainParams params = *ac::params_by_name(chain_name);

  if (*createwallet) return create_wallet(*env, params, client_rpc);
  if (*listaddresses) return list_addresses(*env, params, client_rpc);
  if (*dumpprivkey) return dump_private_key(*env, params, client_rpc, dump_address);
  if (*createblockchain) return create_blockchain(*env, params, genesis_address);
  if (*getbalance) return get_balance(*env, params, client_rpc, balance_address);
  if (*send_cmd) {
    if (froms.size() != tos.size() || tos.size() != amounts.size()) {
      print_error(ac::make_error("bad-arguments", "--from, --to and --amount come in triples"));
      return 2;
    }
    for (size_t i = 0; i < froms.size(); ++i)
      send_options.payments.push_back({froms[i], tos[i], amounts[i]});
    send_options.rpc = client_rpc;
    return send(*env, params, send_options);
  }
  if (*printchain) return print_chain(*env, params, client_rpc, print_hex);
  if (*verifychain) return verify_chain(*env, params);
  if (*startnode) {
    node_options.rpc.port = client_rpc.port;
    node_options.rpc.user = client_rpc.user;
    node_options.rpc.password = client_rpc.password;
    return start_node(*env, params, node_options);
  }
  if (*rpc_cmd) return rpc_command(*env, client_rpc, rpc_words);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Commands report failures as values; this is the last line of defence so that nothing
  // unforeseen ever ends in an abort or a stack trace.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: internal-error: %s\n", e.what());
    return 1;
  }
}
