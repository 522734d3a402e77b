#!/usr/bin/env python3
"""One TLS connection to tlsfront, reporting what the wire showed.

Used by the t3x integration tests (SSLContext attributes). Connects with
Python's ssl, optionally pinned to a version, offering ALPN protocols, a
client certificate, a cipher list or one group; counts the handshake
messages it received (CertificateRequest, NewSessionTicket) through the
context's message callback; then sends a line and expects the echo back.

Prints "key=value" lines: handshake (ok / fail:REASON), version, cipher,
alpn (or none), certreq, tickets, read (echo / alert:REASON / eof /
error:REASON). Always exits 0 once it could run; the test decides.
"""

import argparse
import socket
import ssl
import sys

CERTIFICATE_REQUEST = 13
NEW_SESSION_TICKET = 4


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tls-version", choices=("1.2", "1.3"))
    p.add_argument("--alpn", help="comma-separated protocols to offer")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--ciphers")
    p.add_argument("--curve", help="the only group offered")
    p.add_argument("--keylog", help="client-side key log file")
    p.add_argument("--read-first", action="store_true",
                   help="read before sending (to see a server's alert "
                   "that a send would turn into a reset)")
    p.add_argument("--timeout", type=float, default=10.0)
    a = p.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if a.tls_version:
        v = (ssl.TLSVersion.TLSv1_2 if a.tls_version == "1.2"
             else ssl.TLSVersion.TLSv1_3)
        ctx.minimum_version = ctx.maximum_version = v
    if a.alpn:
        ctx.set_alpn_protocols(a.alpn.split(","))
    if a.cert:
        ctx.load_cert_chain(a.cert, a.key)
    if a.ciphers:
        ctx.set_ciphers(a.ciphers)
    if a.curve:
        ctx.set_ecdh_curve(a.curve)
    if a.keylog:
        ctx.keylog_filename = a.keylog
    seen = {"certreq": 0, "tickets": 0}

    def msg_cb(conn, direction, version, content_type, msg_type, data):
        if direction != "read" or content_type != ssl._TLSContentType.HANDSHAKE:
            return
        if msg_type == CERTIFICATE_REQUEST:
            seen["certreq"] += 1
        elif msg_type == NEW_SESSION_TICKET:
            seen["tickets"] += 1

    ctx._msg_callback = msg_cb
    raw = socket.create_connection(("127.0.0.1", a.port), timeout=a.timeout)
    try:
        s = ctx.wrap_socket(raw, server_hostname="localhost")
    except (ssl.SSLError, OSError) as e:
        reason = getattr(e, "reason", None) or str(e)
        print("handshake=fail:%s" % reason)
        print("certreq=%d" % seen["certreq"])
        return 0
    print("handshake=ok")
    print("version=%s" % s.version())
    print("cipher=%s" % s.cipher()[0])
    print("alpn=%s" % (s.selected_alpn_protocol() or "none"))
    try:
        if a.read_first:
            s.settimeout(min(a.timeout, 2.0))
            try:
                if not s.recv(100):
                    print("read=eof")
                    raise SystemExit(0)
            except socket.timeout:
                pass
            s.settimeout(a.timeout)
        s.sendall(b"ping\n")
        got = b""
        while not got.endswith(b"\n"):
            chunk = s.recv(100)
            if not chunk:
                break
            got += chunk
        print("read=%s" % ("echo" if got == b"ping\n" else "eof"))
    except ssl.SSLError as e:
        print("read=alert:%s" % (e.reason or str(e)))
    except OSError as e:
        print("read=error:%s" % e)
    print("certreq=%d" % seen["certreq"])
    print("tickets=%d" % seen["tickets"])
    try:
        s.close()
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
