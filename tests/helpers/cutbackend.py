#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""A backend for the truncation test: on each connection it reads the
client's first line (so the proxy has connected and relays), sends --bytes
bytes, then ends as --end says: "fin" (a clean close), "rst" (SO_LINGER 0,
a reset) or "silent" (keeps the connection open, sending nothing more).
Writes its port to --portfile; serves until killed."""
import argparse
import socket
import struct
import threading


def serve(conn, nbytes, end):
    line = b""
    while not line.endswith(b"\n"):
        d = conn.recv(100)
        if not d:
            conn.close()
            return
        line += d
    conn.sendall(b"x" * nbytes)
    if end == "rst":
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
        conn.close()
    elif end == "fin":
        conn.shutdown(socket.SHUT_WR)
        conn.recv(1)
        conn.close()
    else:
        conn.recv(1)
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bytes", type=int, required=True)
    ap.add_argument("--end", choices=["fin", "rst", "silent"], required=True)
    ap.add_argument("--portfile", required=True)
    a = ap.parse_args()
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    with open(a.portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    import os
    os.rename(a.portfile + ".tmp", a.portfile)
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=serve, args=(conn, a.bytes, a.end),
                         daemon=True).start()


if __name__ == "__main__":
    main()
