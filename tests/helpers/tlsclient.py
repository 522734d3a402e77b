#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""TLS test client for the tlsfront integration tests (python3 stdlib only).

Every connection is an ssl.SSLObject over two MemoryBIOs and a plain
non-blocking socket, driven by one selector loop, so the client decides exactly
when close_notify is sent (SSL_shutdown once, never the discarding second
call) and sees exactly how the peer ended: close_notify, TCP EOF without it, or
a reset. Every wait is bounded by --timeout.

Subcommands print results on stdout, diagnostics prefixed "tlsclient:" on
stderr, and exit 0 on success, 1 on a failed assertion, 2 on usage errors.
"""

import argparse
import codecs
import errno
import hashlib
import os
import selectors
import socket
import ssl
import sys
import time

HIGH_WATER = 1 << 20          # TLS bytes queued for the socket before we stop
READ_SIZE = 256 * 1024
WRITE_CHUNK = 64 * 1024


class Failure(Exception):
    """An assertion about the proxy's behaviour did not hold."""


def log(msg):
    print("tlsclient: " + msg, file=sys.stderr, flush=True)


def now():
    return time.monotonic()


class TLSConn:
    """One client connection: TCP connect, TLS handshake, app data both ways.

    peer_end records how the server's direction ended:
      None, "close_notify", "eof" (TCP FIN without close_notify),
      "reset" (ECONNRESET/EPIPE) or "tls-error".
    """

    def __init__(self, idx, args, ctx):
        self.idx = idx
        self.error = None
        self.start = now()
        self.hs_done_at = None
        self.peer_end = None
        self.peer_end_at = None
        self.tcp_eof = False
        self.tcp_reset = False
        self.connected = False
        self.handshake_done = False
        self.version = None
        self.cipher = None
        self.wbuf = bytearray()
        self.tx = []                  # memoryviews not yet given to SSL
        self.tx_queued = 0
        self.tx_count = 0             # plaintext bytes given to SSL
        self.tx_hash = hashlib.sha256()
        self.rx_count = 0
        self.rx_hash = hashlib.sha256()
        self.rx_keep = bytearray()
        self.rx_keep_limit = 1 << 16
        self.close_notify_wanted = False
        self.close_notify_sent = False
        self.close_notify_sent_at = None
        self.rx_count_at_peer_end = None
        self.script = None            # callable(conn), run after progress
        self.closed = False
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()
        self.obj = ctx.wrap_bio(self.incoming, self.outgoing,
                                server_side=False,
                                server_hostname=args.servername)
        fam = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        if args.source:
            self.sock.bind((args.source, 0))
        rc = self.sock.connect_ex((args.host, args.port))
        if rc == 0:
            self.connected = True
        elif rc not in (errno.EINPROGRESS, errno.EAGAIN):
            self.fail("connect to %s:%d: %s"
                      % (args.host, args.port, os.strerror(rc)))

    def name(self):
        return "conn %d" % self.idx

    def fail(self, msg):
        if self.error is None:
            self.error = msg

    # --- application interface -------------------------------------------
    def queue(self, data):
        if data:
            mv = memoryview(data)
            self.tx.append(mv)
            self.tx_queued += len(mv)
            self.tx_hash.update(mv)

    def request_close_notify(self):
        self.close_notify_wanted = True

    def rx_data(self):
        return bytes(self.rx_keep)

    # --- selector interface -----------------------------------------------
    def interest(self):
        if self.closed or self.error is not None:
            return 0
        ev = 0
        if not self.tcp_eof and not self.tcp_reset:
            ev |= selectors.EVENT_READ
        if not self.connected or self.wbuf:
            ev |= selectors.EVENT_WRITE
        return ev

    def on_writable(self):
        if not self.connected:
            err = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err != 0:
                self.fail("connect: %s" % os.strerror(err))
                return
            self.connected = True
        self._send()

    def on_readable(self):
        try:
            data = self.sock.recv(READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except ConnectionResetError:
            self.tcp_reset = True
            return
        except OSError as e:
            self.fail("recv: %s" % e)
            return
        if data:
            self.incoming.write(data)
        else:
            self.tcp_eof = True
            self.incoming.write_eof()

    def _send(self):
        while self.wbuf and not self.tcp_reset:
            try:
                n = self.sock.send(self.wbuf)
            except (BlockingIOError, InterruptedError):
                return
            except (BrokenPipeError, ConnectionResetError):
                self.tcp_reset = True
                return
            except OSError as e:
                self.fail("send: %s" % e)
                return
            del self.wbuf[:n]

    def _collect(self):
        data = self.outgoing.read()
        if data:
            self.wbuf += data

    def _set_peer_end(self, how):
        if self.peer_end is None:
            self.peer_end = how
            self.peer_end_at = now()
            self.rx_count_at_peer_end = self.rx_count

    def _read_app(self):
        while self.peer_end is None:
            try:
                d = self.obj.read(READ_SIZE)
            except ssl.SSLWantReadError:
                break
            except ssl.SSLZeroReturnError:
                self._set_peer_end("close_notify")
                break
            except ssl.SSLEOFError:
                self._set_peer_end("eof")
                break
            except ssl.SSLError as e:
                if e.reason == "UNEXPECTED_EOF_WHILE_READING":
                    # The same EOF where CPython before 3.10.11/3.11.3
                    # raises a plain SSLError for it (python/cpython#95494).
                    self._set_peer_end("eof")
                    break
                self._set_peer_end("tls-error")
                self.fail("TLS error while reading: %s" % e)
                break
            if not d:
                # _ssl returns b"" for a close_notify (SSL_ERROR_ZERO_RETURN).
                self._set_peer_end("close_notify")
                break
            self.rx_count += len(d)
            self.rx_hash.update(d)
            room = self.rx_keep_limit - len(self.rx_keep)
            if room > 0:
                self.rx_keep += d[:room]
        if self.peer_end is None:
            if self.tcp_reset:
                self._set_peer_end("reset")
            elif self.tcp_eof:
                self._set_peer_end("eof")

    def _write_app(self):
        if self.tcp_reset:
            return
        while self.tx and len(self.wbuf) < HIGH_WATER:
            mv = self.tx[0]
            chunk = mv[:WRITE_CHUNK]
            try:
                n = self.obj.write(chunk)
            except ssl.SSLError as e:
                self.fail("TLS error while writing: %s" % e)
                return
            self.tx_count += n
            if n >= len(mv):
                self.tx.pop(0)
            else:
                self.tx[0] = mv[n:]
            self._collect()
        if (not self.tx and self.close_notify_wanted
                and not self.close_notify_sent):
            # Read everything already buffered first: the second
            # SSL_shutdown() inside unwrap() discards application records
            # it finds, so it must find none.
            self._read_app()
            try:
                self.obj.unwrap()
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLError as e:
                self.fail("sending close_notify: %s" % e)
            self.close_notify_sent = True
            self.close_notify_sent_at = now()
            self._collect()

    def progress(self):
        if self.error is not None or not self.connected or self.closed:
            return
        if not self.handshake_done:
            try:
                self.obj.do_handshake()
                self.handshake_done = True
                self.hs_done_at = now()
                self.version = self.obj.version()
                c = self.obj.cipher()
                self.cipher = c[0] if c else None
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLError as e:
                self.fail("TLS handshake failed: %s" % e)
            if not self.handshake_done and (self.tcp_eof or self.tcp_reset):
                self._set_peer_end("reset" if self.tcp_reset else "eof")
                self.fail("connection closed during the TLS handshake (%s)"
                          % self.peer_end)
        if self.handshake_done:
            self._read_app()
            self._write_app()
        self._collect()
        self._send()
        if self.script is not None and self.error is None:
            self.script(self)

    def close(self):
        if not self.closed:
            self.closed = True
            try:
                self.sock.close()
            except OSError:
                pass

    def describe(self):
        return ("%s: sent=%d rx=%d peer_end=%s proto=%s%s"
                % (self.name(), self.tx_count, self.rx_count, self.peer_end,
                   self.version, (" error=" + self.error) if self.error
                   else ""))


def run(conns, done, deadline):
    """Drives conns until done(c) holds or c failed for each, or deadline.

    Returns the list of conns that neither finished nor failed.
    """
    sel = selectors.DefaultSelector()
    registered = {}
    try:
        while True:
            pending = []
            for c in conns:
                c.progress()
                c.progress()   # a script may have queued data or a close
                if c.error is None and not done(c):
                    pending.append(c)
            if not pending:
                return []
            t = now()
            if t >= deadline:
                return pending
            for c in conns:
                ev = c.interest() if c in pending else 0
                old = registered.get(c, 0)
                if ev == old:
                    continue
                if old and ev:
                    sel.modify(c.sock, ev, c)
                elif ev:
                    sel.register(c.sock, ev, c)
                else:
                    sel.unregister(c.sock)
                registered[c] = ev
            if not any(registered.get(c, 0) for c in pending):
                # Nothing can happen on any socket: only time can help
                # (a script waiting for a pause to end).
                time.sleep(min(0.05, max(0.0, deadline - t)))
                continue
            for key, mask in sel.select(min(0.1, deadline - t)):
                c = key.data
                if mask & selectors.EVENT_WRITE:
                    c.on_writable()
                if mask & selectors.EVENT_READ:
                    c.on_readable()
    finally:
        sel.close()


def make_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # peer_end must tell close_notify from a bare TCP FIN with any python3:
    # some set OP_IGNORE_UNEXPECTED_EOF by default (tests/helpers/pyref.py,
    # difference "ignore-unexpected-eof"), which reports the FIN as
    # close_notify.
    ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
    if args.cafile:
        ctx.load_verify_locations(args.cafile)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if args.tls_version:
        v = {"1.2": ssl.TLSVersion.TLSv1_2,
             "1.3": ssl.TLSVersion.TLSv1_3}[args.tls_version]
        ctx.minimum_version = v
        ctx.maximum_version = v
    return ctx


def deadline_of(args):
    return now() + args.timeout


def decode_data(s):
    return codecs.decode(s, "unicode_escape").encode("latin-1")


def report_stuck(stuck, what):
    for c in stuck:
        log("timeout (%s): %s" % (what, c.describe()))
    if stuck:
        raise Failure("%d connection(s) did not finish %s within the timeout"
                      % (len(stuck), what))


def check_errors(conns):
    bad = [c for c in conns if c.error is not None]
    for c in bad:
        log(c.describe())
    if bad:
        raise Failure("%d connection(s) failed: %s"
                      % (len(bad), bad[0].error))


def shutdown_both(conns, deadline):
    """Sends close_notify on each conn and waits for the peer's."""
    for c in conns:
        c.request_close_notify()
    stuck = run(conns, lambda c: c.close_notify_sent and not c.wbuf
                and c.peer_end is not None, deadline)
    report_stuck(stuck, "the TLS shutdown")
    check_errors(conns)
    for c in conns:
        if c.peer_end != "close_notify":
            raise Failure("%s: server ended with %s instead of close_notify"
                          % (c.name(), c.peer_end))


# --- subcommands -----------------------------------------------------------

def cmd_request(args):
    """Sends DATA; --expect-echo: reads it back, then a clean TLS shutdown;
    otherwise: reads until the server closes (expects close_notify)."""
    data = decode_data(args.data) if args.data is not None else \
        sys.stdin.buffer.read()
    ctx = make_context(args)
    dl = deadline_of(args)
    c = TLSConn(0, args, ctx)
    c.queue(data)
    if args.expect_echo:
        stuck = run([c], lambda c: c.rx_count >= len(data)
                    or c.peer_end is not None, dl)
        report_stuck(stuck, "the echo")
        check_errors([c])
        if c.rx_data() != data:
            raise Failure("echo differs: sent %r, received %r%s"
                          % (data[:200], c.rx_data()[:200],
                             " (server ended: %s)" % c.peer_end
                             if c.peer_end else ""))
        shutdown_both([c], dl)
    else:
        stuck = run([c], lambda c: c.peer_end is not None, dl)
        report_stuck(stuck, "reading the response")
        check_errors([c])
        if c.peer_end != "close_notify":
            raise Failure("server ended with %s instead of close_notify "
                          "(received %d bytes)" % (c.peer_end, c.rx_count))
        c.request_close_notify()
        run([c], lambda c: c.close_notify_sent and not c.wbuf, dl)
    sys.stdout.buffer.write(c.rx_data())
    sys.stdout.flush()
    log("%s, %s" % (c.version, c.cipher))
    if args.expect is not None and \
            decode_data(args.expect) not in c.rx_data():
        raise Failure("response does not contain %r" % args.expect)
    c.close()


def cmd_bulk(args):
    """K connections each send N random bytes and read the echo back."""
    ctx = make_context(args)
    dl = deadline_of(args)
    conns = []
    t0 = now()
    for i in range(args.conns):
        c = TLSConn(i, args, ctx)
        data = os.urandom(args.bytes)
        c.expected = args.bytes
        if args.pause_at and args.pause_at < args.bytes:
            c.queue(data[:args.pause_at])
            c.rest = data[args.pause_at:]
        else:
            c.queue(data)
            c.rest = None
        c.resume_at = None
        c.early_close = args.early_close
        if args.early_close and c.rest is None:
            c.request_close_notify()
        c.script = bulk_script(args)
        conns.append(c)

    stuck = run(conns, lambda c: (c.rx_count >= c.expected
                                  or c.peer_end is not None)
                and (c.close_notify_sent or not args.early_close), dl)
    report_stuck(stuck, "the echo of %d bytes" % args.bytes)
    check_errors(conns)
    if not args.early_close:
        # Not yet at the peer's end: it must wait for our close_notify.
        early = [c for c in conns if c.peer_end is not None]
        for c in early:
            log("%s: server ended (%s) after %d of %d bytes, before we "
                "closed" % (c.name(), c.peer_end, c.rx_count, c.expected))
        if early:
            raise Failure("%d connection(s) ended by the server while the "
                          "client had not closed" % len(early))
        shutdown_both(conns, dl)
    else:
        stuck = run(conns, lambda c: c.peer_end is not None and not c.wbuf,
                    dl)
        report_stuck(stuck, "the server's close_notify after ours")
        check_errors(conns)
    elapsed = now() - t0
    bad = 0
    for c in conns:
        tx = c.tx_hash.hexdigest()
        rx = c.rx_hash.hexdigest()
        ok = (c.rx_count == c.tx_count == c.expected and tx == rx
              and c.peer_end == "close_notify"
              and c.rx_count_at_peer_end == c.expected)
        if not ok or args.conns <= 8:
            print("conn %d: sent bytes=%d sha256=%s received bytes=%d "
                  "sha256=%s end=%s%s" % (c.idx, c.tx_count, tx, c.rx_count,
                                         rx, c.peer_end,
                                         "" if ok else " MISMATCH"))
        if not ok:
            bad += 1
        c.close()
    total = sum(c.tx_count for c in conns)
    print("%d connection(s), %d bytes each way, %.2f s, %.1f MiB/s each way"
          % (len(conns), total, elapsed,
             total / (1 << 20) / elapsed if elapsed > 0 else 0))
    if bad:
        raise Failure("%d of %d connection(s) lost, altered or cut data "
                      "(or did not end with close_notify after all data)"
                      % (bad, len(conns)))


def bulk_script(args):
    def script(c):
        if c.rest is None:
            return
        if c.resume_at is None and c.rx_count >= args.pause_at:
            c.resume_at = now() + args.pause
            if args.ready_file:
                with open(args.ready_file + ".tmp", "w") as f:
                    f.write("%d\n" % c.rx_count)
                os.rename(args.ready_file + ".tmp", args.ready_file)
            log("%s: paused after %d bytes echoed" % (c.name(), c.rx_count))
        if c.resume_at is not None and now() >= c.resume_at:
            log("%s: resuming" % c.name())
            rest, c.rest = c.rest, None
            c.queue(rest)
            if c.early_close:
                c.request_close_notify()
    return script


def cmd_halfclose_client(args):
    """Send N bytes then close_notify at once; all N must still come back,
    followed by the server's close_notify."""
    args.conns = 1
    args.early_close = True
    cmd_bulk(args)


def cmd_halfclose_backend(args):
    """Backend in halfclose mode: expect BANNER then close_notify from the
    proxy, then still send N bytes, close_notify and expect the TCP close."""
    ctx = make_context(args)
    dl = deadline_of(args)
    banner = decode_data(args.banner)
    data = os.urandom(args.bytes)
    c = TLSConn(0, args, ctx)
    stuck = run([c], lambda c: c.peer_end is not None, dl)
    report_stuck(stuck, "receiving the banner and close_notify")
    check_errors([c])
    if c.rx_data() != banner:
        raise Failure("expected %r before the close, received %r"
                      % (banner, c.rx_data()))
    if c.peer_end != "close_notify":
        raise Failure("after the banner the server ended with %s, "
                      "not close_notify" % c.peer_end)
    log("received banner and close_notify; now sending %d bytes"
        % len(data))
    c.queue(data)
    c.request_close_notify()
    stuck = run([c], lambda c: c.close_notify_sent and not c.wbuf, dl)
    report_stuck(stuck, "sending after the server's close_notify")
    check_errors([c])
    if c.tcp_reset:
        raise Failure("connection reset while sending after the server's "
                      "close_notify (sent %d of %d bytes)"
                      % (c.tx_count, len(data)))
    print("sent bytes=%d sha256=%s" % (c.tx_count, c.tx_hash.hexdigest()))
    sys.stdout.flush()
    # Both directions have ended: the proxy should now close the TCP
    # connection.
    stuck = run([c], lambda c: c.tcp_eof or c.tcp_reset, dl)
    report_stuck(stuck, "the TCP close after both close_notify")
    if c.tcp_reset:
        raise Failure("proxy reset the connection instead of closing it")
    c.close()


def read_to_end(args, what):
    """One connection: the handshake, --data if given, then reading until
    the server ends the stream (bounded by --timeout)."""
    c = TLSConn(0, args, make_context(args))
    if args.data:
        c.queue(decode_data(args.data))
    stuck = run([c], lambda c: c.peer_end is not None, deadline_of(args))
    report_stuck(stuck, what)
    return c


def cmd_expect_close(args):
    """Completes the handshake and expects close_notify with no data."""
    c = read_to_end(args, "the server's close")
    check_errors([c])
    el = c.peer_end_at - c.start
    print("handshake=%s end=%s bytes=%d after %.3f s"
          % (c.version, c.peer_end, c.rx_count, el))
    if c.rx_count:
        raise Failure("expected no data, received %r" % c.rx_data()[:200])
    if c.peer_end != "close_notify":
        raise Failure("server ended with %s instead of close_notify"
                      % c.peer_end)
    c.close()


def cmd_read_end(args):
    """Completes the handshake, optionally sends --data, reads until the
    server ends the stream; prints "end=KIND bytes=N" (KIND: close_notify,
    eof for a TCP FIN without close_notify, reset)."""
    c = read_to_end(args, "the server's end of stream")
    print("end=%s bytes=%d" % (c.peer_end, c.rx_count))
    c.close()


def raw_wait_close(sock, dl):
    """Reads a plain socket until EOF or reset; returns (how, bytes)."""
    got = 0
    while True:
        left = dl - now()
        if left <= 0:
            return "open", got
        sock.settimeout(left)
        try:
            d = sock.recv(65536)
        except socket.timeout:
            return "open", got
        except ConnectionResetError:
            return "reset", got
        if not d:
            return "eof", got
        got += len(d)


def cmd_garbage(args):
    """Sends non-TLS bytes over TCP; the connection must be closed."""
    dl = now() + args.close_within
    t0 = now()
    sock = socket.create_connection((args.host, args.port),
                                    timeout=args.timeout)
    payload = b"GET / HTTP/1.0\r\nHost: not-tls\r\n\r\n" + \
        b"\x00garbage\xff" * 64
    try:
        sock.sendall(payload)
    except (BrokenPipeError, ConnectionResetError):
        pass
    how, got = raw_wait_close(sock, dl)
    sock.close()
    print("garbage: connection %s after %.3f s (%d bytes received)"
          % ("still open" if how == "open" else "closed (%s)" % how,
             now() - t0, got))
    if how == "open":
        raise Failure("connection still open %.1f s after sending garbage"
                      % args.close_within)


def cmd_hold(args):
    """Opens --conns plain TCP connections, sends --data on each (backslash
    escapes), writes --ready-file with the number still open once all are
    sent, then holds them until --stop-file exists (or --timeout); prints
    how many the server closed meanwhile."""
    data = decode_data(args.data)
    socks = []
    dl = deadline_of(args)
    for _ in range(args.conns):
        if now() >= dl:
            raise Failure("hold: only %d connections within the timeout"
                          % len(socks))
        sock = socket.create_connection((args.host, args.port),
                                        timeout=args.timeout)
        if data:
            sock.sendall(data)
        socks.append(sock)
    closed = 0
    for sock in socks:
        sock.setblocking(False)
    with open(args.ready_file + ".tmp", "w") as f:
        f.write("%d\n" % len(socks))
    os.rename(args.ready_file + ".tmp", args.ready_file)
    while not os.path.exists(args.stop_file) and now() < dl:
        time.sleep(0.05)
    for sock in socks:
        try:
            while sock.recv(4096) != b"":
                pass
            closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        sock.close()
    print("hold: %d connections, %d closed by the server"
          % (len(socks), closed))


def client_hello(args):
    """The bytes of a real ClientHello from Python's ssl."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    out = ssl.MemoryBIO()
    tls = ctx.wrap_bio(ssl.MemoryBIO(), out, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def cmd_flood(args):
    """From --source, opens --rate connections per second for --seconds:
    each sends a real ClientHello (the server's costly part of a handshake
    follows), reads what comes back for a moment, and closes. Prints how
    many the server answered (a ServerHello) and how many it refused."""
    hello = client_hello(args)
    t0 = now()
    n = answered = refused = 0
    while now() - t0 < args.seconds:
        wait = t0 + n / args.rate - now()
        if wait > 0:
            time.sleep(wait)
        n += 1
        sock = None
        try:
            sock = socket.create_connection(
                (args.host, args.port), timeout=0.2,
                source_address=(args.source or "", 0))
            sock.sendall(hello)
            if sock.recv(5)[:1] == b"\x16":
                answered += 1
            else:
                refused += 1
        except OSError:
            refused += 1
        finally:
            if sock is not None:
                sock.close()
    el = now() - t0
    print("flood: %d connections in %.1f s (%.0f/s): %d answered, "
          "%d refused or closed" % (n, el, n / el, answered, refused))


def cmd_silent(args):
    """TCP connect, send nothing; the server must close within --max and
    not before --min seconds."""
    t0 = now()
    sock = socket.create_connection((args.host, args.port),
                                    timeout=args.timeout)
    how, got = raw_wait_close(sock, t0 + args.max)
    el = now() - t0
    sock.close()
    print("silent: %s after %.3f s (%d bytes received)"
          % ("still open" if how == "open" else "closed (%s)" % how, el, got))
    if how == "open":
        raise Failure("idle TCP client still connected after %.1f s"
                      % args.max)
    if el < args.min:
        raise Failure("closed after %.3f s, earlier than %.1f s"
                      % (el, args.min))


def cmd_idle(args):
    """Echo pings every --interval for --active seconds (the connection must
    survive), then silence: the server must close within --max seconds (and
    not before --min)."""
    ctx = make_context(args)
    dl = deadline_of(args)
    c = TLSConn(0, args, ctx)
    stuck = run([c], lambda c: c.handshake_done, dl)
    report_stuck(stuck, "the handshake")
    check_errors([c])
    t_end = now() + args.active
    n = 0
    last = now()
    while now() < t_end:
        ping = b"ping %d\n" % n
        want = c.rx_count + len(ping)
        c.queue(ping)
        stuck = run([c], lambda c: c.rx_count >= want or
                    c.peer_end is not None, dl)
        report_stuck(stuck, "echo of a ping")
        check_errors([c])
        if c.peer_end is not None:
            raise Failure("server closed (%s) during activity, after %.2f s "
                          "with pings every %.2f s" % (c.peer_end,
                                                       now() - c.start,
                                                       args.interval))
        n += 1
        last = now()
        pause = last + args.interval
        run([c], lambda c: now() >= pause or c.peer_end is not None,
            min(dl, pause + 1))
        if c.peer_end is not None:
            raise Failure("server closed (%s) during activity after %d pings"
                          % (c.peer_end, n))
    stuck = run([c], lambda c: c.peer_end is not None,
                min(dl, last + args.max))
    if stuck:
        raise Failure("connection still open %.1f s after the last activity"
                      % args.max)
    check_errors([c])
    el = c.peer_end_at - last
    print("idle: %d pings echoed; closed (%s) %.3f s after the last activity"
          % (n, c.peer_end, el))
    if el < args.min:
        raise Failure("closed %.3f s after the last activity, earlier than "
                      "%.1f s" % (el, args.min))
    c.close()


def cmd_no_service(args):
    """After SIGTERM: a new connection must not be served (refused, closed,
    or never answered)."""
    try:
        sock = socket.create_connection((args.host, args.port), timeout=2)
    except ConnectionRefusedError:
        print("no-service: connection refused")
        return
    sock.close()
    ctx = make_context(args)
    c = TLSConn(0, args, ctx)
    run([c], lambda c: c.handshake_done or c.peer_end is not None,
        now() + args.timeout)
    print("no-service: handshake %s, end=%s"
          % ("completed" if c.handshake_done else "not completed",
             c.peer_end))
    c.close()
    if c.handshake_done:
        raise Failure("a new connection was still served after SIGTERM")


def listening(port):
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == "0A" and \
                            int(fields[1].rsplit(":", 1)[1], 16) == port:
                        return True
        except OSError:
            continue
    return False


def cmd_wait_port(args):
    """Waits until something listens on --port (no connection is made when
    /proc/net/tcp is readable, so no access log line is produced)."""
    dl = deadline_of(args)
    use_proc = os.path.exists("/proc/net/tcp")
    while now() < dl:
        if use_proc:
            if listening(args.port):
                return
        else:
            try:
                socket.create_connection((args.host, args.port),
                                         timeout=1).close()
                return
            except OSError:
                pass
        time.sleep(0.05)
    raise Failure("nothing listens on port %d after %.1f s"
                  % (args.port, args.timeout))


def cmd_free_port(args):
    """Prints a TCP port that was free on --host a moment ago."""
    s = socket.socket()
    s.bind((args.host, 0))
    print(s.getsockname()[1])
    s.close()


def size(s):
    mult = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    s = s.strip().lower().rstrip("ib")
    if s and s[-1] in mult:
        return int(float(s[:-1]) * mult[s[-1]])
    return int(s)


def main():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--host", default="127.0.0.1")
    common.add_argument("--port", type=int)
    common.add_argument("--cafile",
                        help="verify the server against this CA "
                             "(default: no verification)")
    common.add_argument("--servername", default="localhost",
                        help="SNI and name to verify (default localhost)")
    common.add_argument("--tls-version", choices=("1.2", "1.3"))
    common.add_argument("--source", help="local address to connect from")
    common.add_argument("--timeout", type=float, default=60.0,
                        help="bound on the whole run, seconds")

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("request", parents=[common], help=cmd_request.__doc__)
    s.add_argument("--data", help="bytes to send (backslash escapes "
                   "allowed); default: stdin")
    s.add_argument("--expect-echo", action="store_true")
    s.add_argument("--expect", help="substring the response must contain")
    s.set_defaults(func=cmd_request)

    for name, func, dbytes, dconns in (
            ("bulk", cmd_bulk, "64M", 1),
            ("concurrent", cmd_bulk, "64K", 200),
            ("halfclose-client", cmd_halfclose_client, "1M", 1)):
        s = sub.add_parser(name, parents=[common], help=func.__doc__)
        s.add_argument("--bytes", type=size, default=size(dbytes))
        s.add_argument("--conns", type=int, default=dconns)
        s.add_argument("--early-close", action="store_true",
                       help="send close_notify right after the data")
        s.add_argument("--pause-at", type=size, default=0,
                       help="stop sending once this many bytes are echoed")
        s.add_argument("--pause", type=float, default=1.0,
                       help="seconds to pause at --pause-at")
        s.add_argument("--ready-file",
                       help="created when the pause begins")
        s.set_defaults(func=func)

    s = sub.add_parser("halfclose-backend", parents=[common],
                       help=cmd_halfclose_backend.__doc__)
    s.add_argument("--bytes", type=size, default=size("1M"))
    s.add_argument("--banner", default="BANNER\\n")
    s.set_defaults(func=cmd_halfclose_backend)

    s = sub.add_parser("read-end", parents=[common],
                       help=cmd_read_end.__doc__)
    s.add_argument("--data", help="optionally send this first")
    s.set_defaults(func=cmd_read_end)

    s = sub.add_parser("expect-close", parents=[common],
                       help=cmd_expect_close.__doc__)
    s.add_argument("--data", help="optionally send this first")
    s.set_defaults(func=cmd_expect_close)

    s = sub.add_parser("garbage", parents=[common], help=cmd_garbage.__doc__)
    s.add_argument("--close-within", type=float, default=5.0)
    s.set_defaults(func=cmd_garbage)

    s = sub.add_parser("hold", parents=[common], help=cmd_hold.__doc__)
    s.add_argument("--conns", type=int, default=100)
    s.add_argument("--data", default="")
    s.add_argument("--ready-file", required=True)
    s.add_argument("--stop-file", required=True)
    s.set_defaults(func=cmd_hold)

    s = sub.add_parser("flood", parents=[common], help=cmd_flood.__doc__)
    s.add_argument("--rate", type=float, default=2000)
    s.add_argument("--seconds", type=float, default=5)
    s.set_defaults(func=cmd_flood)

    s = sub.add_parser("silent", parents=[common], help=cmd_silent.__doc__)
    s.add_argument("--min", type=float, default=0.0)
    s.add_argument("--max", type=float, default=3.0)
    s.set_defaults(func=cmd_silent)

    s = sub.add_parser("idle", parents=[common], help=cmd_idle.__doc__)
    s.add_argument("--active", type=float, default=3.0)
    s.add_argument("--interval", type=float, default=0.4)
    s.add_argument("--min", type=float, default=0.5)
    s.add_argument("--max", type=float, default=5.0)
    s.set_defaults(func=cmd_idle)

    s = sub.add_parser("no-service", parents=[common],
                       help=cmd_no_service.__doc__)
    s.set_defaults(func=cmd_no_service)

    s = sub.add_parser("wait-port", parents=[common],
                       help=cmd_wait_port.__doc__)
    s.set_defaults(func=cmd_wait_port)

    s = sub.add_parser("free-port", parents=[common],
                       help=cmd_free_port.__doc__)
    s.set_defaults(func=cmd_free_port)

    args = p.parse_args()
    if args.port is None and args.cmd != "free-port":
        p.error("--port is required")
    try:
        args.func(args)
    except Failure as e:
        log("FAIL: %s" % e)
        return 1
    except (OSError, ssl.SSLError) as e:
        log("FAIL: %s: %s" % (type(e).__name__, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
