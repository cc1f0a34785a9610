"""A running `actorchain startnode` whose output lines a Python test can await.

Every Python suite (decoders, sync faults, RPC) starts its nodes with this class, so waiting,
failure output and stopping behave the same everywhere: a wait ends as soon as the line shows,
or at once when the node exits, never by polling on a timer.
"""

import atexit
import os
import re
import signal
import subprocess
import threading
import time


class NodeExited(RuntimeError):
    pass


_STARTED = []  # every node this process started: none may outlive it


@atexit.register
def _kill_leftovers():
    """A test that failed before it could stop its nodes (in a constructor, in setUpClass)
    must not leave them running."""
    for node in _STARTED:
        if node.process.poll() is None:
            node.process.kill()
            node.process.wait()


class NodeProcess:
    """`actorchain [--chain CHAIN] --datadir DATADIR startnode ARGS...` with NODE_ID set."""

    def __init__(self, binary, datadir, node_id, args, chain=None, env=None):
        self.binary, self.datadir, self.node_id, self.chain = binary, datadir, node_id, chain
        self.env = dict(env or os.environ, NODE_ID=str(node_id))
        self.process = subprocess.Popen(
            [binary] + self.chain_args() + ["--datadir", datadir, "startnode"] + list(args),
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        _STARTED.append(self)
        self.lines = []  # None at the end once the output closed
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def chain_args(self):
        return ["--chain", self.chain] if self.chain else []

    def _read(self):
        for line in self.process.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.lines.append(None)
            self.changed.notify_all()

    def mark(self):
        """The number of lines so far: pass it as `since` to wait for a later line only."""
        with self.changed:
            return len(self.lines)

    def wait_until(self, predicate, timeout):
        """Waits until predicate(lines) holds (lines may end with None once the node exited);
        its value, or False on timeout or exit."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                value = predicate(self.lines)
                if value or (self.lines and self.lines[-1] is None):
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)

    def wait_for(self, needle, timeout, since=0, regex=False):
        """The first line from index `since` holding `needle` (a substring, or a regular
        expression with regex=True), or None on timeout or exit."""
        return self._first_line(needle, timeout, since, regex)

    def expect(self, needle, timeout=60, since=0, regex=False):
        """wait_for, raising with the node's last lines when the line does not come."""
        line = self._first_line(needle, timeout, since, regex)
        if line is None:
            what = "exited" if self.exited() else "printed nothing matching within %ds" % timeout
            raise NodeExited("node %s %s waiting for %r:\n%s"
                             % (self.node_id, what, needle, self.text()))
        return line

    def _first_line(self, needle, timeout, since, regex):
        found = re.compile(needle).search if regex else (lambda line: needle in line)

        def first(lines):
            return next((l for l in lines[since:] if l is not None and found(l)), None)
        return self.wait_until(first, timeout) or None

    def exited(self):
        with self.changed:
            return bool(self.lines) and self.lines[-1] is None

    def height(self):
        """The highest tip height the node printed, -1 if none."""
        best = -1
        for line in self.all_lines():
            match = re.search(r"(?:new tip|tip) height=(-?\d+)", line)
            if match:
                best = max(best, int(match.group(1)))
        return best

    def all_lines(self):
        with self.changed:
            return [l for l in self.lines if l is not None]

    def text(self, last=60):
        return "\n".join(self.all_lines()[-last:])

    def stop(self, timeout=30):
        """SIGTERM; the exit code (-9 when it had to be killed after `timeout`)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return -9
        return self.process.returncode

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
