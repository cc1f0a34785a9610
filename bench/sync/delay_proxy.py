#!/usr/bin/env python3
"""TCP forwarding proxy that delays every chunk by a fixed one-way latency, in both directions.

Each chunk read from one side is stamped with its arrival time and queued; a writer task per
direction releases it once `delay` has passed since its arrival. Reading never waits for the
delay, so the stream is a pipeline: throughput is unchanged and only latency is added (a link
with a long, fat pipe). Used by scripts/bench-sync.sh to give a 50 ms round trip.

usage: delay_proxy.py --listen-port P --target-port T [--delay-ms 25] [--port-file F]
With --listen-port 0 the kernel picks the port; it is printed ("listening on PORT") and, with
--port-file, written to F once the proxy accepts connections.
"""

import argparse
import asyncio
import collections
import os
import sys
import time

CHUNK = 1 << 16


async def pump(reader, writer, delay):
    queue = collections.deque()
    arrived = asyncio.Event()
    done = False

    async def release():
        while True:
            while not queue:
                if done:
                    return
                arrived.clear()
                await arrived.wait()
            due, data = queue[0]
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            queue.popleft()
            if data is None:
                return
            writer.write(data)
            await writer.drain()

    releaser = asyncio.create_task(release())
    try:
        while True:
            data = await reader.read(CHUNK)
            queue.append((time.monotonic() + delay, data if data else None))
            arrived.set()
            if not data:
                break
    except ConnectionError:
        queue.append((time.monotonic() + delay, None))
        arrived.set()
    done = True
    arrived.set()
    try:
        await releaser
    except ConnectionError:
        pass
    try:
        if writer.can_write_eof():
            writer.write_eof()
    except (OSError, RuntimeError):
        pass


async def handle(client_reader, client_writer, target_host, target_port, delay):
    try:
        server_reader, server_writer = await asyncio.open_connection(target_host, target_port)
    except OSError as error:
        print(f"delay_proxy: cannot reach {target_host}:{target_port}: {error}", file=sys.stderr)
        client_writer.close()
        return
    await asyncio.gather(
        pump(client_reader, server_writer, delay),
        pump(server_reader, client_writer, delay),
        return_exceptions=True,
    )
    for writer in (client_writer, server_writer):
        writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen-host", default="127.0.0.1")
    parser.add_argument("--listen-port", type=int, default=0)
    parser.add_argument("--target-host", default="127.0.0.1")
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=25.0)
    parser.add_argument("--port-file")
    args = parser.parse_args()
    delay = args.delay_ms / 1000.0

    server = await asyncio.start_server(
        lambda r, w: handle(r, w, args.target_host, args.target_port, delay),
        args.listen_host,
        args.listen_port,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"listening on {port}", flush=True)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as out:
            out.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
