#!/usr/bin/env python3
"""Server memory per idle WebSocket stream, plain (ws) or TLS (wss).

Opens --streams WebSocket connections to a running gatehouse on loopback (one anonymous
session, GET /ws with its bearer token), reads each welcome, leaves them idle, and reports the
server's VmRSS before and after (from /proc/PID/status) and the difference per stream.
gatehouse-load measures plain streams at scale; this is the cheap way to compare TLS with them.

  bench/idle_ws_rss.py --port 8443 --pid $(pidof gatehouse) --streams 2000 --cacert ca.pem
"""
import argparse
import base64
import http.client
import json
import os
import resource
import socket
import ssl
import time


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def anonymous_token(port, context):
    if context:
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/auth/anonymous", body=json.dumps({"device_id": "rss-probe"}),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    body = json.loads(response.read())
    if response.status != 200:
        raise RuntimeError(f"POST /auth/anonymous: {response.status} {body}")
    return body["token"]


def open_stream(port, context, token):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if context:
        sock = context.wrap_socket(sock, server_hostname="127.0.0.1")
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Authorization: Bearer {token}\r\n\r\n").encode())
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("closed during the upgrade")
        received += chunk
    if not received.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(received.split(b"\r\n")[0].decode())
    if len(received.split(b"\r\n\r\n", 1)[1]) == 0:
        sock.recv(4096)  # the welcome frame
    return sock


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True, help="the gatehouse process, for its VmRSS")
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--cacert", help="speak TLS (wss), trusting this CA")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to wait before the last sample")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    context = ssl.create_default_context(cafile=args.cacert) if args.cacert else None
    token = anonymous_token(args.port, context)
    before = vm_rss_kib(args.pid)
    streams = []
    started = time.monotonic()
    for _ in range(args.streams):
        streams.append(open_stream(args.port, context, token))
    opened_in = time.monotonic() - started
    time.sleep(args.settle)
    after = vm_rss_kib(args.pid)
    scheme = "wss" if context else "ws"
    print(f"{scheme}: {len(streams)} idle streams opened in {opened_in:.1f} s; server VmRSS {before} KiB -> "
          f"{after} KiB: {(after - before) / len(streams):.2f} KiB per stream")
    for s in streams:
        s.close()


if __name__ == "__main__":
    main()
