"""A TCP forwarding proxy that records the bytes of every connection it carries.

Each accepted connection N gets two files in the output folder: connN.to_server (what the
connecting side sent) and connN.to_client (what the listening side sent back). Used to capture
real actorchain wire traffic without root or a packet capture.
"""

import os
import socket
import threading


class RecordingProxy:
    def __init__(self, target_port, out_dir, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.out_dir = out_dir
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.labels = {}  # connection number -> label given by label_next()
        self._next_label = None
        self._lock = threading.Lock()
        self._threads = []
        self._sockets = []
        self._closed = False
        accept = threading.Thread(target=self._accept_loop, daemon=True)
        accept.start()

    def label_next(self, label):
        """Names the next accepted connection (e.g. the scripted peer) in self.labels."""
        with self._lock:
            self._next_label = label

    def _accept_loop(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                number = self.connections
                self.connections += 1
                if self._next_label is not None:
                    self.labels[number] = self._next_label
                    self._next_label = None
                self._sockets += [client, server]
            base = os.path.join(self.out_dir, "conn%d" % number)
            for source, sink, suffix in ((client, server, ".to_server"),
                                         (server, client, ".to_client")):
                thread = threading.Thread(target=self._pump,
                                          args=(source, sink, base + suffix), daemon=True)
                thread.start()
                self._threads.append(thread)

    @staticmethod
    def _pump(source, sink, path):
        with open(path, "wb") as record:
            while True:
                try:
                    data = source.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    break
                record.write(data)
                record.flush()
                try:
                    sink.sendall(data)
                except OSError:
                    break
        for end in (sink, source):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self, timeout=10):
        """Stops accepting, closes every carried connection and flushes the records."""
        self.listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self._threads:
            thread.join(timeout)
        for sock in sockets:
            sock.close()
