#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""PROXY protocol test helper, independent of lib/proxyproto.c.

backend: a TCP server on 127.0.0.1 that parses the PROXY header each
    connection starts with (its own parser, written from HAProxy's
    proxy-protocol.txt), logs what it found as one JSON line per
    connection, then echoes the rest of the stream.
client: optionally sends a PROXY header (in one piece or byte by byte),
    then speaks TLS (SNI, ALPN, client certificate), sends data, expects
    it echoed.
raw: sends bytes and reports whether and when the server closed.
header: prints a v1 line or a v2 header (hex) built from arguments.
"""
import argparse
import ipaddress
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time

V2_SIG = b"\r\n\r\n\x00\r\nQUIT\n"
TLV_NAMES = {0x01: "alpn", 0x02: "authority", 0x03: "crc32c", 0x04: "noop",
             0x05: "unique_id", 0x20: "ssl", 0x30: "netns"}
SSL_SUB = {0x21: "version", 0x22: "cn", 0x23: "cipher", 0x24: "sig_alg",
           0x25: "key_alg", 0x26: "group", 0x27: "sig_scheme",
           0x28: "client_cert"}


class ParseError(Exception):
    pass


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ParseError("EOF after %d of %d header bytes" %
                             (len(data), n))
        data += chunk
    return data


def parse_v1(sock, first):
    line = first
    while not line.endswith(b"\r\n"):
        if len(line) >= 107:
            raise ParseError("v1 line longer than 107 bytes")
        line += recv_exact(sock, 1)
    text = line[:-2].decode("ascii")
    parts = text.split(" ")
    out = {"version": 1, "raw": text}
    if parts[0] != "PROXY":
        raise ParseError("v1 without PROXY")
    out["proto"] = parts[1]
    if parts[1] == "UNKNOWN":
        return out
    if len(parts) != 6 or parts[1] not in ("TCP4", "TCP6"):
        raise ParseError("v1 fields: %r" % text)
    fam = ipaddress.IPv4Address if parts[1] == "TCP4" else \
        ipaddress.IPv6Address
    out["src"] = str(fam(parts[2]))
    out["dst"] = str(fam(parts[3]))
    out["sport"] = int(parts[4])
    out["dport"] = int(parts[5])
    return out


def parse_tlvs(data):
    tlvs = {}
    order = []
    while data:
        if len(data) < 3:
            raise ParseError("truncated TLV header")
        t, ln = data[0], struct.unpack("!H", data[1:3])[0]
        if len(data) < 3 + ln:
            raise ParseError("TLV 0x%02x overruns" % t)
        tlvs[t] = data[3:3 + ln]
        order.append(t)
        data = data[3 + ln:]
    return tlvs, order


def parse_v2(sock, first):
    hdr = first + recv_exact(sock, 16 - len(first))
    if hdr[:12] != V2_SIG:
        raise ParseError("bad v2 signature")
    ver, cmd = hdr[12] >> 4, hdr[12] & 15
    fam = hdr[13]
    ln = struct.unpack("!H", hdr[14:16])[0]
    body = recv_exact(sock, ln)
    out = {"version": 2, "ver": ver, "command": cmd, "fam": fam,
           "len": ln}
    if fam == 0x11:
        src, dst, sp, dp = struct.unpack("!4s4sHH", body[:12])
        out.update(src=str(ipaddress.IPv4Address(src)),
                   dst=str(ipaddress.IPv4Address(dst)), sport=sp, dport=dp)
        rest = body[12:]
    elif fam == 0x21:
        src, dst, sp, dp = struct.unpack("!16s16sHH", body[:36])
        out.update(src=str(ipaddress.IPv6Address(src)),
                   dst=str(ipaddress.IPv6Address(dst)), sport=sp, dport=dp)
        rest = body[36:]
    else:
        rest = body
    tlvs, order = parse_tlvs(rest)
    out["tlv_order"] = [TLV_NAMES.get(t, "0x%02x" % t) for t in order]
    for t, v in tlvs.items():
        name = TLV_NAMES.get(t, "0x%02x" % t)
        if t == 0x20:
            if len(v) < 5:
                raise ParseError("short SSL TLV")
            client, verify = v[0], struct.unpack("!I", v[1:5])[0]
            subs, sub_order = parse_tlvs(v[5:])
            ssl_out = {"client": client, "verify": verify,
                       "order": [SSL_SUB.get(s, "0x%02x" % s)
                                 for s in sub_order]}
            for s, sv in subs.items():
                ssl_out[SSL_SUB.get(s, "0x%02x" % s)] = sv.decode("utf-8")
            out["ssl"] = ssl_out
        else:
            out[name] = v.decode("utf-8", "replace")
    return out


def parse_header(sock):
    first = recv_exact(sock, 1)
    if first == b"P":
        return parse_v1(sock, first)
    if first == b"\r":
        return parse_v2(sock, first)
    raise ParseError("no PROXY header (first byte 0x%02x)" % first[0])


def serve_one(conn, log, lock):
    try:
        conn.settimeout(30)
        try:
            info = parse_header(conn)
            # The first byte after the header (a ClientHello's 0x16 when
            # the connection was passed through), left in the socket.
            conn.settimeout(5)
            try:
                info["next"] = conn.recv(1, socket.MSG_PEEK).hex()
            except socket.timeout:
                info["next"] = "none"
            conn.settimeout(30)
        except (ParseError, ValueError, UnicodeDecodeError) as e:
            info = {"error": str(e)}
        with lock:
            with open(log, "a") as f:
                f.write(json.dumps(info, sort_keys=True) + "\n")
        if "error" in info:
            return
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)
    except OSError:
        pass
    finally:
        conn.close()


def cmd_backend(args):
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(64)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % lsock.getsockname()[1])
    os.rename(tmp, args.port_file)
    lock = threading.Lock()
    deadline = time.time() + args.lifetime
    lsock.settimeout(1)
    while time.time() < deadline:
        try:
            conn, _ = lsock.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve_one, args=(conn, args.log, lock),
                         daemon=True).start()
    return 0


def build_header(args):
    if args.v1 is not None:
        return args.v1.encode("ascii").replace(b"\\r\\n", b"\r\n")
    if args.hex is not None:
        return bytes.fromhex(args.hex)
    return b""


def send_header(sock, header, bytewise):
    if not bytewise:
        sock.sendall(header)
        return
    for i in range(len(header)):
        sock.sendall(header[i:i + 1])
        time.sleep(bytewise)


def connect(args):
    src = (args.source, 0) if args.source else None
    sock = socket.create_connection(("127.0.0.1", args.port),
                                    timeout=args.timeout,
                                    source_address=src)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class BioTLS:
    """TLS over a memory BIO, so that the PROXY header and the ClientHello
    leave in one send() (one TCP segment on loopback)."""

    def __init__(self, sock, ctx, sni, prefix):
        self.sock = sock
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.obj = ctx.wrap_bio(self.inc, self.out, server_hostname=sni)
        self.prefix = prefix
        self._op(self.obj.do_handshake)

    def _flush(self):
        data = self.out.read()
        if data or self.prefix:
            self.sock.sendall(self.prefix + data)
            self.prefix = b""

    def _op(self, fn, *a):
        while True:
            try:
                r = fn(*a)
                self._flush()
                return r
            except ssl.SSLWantReadError:
                self._flush()
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise OSError("EOF during TLS")
                self.inc.write(chunk)

    def version(self):
        return self.obj.version()

    def cipher(self):
        return self.obj.cipher()

    def selected_alpn_protocol(self):
        return self.obj.selected_alpn_protocol()

    def sendall(self, data):
        self._op(self.obj.write, data)

    def recv(self, n):
        try:
            return self._op(self.obj.read, n)
        except ssl.SSLZeroReturnError:
            return b""

    def unwrap(self):
        self._op(self.obj.unwrap)

    def close(self):
        self.sock.close()


def cmd_client(args):
    """One connection; with --resume, a second one resuming its session."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if args.tls13:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    if args.alpn:
        ctx.set_alpn_protocols(args.alpn.split(","))
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    rc, session = client_once(args, ctx, None)
    if rc != 0 or not args.resume:
        return rc
    rc, _ = client_once(args, ctx, session)
    return rc


def client_once(args, ctx, session):
    header = build_header(args)
    sock = connect(args)
    if not args.coalesce:
        send_header(sock, header, args.bytewise)
    try:
        if args.coalesce:
            tls = BioTLS(sock, ctx, args.sni or None, header)
        else:
            tls = ctx.wrap_socket(sock, server_hostname=args.sni or None,
                                  session=session)
        data = args.data.encode().replace(b"\\r\\n", b"\r\n")
        tls.sendall(data)
        got = b""
        want = args.expect.encode() if args.expect else None
        while (len(got) < len(data) if want is None else want not in got):
            chunk = tls.recv(65536)
            if not chunk:
                break
            got += chunk
    except (OSError, ssl.SSLError) as e:
        print("fail: %s" % e)
        return 1, None
    print("version=%s cipher=%s alpn=%s reused=%s" % (
        tls.version(), tls.cipher()[0], tls.selected_alpn_protocol(),
        getattr(tls, "session_reused", False)))
    if want is not None:
        if want not in got:
            print("fail: %r lacks %r" % (got, want))
            return 1, None
        print("expect ok")
        tls.close()
        return 0, None
    if got != data:
        print("fail: echo %r" % got)
        return 1, None
    print("echo ok")
    sys.stdout.flush()
    time.sleep(args.hold)
    session = getattr(tls, "session", None)
    try:
        tls.unwrap()    # close_notify, then the server's
    except (OSError, ssl.SSLError) as e:
        print("fail: close_notify exchange: %s" % e)
        return 1, None
    tls.close()
    return 0, session


def cmd_raw(args):
    """Send bytes, then wait for the server to close (or not)."""
    header = build_header(args)
    sock = connect(args)
    t0 = time.time()
    try:
        send_header(sock, header, args.bytewise)
        if args.shut:
            sock.shutdown(socket.SHUT_WR)
        sock.settimeout(args.wait)
        data = sock.recv(4096)
        print("closed after %.1f s (%d bytes)" % (time.time() - t0,
                                                  len(data)))
    except socket.timeout:
        print("open after %.1f s" % (time.time() - t0))
    except OSError as e:
        print("closed after %.1f s (%s)" % (time.time() - t0, e))
    return 0


def cmd_header(args):
    src = ipaddress.ip_address(args.src)
    dst = ipaddress.ip_address(args.dst)
    if args.version == 1:
        proto = "TCP4" if src.version == 4 else "TCP6"
        sys.stdout.write("PROXY %s %s %s %d %d\\r\\n" % (
            proto, src, dst, args.sport, args.dport))
        return 0
    fam = 0x11 if src.version == 4 else 0x21
    body = src.packed + dst.packed + struct.pack("!HH", args.sport,
                                                 args.dport)
    cmd = 0x20 if args.local else 0x21
    sys.stdout.write((V2_SIG + bytes([cmd, fam]) +
                      struct.pack("!H", len(body)) + body).hex())
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("backend")
    s.add_argument("--port-file", required=True)
    s.add_argument("--log", required=True)
    s.add_argument("--lifetime", type=float, default=300)
    for name in ("client", "raw"):
        s = sub.add_parser(name)
        s.add_argument("--port", type=int, required=True)
        s.add_argument("--v1", help="a v1 line, \\r\\n written as such")
        s.add_argument("--hex", help="header bytes in hex")
        s.add_argument("--bytewise", type=float, default=0,
                       help="send the header byte by byte, this many "
                       "seconds apart")
        s.add_argument("--timeout", type=float, default=20)
        s.add_argument("--source", help="local address to connect from")
    s = sub.choices["client"]
    s.add_argument("--sni")
    s.add_argument("--alpn")
    s.add_argument("--cert")
    s.add_argument("--key")
    s.add_argument("--tls13", action="store_true")
    s.add_argument("--coalesce", action="store_true",
                   help="the header and the ClientHello in one send()")
    s.add_argument("--resume", action="store_true",
                   help="connect again, resuming the first session")
    s.add_argument("--hold", type=float, default=0,
                   help="seconds to keep the connection after the echo")
    s.add_argument("--data", default="hello through the proxy\n",
                   help="what to send, \\r\\n written as such")
    s.add_argument("--expect", help="a substring the reply must hold "
                   "(instead of an echo)")
    s = sub.choices["raw"]
    s.add_argument("--wait", type=float, default=5)
    s.add_argument("--shut", action="store_true",
                   help="send a FIN after the bytes")
    s = sub.add_parser("header")
    s.add_argument("--version", type=int, choices=(1, 2), required=True)
    s.add_argument("--src", required=True)
    s.add_argument("--dst", required=True)
    s.add_argument("--sport", type=int, required=True)
    s.add_argument("--dport", type=int, required=True)
    s.add_argument("--local", action="store_true")
    args = p.parse_args()
    return {"backend": cmd_backend, "client": cmd_client, "raw": cmd_raw,
            "header": cmd_header}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
