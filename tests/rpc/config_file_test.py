#!/usr/bin/env python3
"""actorchain.conf as an operator uses it: a node started with nothing on its command line but
its datadir takes its chain, bootstrap, listening address, RPC port and RPC credentials from
<datadir>/<NODE_ID>/actorchain.conf; the command line's own options win over the file; a
mistake in the file stops the command with the file and line named.

Usage: config_file_test.py --binary build/actorchain
"""
import os
import re
import socket
import subprocess

from rpc_test import NodeProcess, WorkDirTest, free_port, new_chain, request, run_suite

ARGS = None


def write_config(datadir, node_id, text):
    path = os.path.join(datadir, str(node_id), "actorchain.conf")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def call(port, credentials, method):
    return request(port, '{"id":1,"method":"%s","params":[]}' % method, credentials)


class ConfigFile(WorkDirTest):
    def start(self, node_id, *args):
        """`actorchain --datadir D startnode ARGS`: no --chain, everything else from the file."""
        node = NodeProcess(ARGS.binary, self.datadir, node_id, list(args))
        self.addCleanup(node.kill)
        return node

    def test_a_node_runs_from_its_config_file_alone(self):
        node_id, rpc_port = free_port(), free_port()
        new_chain(self.datadir, node_id)  # a quick chain: the file must pick quick too
        write_config(self.datadir, node_id,
                     "# the node's settings\nchain=quick\nlisten=127.0.0.1\nconnect=none\n"
                     "rpc-user=alice\nrpc-password=s3cret\n[regtest]\nrpc-port=1\n"
                     "[quick]\nrpc-port=%d\n" % rpc_port)
        node = self.start(node_id)
        node.expect("rpc server bound to 127.0.0.1:%d" % rpc_port, 30)
        node.expect("listening on 127.0.0.1:%d, tip height=0" % node_id, 30)
        with socket.create_connection(("127.0.0.1", node_id), timeout=10):
            pass  # the P2P port accepts
        status, _, text = call(rpc_port, "alice:s3cret", "getblockcount")
        self.assertEqual((status, text.count('"result":0')), (200, 1), text)
        self.assertEqual(call(rpc_port, "alice:wrong", "getblockcount")[0], 401)
        self.assertFalse(os.path.exists(os.path.join(self.datadir, str(node_id), ".cookie")),
                         "with rpc-user and rpc-password no cookie is written")
        # The command line's rpc reads the same file: port and credentials.
        r = subprocess.run([ARGS.binary, "--datadir", self.datadir, "rpc", "getblockcount"],
                           env=dict(os.environ, NODE_ID=str(node_id)), capture_output=True,
                           text=True, timeout=60)
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "0"), r.stderr)
        self.assertEqual(node.stop(), 0)

    def test_the_command_line_wins(self):
        node_id, file_port, line_port = free_port(), free_port(), free_port()
        new_chain(self.datadir, node_id)
        write_config(self.datadir, node_id,
                     "chain=quick\nconnect=none\nrpc-user=alice\nrpc-password=s3cret\n"
                     "rpc-port=%d\n" % file_port)
        node = self.start(node_id, "--rpc-port", str(line_port), "--rpc-password", "other")
        node.expect("rpc server bound to 127.0.0.1:%d" % line_port, 30)
        self.assertEqual(call(line_port, "alice:other", "getblockcount")[0], 200)
        self.assertEqual(call(line_port, "alice:s3cret", "getblockcount")[0], 401)

    def test_a_mistake_names_the_file_and_line(self):
        node_id = free_port()
        path = write_config(self.datadir, node_id, "chain=quick\n\ndbcahce=64\n")
        r = subprocess.run([ARGS.binary, "--datadir", self.datadir, "startnode"],
                           env=dict(os.environ, NODE_ID=str(node_id)), capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(),
                         "error: bad-config: %s line 3: unknown option 'dbcahce' (keys are the "
                         "long options of the global options and of startnode)" % path)
        other = os.path.join(self.work, "other.conf")
        with open(other, "w") as f:
            f.write("[quick]\nmax-peers=0\n")
        r = subprocess.run([ARGS.binary, "--datadir", self.datadir, "--chain", "quick",
                            "--conf", other, "startnode"],
                           env=dict(os.environ, NODE_ID=str(node_id)), capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 2)
        self.assertTrue(re.match(r"error: bad-config: .*other\.conf line 2: max-peers=0: ",
                                 r.stderr), r.stderr)


if __name__ == "__main__":
    run_suite()
