#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""Connection loop for the in-place renewal test (t78), python3 stdlib only.

Opens one connection that stays open for the whole run, then makes one new
connection after another (verified against --cafile, a line echoed by the
backend each time) until --seconds have passed or --max connections were
made. Each connection prints one line on stdout:

    <monotonic seconds> ok <serial hex>     or     <seconds> FAIL <why>

The held connection is used again at the end and prints "held ok <serial>"
or "held FAIL <why>". The test writes the moment it renewed the
certificate with the same clock (time.monotonic: CLOCK_MONOTONIC).
"""

import argparse
import socket
import ssl
import sys
import time


def serial_of(tls):
    der = tls.getpeercert(binary_form=True)
    # The serial is the first INTEGER of tbsCertificate: parse just that.
    # SEQUENCE { SEQUENCE(tbs) { [0] version, INTEGER serial, ...
    def skip_header(buf, pos):
        length = buf[pos + 1]
        pos += 2
        if length & 0x80:
            n = length & 0x7F
            length = int.from_bytes(buf[pos:pos + n], "big")
            pos += n
        return pos, length
    pos, _ = skip_header(der, 0)          # Certificate
    pos, _ = skip_header(der, pos)        # tbsCertificate
    if der[pos] == 0xA0:                  # [0] version
        inner, length = skip_header(der, pos)
        pos = inner + length
    pos, length = skip_header(der, pos)   # serialNumber
    return der[pos:pos + length].hex().lstrip("0") or "0"


def connect(args, ctx):
    raw = socket.create_connection(("127.0.0.1", args.port),
                                   timeout=args.timeout)
    tls = ctx.wrap_socket(raw, server_hostname="localhost")
    return tls


def echo(tls, text):
    tls.sendall(text.encode() + b"\n")
    got = b""
    while not got.endswith(b"\n"):
        chunk = tls.recv(4096)
        if not chunk:
            raise OSError("connection closed before the echo")
        got += chunk
    if got.decode().strip() != text:
        raise OSError("echo mismatch: %r" % got)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cafile", required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--max", type=int, default=20000)
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()

    ctx = ssl.create_default_context(cafile=args.cafile)
    held = connect(args, ctx)
    echo(held, "held-start")
    held_serial = serial_of(held)
    print("%.6f start %s" % (time.monotonic(), held_serial), flush=True)

    end = time.monotonic() + args.seconds
    n = 0
    while time.monotonic() < end and n < args.max:
        n += 1
        t = time.monotonic()
        try:
            tls = connect(args, ctx)
            echo(tls, "c%d" % n)
            print("%.6f ok %s" % (t, serial_of(tls)), flush=True)
            tls.close()
        except (OSError, ssl.SSLError) as e:
            print("%.6f FAIL %s" % (t, e), flush=True)
        time.sleep(0.005)
    try:
        echo(held, "held-end")
        print("held ok %s" % serial_of(held), flush=True)
    except (OSError, ssl.SSLError) as e:
        print("held FAIL %s" % e, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
