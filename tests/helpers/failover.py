#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""Helpers of tests/integration/t76-backends.sh (backends that fail).

loop:   sequential TLS requests (send a line, read its echo) for --seconds,
        or --count of them, or until --stop-file exists; one line each:
        "ok|fail MONOTONIC_SECONDS [why]".
hold:   --conns TLS connections, each with one line echoed (so the proxy
        has connected it to a server), held until --stop-file exists.
probe:  a TCP server on --port answering every connection with --answer
        once it has read a line, then closing (a health check's peer);
        --ready-file is made once it listens.
now:    prints the monotonic clock (the loop's time base).
All bounded by --timeout.
"""
import argparse
import os
import socket
import ssl
import sys
import threading
import time


def tls_context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    return ctx


def one_request(ctx, port, data, timeout):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        with ctx.wrap_socket(s, server_hostname="localhost") as t:
            t.sendall(data)
            got = b""
            while not got.endswith(b"\n"):
                chunk = t.recv(4096)
                if not chunk:
                    raise OSError("closed after %d bytes" % len(got))
                got += chunk
            if got != data:
                raise OSError("echo mismatch: %r" % got[:60])


def cmd_loop(args):
    ctx = tls_context(args.cafile)
    end = time.monotonic() + args.seconds
    n = 0
    while time.monotonic() < end and (not args.count or n < args.count):
        if args.stop_file and os.path.exists(args.stop_file):
            break
        n += 1
        t = time.monotonic()
        try:
            one_request(ctx, args.port, b"req %d\n" % n, args.timeout)
            print("ok %.4f" % t, flush=True)
        except (OSError, ssl.SSLError) as e:
            print("fail %.4f %s" % (t, str(e).replace("\n", " ")),
                  flush=True)
        if args.pause:
            time.sleep(args.pause)


def cmd_hold(args):
    ctx = tls_context(args.cafile)
    conns = []
    dl = time.monotonic() + args.timeout
    for i in range(args.conns):
        s = socket.create_connection(("127.0.0.1", args.port),
                                     timeout=args.timeout)
        t = ctx.wrap_socket(s, server_hostname="localhost")
        data = b"hold %d\n" % i
        t.sendall(data)
        got = b""
        while not got.endswith(b"\n"):
            chunk = t.recv(4096)
            if not chunk:
                sys.exit("hold: connection %d closed" % i)
            got += chunk
        conns.append(t)
    with open(args.ready_file + ".tmp", "w") as f:
        f.write("%d\n" % len(conns))
    os.rename(args.ready_file + ".tmp", args.ready_file)
    while not os.path.exists(args.stop_file) and time.monotonic() < dl:
        time.sleep(0.02)
    for t in conns:
        t.close()


def probe_serve(conn, answer):
    try:
        conn.settimeout(5)
        got = b""
        while b"\n" not in got:
            chunk = conn.recv(1024)
            if not chunk:
                break
            got += chunk
        conn.sendall(answer)
    except OSError:
        pass
    finally:
        conn.close()


def cmd_probe(args):
    answer = args.answer.encode().decode("unicode_escape").encode("latin-1")
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(64)
    srv.settimeout(0.5)
    if args.ready_file:
        open(args.ready_file, "w").write("%d\n" % args.port)
    end = time.monotonic() + args.timeout
    while time.monotonic() < end:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        threading.Thread(target=probe_serve, args=(conn, answer),
                         daemon=True).start()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("cmd", choices=("loop", "hold", "probe", "now"))
    p.add_argument("--port", type=int)
    p.add_argument("--cafile")
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--pause", type=float, default=0.0)
    p.add_argument("--conns", type=int, default=1)
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--ready-file")
    p.add_argument("--stop-file")
    p.add_argument("--answer", default="+PONG\\r\\n")
    p.add_argument("--timeout", type=float, default=30.0)
    args = p.parse_args()
    if args.cmd == "now":
        print("%.4f" % time.monotonic())
        return
    {"loop": cmd_loop, "hold": cmd_hold, "probe": cmd_probe}[args.cmd](args)


if __name__ == "__main__":
    main()
