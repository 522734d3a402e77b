#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""Keeps requests going through tlsfrontd until a stop file appears.

Each request is a new TLS connection: handshake (verified against --cafile),
send a line, read the echo back, close_notify, close. Prints a summary line
"requests=N ok=N failed=N certs=SERIAL,SERIAL" and the first few failures;
exits 1 if any request failed or none succeeded. Bounded by --max-seconds.
"""
import argparse
import os
import socket
import ssl
import sys
import threading
import time


def one_request(ctx, host, port, payload, timeout):
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(payload)
            got = b""
            while len(got) < len(payload):
                chunk = tls.recv(len(payload) - len(got))
                if not chunk:
                    raise ConnectionError("closed after %d bytes" % len(got))
                got += chunk
            if got != payload:
                raise ValueError("echo differs")
            der = tls.getpeercert(binary_form=True)
            return der


def worker(args, ctx, stats, lock, deadline, index):
    n = 0
    while time.monotonic() < deadline and not os.path.exists(args.stop_file):
        payload = b"request %d/%d\n" % (index, n)
        n += 1
        try:
            der = one_request(ctx, args.host, args.port, payload, args.timeout)
            with lock:
                stats["ok"] += 1
                stats["certs"].add(der)
        except Exception as exc:  # every failure counts
            with lock:
                stats["failed"] += 1
                if len(stats["errors"]) < 10:
                    stats["errors"].append("%s: %r" % (time.strftime("%T"), exc))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cafile", required=True)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--stop-file", required=True)
    p.add_argument("--max-seconds", type=float, default=120)
    p.add_argument("--timeout", type=float, default=10)
    args = p.parse_args()

    ctx = ssl.create_default_context(cafile=args.cafile)
    stats = {"ok": 0, "failed": 0, "certs": set(), "errors": []}
    lock = threading.Lock()
    deadline = time.monotonic() + args.max_seconds
    threads = [threading.Thread(target=worker,
                                args=(args, ctx, stats, lock, deadline, i))
               for i in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    serials = sorted("%x" % hash(c) for c in stats["certs"])
    print("requests=%d ok=%d failed=%d certs=%d" % (
        stats["ok"] + stats["failed"], stats["ok"], stats["failed"],
        len(serials)))
    for e in stats["errors"]:
        print("  failure:", e)
    sys.exit(0 if stats["failed"] == 0 and stats["ok"] > 0 else 1)


if __name__ == "__main__":
    main()
