#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""One TLS connection to tlsfront, reporting what the wire showed.

Used by the t3x integration tests (SSLContext attributes). Connects with
Python's ssl, optionally pinned to a version, offering ALPN protocols, a
client certificate, a cipher list or one group; counts the handshake
messages it received (CertificateRequest, NewSessionTicket) and reads the
groups of the ClientHello it sent, both through the context's message
callback; then sends a line and expects the echo back.

Prints "key=value" lines: handshake (ok / fail:REASON), version, cipher,
alpn (or none), peer_sha256 (the server certificate's SHA-256
fingerprint), certreq, tickets, read (echo / alert:REASON / eof /
error:REASON), offered_groups (the ClientHello's supported_groups, in
order, OpenSSL's names), key_shares (its TLS 1.3 key shares), and a
"note=..." line for each release difference of CPython's it worked around.
Always exits 0 once it could run; the test decides. --server-hostname
sets the SNI name (default localhost; "none" sends none).

--curve NAME restricts the client to that one group, as current CPython's
set_ecdh_curve does (SSL_CTX_set1_groups). A Python that still refuses the
group (tests/helpers/pyref.py, difference "ecdh-curve-ec-only": X25519, X448
and the ffdhe groups before 3.11.4) is restricted through OpenSSL instead:
ctxprobe runs itself again with OPENSSL_CONF naming a generated
configuration whose [system_default] section has "Groups = NAME", so every
SSL_CTX_new of that process, the client's included, starts with that one
group (the configuration has nothing else: the machine's own is not read).
offered_groups shows what the client really offered either way.
"""

import argparse
import hashlib
import os
import socket
import ssl
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pyref  # noqa: E402

CERTIFICATE_REQUEST = 13
NEW_SESSION_TICKET = 4
CLIENT_HELLO = 1
EXT_SUPPORTED_GROUPS = 10
EXT_KEY_SHARE = 51
# IANA TLS NamedGroup codes, by the names set_ecdh_curve and OpenSSL take.
GROUP_NAMES = {
    0x0017: "prime256v1", 0x0018: "secp384r1", 0x0019: "secp521r1",
    0x001d: "X25519", 0x001e: "X448",
    0x0100: "ffdhe2048", 0x0101: "ffdhe3072", 0x0102: "ffdhe4096",
    0x0103: "ffdhe6144", 0x0104: "ffdhe8192",
}
# Set in the environment of the second run (see above): the group that
# OPENSSL_CONF restricts the client to.
GROUPS_ENV = "TF_CTXPROBE_CONF_GROUPS"


def group_name(code):
    return GROUP_NAMES.get(code, "0x%04x" % code)


def client_hello_groups(msg):
    """(supported_groups, key_share groups) of a ClientHello handshake
    message (4-byte header first); None for an extension not present."""
    try:
        p = 4 + 2 + 32                      # header, version, random
        p += 1 + msg[p]                     # session id
        p += 2 + int.from_bytes(msg[p:p + 2], "big")    # cipher suites
        p += 1 + msg[p]                     # compression methods
        end = p + 2 + int.from_bytes(msg[p:p + 2], "big")
        p += 2
        groups = shares = None
        while p + 4 <= end:
            typ = int.from_bytes(msg[p:p + 2], "big")
            n = int.from_bytes(msg[p + 2:p + 4], "big")
            body = msg[p + 4:p + 4 + n]
            p += 4 + n
            if typ == EXT_SUPPORTED_GROUPS:
                groups = [int.from_bytes(body[i:i + 2], "big")
                          for i in range(2, 2 + int.from_bytes(body[:2],
                                                               "big"), 2)]
            elif typ == EXT_KEY_SHARE:
                shares, i = [], 2
                while i + 4 <= len(body):
                    shares.append(int.from_bytes(body[i:i + 2], "big"))
                    i += 4 + int.from_bytes(body[i + 2:i + 4], "big")
        return groups, shares
    except IndexError:
        return None, None


def names(codes):
    if codes is None:
        return "none"
    return ",".join(group_name(c) for c in codes) or "empty"


def set_curve(ctx, name):
    """ctx.set_ecdh_curve(name) as current CPython does it. Returns None,
    or where this Python refuses a group that current CPython takes (the
    "ecdh-curve-ec-only" difference), the note for a second run restricted
    through OPENSSL_CONF."""
    d = pyref.difference("ecdh-curve-ec-only")
    try:
        ctx.set_ecdh_curve(name)
    except ssl.SSLError as e:
        if (not d.applies() or "UNKNOWN_GROUP" not in str(e) or
                not pyref.openssl_takes_group(name)):
            raise
        return d.note("set_ecdh_curve(%r) refused by this Python (%s); "
                      "the client is restricted to %s through OPENSSL_CONF "
                      "([system_default] Groups = %s), as current CPython's "
                      "SSL_CTX_set1_groups would" % (name, e.reason, name,
                                                      name))
    return None


def rerun_with_groups(name, note):
    """Run this probe again with OpenSSL's configuration giving every new
    SSL_CTX only the group NAME; print the note, then what it printed."""
    with tempfile.TemporaryDirectory(prefix="ctxprobe.") as d:
        conf = os.path.join(d, "openssl.cnf")
        with open(conf, "w") as f:
            f.write("# ctxprobe.py: a client offering only %s\n"
                    "openssl_conf = ctxprobe_init\n"
                    "[ctxprobe_init]\n"
                    "ssl_conf = ctxprobe_ssl\n"
                    "[ctxprobe_ssl]\n"
                    "system_default = ctxprobe_system_default\n"
                    "[ctxprobe_system_default]\n"
                    "Groups = %s\n" % (name, name))
        env = dict(os.environ, OPENSSL_CONF=conf)
        env[GROUPS_ENV] = name
        out = subprocess.run([sys.executable, os.path.abspath(__file__)] +
                             sys.argv[1:], env=env, stdout=subprocess.PIPE,
                             text=True)
    print("note=%s" % note)
    sys.stdout.write(out.stdout)
    return out.returncode


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
    p.add_argument("--server-hostname", default="localhost",
                   help="the SNI name to send; \"none\": send none")
    p.add_argument("--timeout", type=float, default=10.0)
    a = p.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # The client of current CPython whichever Python this is: no EOF taken
    # for close_notify (pyref.py, difference "ignore-unexpected-eof").
    ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
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
        if os.environ.get(GROUPS_ENV):
            if os.environ[GROUPS_ENV] != a.curve:
                raise SystemExit("ctxprobe: %s=%s, but --curve %s"
                                 % (GROUPS_ENV, os.environ[GROUPS_ENV],
                                    a.curve))
        else:
            note = set_curve(ctx, a.curve)
            if note:
                return rerun_with_groups(a.curve, note)
    if a.keylog:
        ctx.keylog_filename = a.keylog
    seen = {"certreq": 0, "tickets": 0, "hello": None}

    def msg_cb(conn, direction, version, content_type, msg_type, data):
        if content_type != ssl._TLSContentType.HANDSHAKE:
            return
        if direction == "write":
            if msg_type == CLIENT_HELLO and seen["hello"] is None:
                seen["hello"] = client_hello_groups(data)
            return
        if msg_type == CERTIFICATE_REQUEST:
            seen["certreq"] += 1
        elif msg_type == NEW_SESSION_TICKET:
            seen["tickets"] += 1

    def print_hello():
        groups, shares = seen["hello"] or (None, None)
        print("offered_groups=%s" % names(groups))
        print("key_shares=%s" % names(shares))

    ctx._msg_callback = msg_cb
    raw = socket.create_connection(("127.0.0.1", a.port), timeout=a.timeout)
    try:
        s = ctx.wrap_socket(raw, server_hostname=(
            None if a.server_hostname == "none" else a.server_hostname))
    except (ssl.SSLError, OSError) as e:
        reason = getattr(e, "reason", None) or str(e)
        print("handshake=fail:%s" % reason)
        print("certreq=%d" % seen["certreq"])
        print_hello()
        return 0
    print("handshake=ok")
    print("version=%s" % s.version())
    print("cipher=%s" % s.cipher()[0])
    print("alpn=%s" % (s.selected_alpn_protocol() or "none"))
    print("peer_sha256=%s" % hashlib.sha256(
        s.getpeercert(binary_form=True)).hexdigest())
    print_hello()
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
