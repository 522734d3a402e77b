#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""Seed-table and wire probes for the tlsfront integration tests (stdlib only).

Subcommands:
  ports    N: print N distinct loopback ports that were free a moment ago.
  conf     COLUMNS: print a tlsfront.conf with one context and one listener
           per server column (ports from the --ports file, one a line, in
           column order), for t21-seed-table.sh.
  table    COLUMNS EXPECTED: connect every client row with every stack to
           every column's listener, print the measured table(s), and compare
           them cell for cell with EXPECTED. The same Python client rows are
           also run in memory against an ssl.SSLContext server that the
           python3 running this builds from the same column settings (stack
           "pyref": tests/helpers/pyref.py's reference context for the
           column's protocol and default_suites profile, each reconciliation
           it needed printed once to standard error), so the expected table
           is checked against Python's own behaviour too. --stacks limits
           the stacks run (e.g. "py,pyref" for a second interpreter).
  eof      one TLS connection that sends data, then a TCP FIN without
           close_notify, and reports how the server's direction ended.
  ccs      one TLS 1.3 handshake; reports whether a ChangeCipherSpec record
           came from the server (middlebox compatibility mode).

COLUMNS: one server column per line, "-" for unset, "#" comments:
  NAME PROTOCOL MINIMUM MAXIMUM CIPHERS OPTIONS(comma separated, "!" clears)
  [SUITES]
SUITES is the context's default_suites profile, "python" (the default) or
"openssl"; conf writes it into tlsfront.conf when given.
EXPECTED: blocks separated by blank lines; a block's first line is
  "client\\server COL COL ...", each further line "ROW CELL CELL ...".
Rows: SSLv2 and SSLv3 (hand-built ClientHellos), v2hello-TLSv1 (SSLv2-format
ClientHello asking for TLS 1.0, as old SSLv23 clients sent), TLS (version-
flexible client), TLSv1, TLSv1.1, TLSv1.2, TLSv1.3 (pinned clients).
Cells: "no" (refused: for hand-built hellos, an alert and no ServerHello),
"yes" (pinned row: handshake done at exactly that version), or the version
"1.0".."1.3" that a flexible client or hand-built hello got.

Exit status: 0 all cells as expected, 1 a mismatch, 2 usage or setup error.
"""

import argparse
import concurrent.futures
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pyref  # noqa: E402

warnings.simplefilter("ignore", DeprecationWarning)

VERSIONS = {
    "TLSv1": ssl.TLSVersion.TLSv1, "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2, "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}
SHORT = {"TLSv1": "1.0", "TLSv1.1": "1.1", "TLSv1.2": "1.2", "TLSv1.3": "1.3"}
WIRE = {0x0300: "3.0", 0x0301: "1.0", 0x0302: "1.1", 0x0303: "1.2",
        0x0304: "1.3", 0x0002: "2.0"}
PINNED = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
RAW_ROWS = ["SSLv2", "SSLv3", "v2hello-TLSv1"]
TLS_ROWS = ["TLS"] + PINNED
STACKS = ["py", "openssl", "gnutls"]
ALL_STACKS = ["raw"] + STACKS + ["pyref"]
CLIENT_CIPHERS = "DEFAULT:@SECLEVEL=0"
GNUTLS_VERS = {"TLSv1": "TLS1.0", "TLSv1.1": "TLS1.1", "TLSv1.2": "TLS1.2",
               "TLSv1.3": "TLS1.3"}


def log(msg):
    print("seedtable: " + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- columns

class Column:
    def __init__(self, fields, lineno):
        if len(fields) not in (6, 7):
            raise ValueError("line %d: want 6 or 7 fields, got %d"
                             % (lineno, len(fields)))
        self.name, self.protocol, self.minimum, self.maximum, \
            self.ciphers, opts = [None if f == "-" else f
                                  for f in fields[:6]]
        self.options = opts.split(",") if opts else []
        self.suites = fields[6] if len(fields) == 7 else None
        if self.suites not in (None,) + pyref.PROFILES:
            raise ValueError("line %d: SUITES %r is none of %s"
                             % (lineno, self.suites,
                                ", ".join(pyref.PROFILES)))
        self.port = None

    def profile(self):
        return self.suites or "python"


def read_columns(path):
    cols = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if line:
                cols.append(Column(line.split(), n))
    return cols


def cmd_ports(args):
    """N distinct loopback ports that were free a moment ago (all bound at
    once, then released), one a line."""
    socks = []
    try:
        for _ in range(args.n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        for s in socks:
            print(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return 0


def read_ports(path, cols):
    with open(path) as f:
        ports = [int(l) for l in f if l.strip()]
    if len(ports) < len(cols):
        raise ValueError("%s: %d ports for %d columns"
                         % (path, len(ports), len(cols)))
    for c, p in zip(cols, ports):
        c.port = p


def cmd_conf(args):
    cols = read_columns(args.columns)
    read_ports(args.ports, cols)
    ctxs, lis = [], []
    for i, c in enumerate(cols):
        name = "c%d" % i
        body = ['protocol = "%s";' % c.protocol]
        if c.suites:
            body.append('default_suites = "%s";' % c.suites)
        if c.minimum:
            body.append('minimum_version = "%s";' % c.minimum)
        if c.maximum:
            body.append('maximum_version = "%s";' % c.maximum)
        if c.ciphers:
            body.append('ciphers = "%s";' % c.ciphers)
        if c.options:
            body.append("options = [ %s ];"
                        % ", ".join('"%s"' % o for o in c.options))
        body.append('cert_chain = ( { certfile = "%s"; keyfile = "%s"; } );'
                    % (args.certfile, args.keyfile))
        ctxs.append("  %s = { # %s\n    %s\n  };"
                    % (name, c.name, "\n    ".join(body)))
        lis.append('  { listen = "127.0.0.1:%d"; context = "%s"; '
                   'backend = "echo"; }' % (c.port, name))
    print("""daemon = {
  workers = 1;
  timeouts = { handshake = 10; connect = 5; idle = 60; drain = 10; };
  log = { level = "info"; access = "text"; };
};
contexts = {
%s
};
listeners = (
%s
);
backends = {
  echo = { servers = [ "127.0.0.1:%d" ]; };
};""" % ("\n".join(ctxs), ",\n".join(lis), args.backend_port))
    return 0


# ---------------------------------------------------------------- expected

def read_expected(path):
    """[(columns, {row: [cells]})], one per block."""
    blocks, cur = [], None
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].rstrip()
            if not line.strip():
                cur = None
                continue
            fields = line.split()
            if cur is None:
                cur = (fields[1:], {}, [])
                blocks.append(cur)
                continue
            if len(fields) != len(cur[0]) + 1:
                raise ValueError("expected table: row %s has %d cells, "
                                 "want %d" % (fields[0], len(fields) - 1,
                                              len(cur[0])))
            cur[1][fields[0]] = fields[1:]
            cur[2].append(fields[0])
    return blocks


# ---------------------------------------------------------------- raw hellos

def tls_record(ctype, version, body):
    return bytes([ctype]) + version.to_bytes(2, "big") + \
        len(body).to_bytes(2, "big") + body


def hello_sslv3():
    """A TLS-format ClientHello from an SSLv3-only client (no extensions)."""
    suites = [0x002f, 0x0035, 0x000a, 0x0005, 0x00ff]
    body = (b"\x03\x00" + os.urandom(32) + b"\x00" +
            (2 * len(suites)).to_bytes(2, "big") +
            b"".join(s.to_bytes(2, "big") for s in suites) + b"\x01\x00")
    hs = b"\x01" + len(body).to_bytes(3, "big") + body
    return tls_record(0x16, 0x0300, hs)


def hello_v2(version, specs):
    """An SSLv2-format CLIENT-HELLO (2-byte header with the high bit)."""
    challenge = os.urandom(16)
    body = (b"\x01" + version.to_bytes(2, "big") +
            (3 * len(specs)).to_bytes(2, "big") + b"\x00\x00" +
            len(challenge).to_bytes(2, "big") +
            b"".join(s.to_bytes(3, "big") for s in specs) + challenge)
    return (0x8000 | len(body)).to_bytes(2, "big") + body


RAW_HELLOS = {
    # SSL_CK_RC4_128_WITH_MD5, SSL_CK_DES_192_EDE3_CBC_WITH_MD5
    "SSLv2": lambda: hello_v2(0x0002, [0x010080, 0x0700c0]),
    "SSLv3": hello_sslv3,
    # AES128-SHA, AES256-SHA, DES-CBC3-SHA, renegotiation SCSV
    "v2hello-TLSv1": lambda: hello_v2(0x0301, [0x00002f, 0x000035,
                                               0x00000a, 0x0000ff]),
}


def parse_reply(data, eof):
    """What a server's first bytes say: ("alert", desc), ("hello", ver)."""
    if len(data) >= 7 and data[0] == 0x15:
        return "alert", data[6]
    if len(data) >= 11 and data[0] == 0x16 and data[5] == 0x02:
        return "hello", WIRE.get(int.from_bytes(data[9:11], "big"), "?")
    if eof:
        return ("closed", len(data))
    return None


def raw_cell(reply):
    kind, what = reply
    if kind == "alert":
        return "no", "alert %d" % what
    if kind == "hello":
        return what, "ServerHello %s" % what
    return "closed", "%s %s" % (kind, what)


def probe_raw(port, row, timeout):
    data, eof = b"", False
    try:
        with socket.create_connection(("127.0.0.1", port), timeout) as s:
            s.sendall(RAW_HELLOS[row]())
            deadline = time.monotonic() + timeout
            while parse_reply(data, False) is None:
                s.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    chunk = s.recv(4096)
                except ConnectionResetError:
                    chunk = b""
                if not chunk:
                    eof = True
                    break
                data += chunk
    except socket.timeout:
        return "timeout", "no reply within %ss" % timeout
    except OSError as e:
        return "error", str(e)
    return raw_cell(parse_reply(data, eof) or ("closed", len(data)))


# ---------------------------------------------------------------- clients

def client_context(row, cafile):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # A client that must see how the server ended: never an EOF taken for
    # close_notify, whichever Python this is (some set the option by
    # default: pyref.py, difference "ignore-unexpected-eof").
    ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
    ctx.set_ciphers(CLIENT_CIPHERS)
    ctx.load_verify_locations(cafile)
    if row == "TLS":
        ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        ctx.maximum_version = ssl.TLSVersion.MAXIMUM_SUPPORTED
    else:
        ctx.minimum_version = ctx.maximum_version = VERSIONS[row]
    return ctx


def version_cell(row, version):
    """Cell for a completed handshake at version ("TLSv1.2" etc.)."""
    short = SHORT.get(version, version)
    if row == "TLS":
        return short
    return "yes" if version == row else "WRONG(%s)" % short


def probe_py(port, row, cafile, timeout):
    ctx = client_context(row, cafile)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                version = s.version()
                s.sendall(b"seed table\n")
                got = b""
                while not got.endswith(b"\n"):
                    chunk = s.recv(64)
                    if not chunk:
                        break
                    got += chunk
                if got != b"seed table\n":
                    return "NOECHO", "echo %r" % got
                s.unwrap()
    except (ssl.SSLError, OSError) as e:
        return "no", str(e)
    return version_cell(row, version), version


def run_cmd(cmd, timeout):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, text=True, errors="replace")
    except subprocess.TimeoutExpired:
        return None, ""
    return p.returncode, p.stdout


def probe_openssl(port, row, cafile, timeout):
    cmd = ["openssl", "s_client", "-brief", "-connect",
           "127.0.0.1:%d" % port, "-servername", "localhost",
           "-CAfile", cafile, "-verify_return_error",
           "-cipher", CLIENT_CIPHERS]
    if row != "TLS":
        cmd.append("-" + {"TLSv1": "tls1", "TLSv1.1": "tls1_1",
                          "TLSv1.2": "tls1_2", "TLSv1.3": "tls1_3"}[row])
    rc, out = run_cmd(cmd, timeout)
    if rc is None:
        return "timeout", "s_client timed out"
    version = None
    for line in out.splitlines():
        if line.startswith("Protocol version: "):
            version = line.split(": ", 1)[1].strip()
    if rc == 0 and "CONNECTION ESTABLISHED" in out and version:
        return version_cell(row, version), version
    return "no", " | ".join(out.strip().splitlines()[-2:])


def probe_gnutls(port, row, cafile, timeout):
    if row == "TLS":
        prio = ("NORMAL:+VERS-TLS1.0:+VERS-TLS1.1:"
                "%VERIFY_ALLOW_SIGN_WITH_SHA1")
    else:
        prio = ("NORMAL:-VERS-ALL:+VERS-%s:%%VERIFY_ALLOW_SIGN_WITH_SHA1"
                % GNUTLS_VERS[row])
    cmd = ["gnutls-cli", "--x509cafile", cafile, "--port", str(port),
           "--sni-hostname", "localhost", "--verify-hostname", "localhost",
           "--priority", prio, "127.0.0.1"]
    rc, out = run_cmd(cmd, timeout)
    if rc is None:
        return "timeout", "gnutls-cli timed out"
    version = None
    for line in out.splitlines():
        # "- Description: (TLS1.3-X.509)-(ECDHE-SECP256R1)-..."
        if line.startswith("- Description: (") and version is None:
            v = line.split("(", 1)[1].split(")", 1)[0].split("-", 1)[0]
            version = {"TLS1.0": "TLSv1", "TLS1.1": "TLSv1.1",
                       "TLS1.2": "TLSv1.2", "TLS1.3": "TLSv1.3"}.get(v, v)
    if rc == 0 and "Handshake was completed" in out and version:
        return version_cell(row, version), version
    errs = [l for l in out.splitlines() if l.startswith("***")]
    return "no", " | ".join(errs[-2:])


PROBES = {"py": probe_py, "openssl": probe_openssl, "gnutls": probe_gnutls}


# ---------------------------------------------------------------- pyref

_notes = set()
_notes_lock = threading.Lock()


def note_once(note):
    """Print a reconciliation note of pyref.py's the first time it comes."""
    with _notes_lock:
        if note in _notes:
            return
        _notes.add(note)
    log("pyref: %s" % note)


def server_context(col, certfile, keyfile):
    """The column's server as Python makes it: pyref.py's reference context
    for the column's protocol and profile, then the column's settings."""
    ref = pyref.reference_context(col.protocol, col.profile())
    for n in ref.notes:
        note_once(n)
    ctx = ref.ctx
    for o in col.options:
        if o.startswith("!"):
            ctx.options &= ~getattr(ssl, o[1:])
        else:
            ctx.options |= getattr(ssl, o)
    if col.minimum:
        ctx.minimum_version = getattr(ssl.TLSVersion, col.minimum)
    if col.maximum:
        ctx.maximum_version = getattr(ssl.TLSVersion, col.maximum)
    if col.ciphers:
        ctx.set_ciphers(col.ciphers)
    ctx.load_cert_chain(certfile, keyfile)
    return ctx


def mem_handshake(cctx, sctx):
    """Handshake two SSLObjects over memory BIOs; the client's version."""
    cin, cout, sin, sout = (ssl.MemoryBIO() for _ in range(4))
    c = cctx.wrap_bio(cin, cout, server_side=False,
                      server_hostname="localhost")
    s = sctx.wrap_bio(sin, sout, server_side=True)
    done = {c: False, s: False}
    for _ in range(20):
        for obj in (c, s):
            if not done[obj]:
                try:
                    obj.do_handshake()
                    done[obj] = True
                except ssl.SSLWantReadError:
                    pass
        sin.write(cout.read())
        cin.write(sout.read())
        if all(done.values()):
            return c.version()
    raise ssl.SSLError("handshake did not finish")


def pyref_cell(col, row, certfile, keyfile, cafile):
    sctx = server_context(col, certfile, keyfile)
    if row in RAW_HELLOS:
        sin, sout = ssl.MemoryBIO(), ssl.MemoryBIO()
        s = sctx.wrap_bio(sin, sout, server_side=True)
        sin.write(RAW_HELLOS[row]())
        try:
            s.do_handshake()
        except ssl.SSLError:
            pass
        return raw_cell(parse_reply(sout.read(), True))
    try:
        version = mem_handshake(client_context(row, cafile), sctx)
    except ssl.SSLError as e:
        return "no", str(e)
    return version_cell(row, version), version


# ---------------------------------------------------------------- table

def stacks_for(row, wanted=ALL_STACKS):
    have = ["raw", "pyref"] if row in RAW_HELLOS else STACKS + ["pyref"]
    return [st for st in have if st in wanted]


def cmd_table(args):
    collist = read_columns(args.columns)
    read_ports(args.ports, collist)
    cols = {c.name: c for c in collist}
    blocks = read_expected(args.expected)
    for st in args.stacks:
        if st not in ALL_STACKS:
            log("no such stack %s (stacks: %s)" % (st, ",".join(ALL_STACKS)))
            return 2
    log("%s: stacks %s" % (pyref.describe(), ",".join(args.stacks)))
    jobs = {}
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs)
    t0 = time.monotonic()
    for names, rows, order in blocks:
        for cname in names:
            if cname not in cols:
                log("expected table names unknown column %s" % cname)
                return 2
            col = cols[cname]
            for row in order:
                for st in stacks_for(row, args.stacks):
                    key = (cname, row, st)
                    if key in jobs:
                        continue
                    if st == "pyref":
                        jobs[key] = pool.submit(pyref_cell, col, row,
                                                args.certfile, args.keyfile,
                                                args.cafile)
                    elif st == "raw":
                        jobs[key] = pool.submit(probe_raw, col.port, row,
                                                args.timeout)
                    else:
                        jobs[key] = pool.submit(PROBES[st], col.port, row,
                                                args.cafile, args.timeout)
    res = {k: f.result() for k, f in jobs.items()}
    pool.shutdown()
    log("%d probes in %.1f s" % (len(res), time.monotonic() - t0))
    return report(blocks, res, cols, args)


def write_counts(path, res, cols):
    """Per column: "NAME PORT HANDSHAKE_ERRORS CLOSED", what the daemon's access
    log must show. A hand-built hello never finishes its handshake (even
    one answered by a ServerHello); a TLS client that got a version closes
    cleanly."""
    counts = {}
    for (cname, row, st), (cell, _) in res.items():
        if st == "pyref":
            continue
        n = counts.setdefault(cname, [0, 0])
        n[0 if st == "raw" or cell == "no" else 1] += 1
    with open(path, "w") as f:
        for cname, (hs_err, closed) in sorted(counts.items()):
            f.write("%s %d %d %d\n" % (cname, cols[cname].port, hs_err,
                                        closed))


def report(blocks, res, cols, args):
    bad = []
    out = []
    for names, rows, order in blocks:
        width = max(8, max(len(n) for n in names) + 1)
        head = "client\\server".ljust(15) + "".join(n.ljust(width)
                                                    for n in names)
        out.append(head.rstrip())
        for row in order:
            line = row.ljust(15)
            for cname, want in zip(names, rows[row]):
                got = {st: res[(cname, row, st)][0]
                       for st in stacks_for(row, args.stacks)}
                cell = want if set(got.values()) == {want} else \
                    "!" + ",".join("%s=%s" % kv for kv in got.items())
                for st, val in got.items():
                    if val != want:
                        bad.append((cname, row, st, want, val,
                                    res[(cname, row, st)][1]))
                line += cell.ljust(width)
            out.append(line.rstrip())
        out.append("")
    print("\n".join(out))
    if args.counts_out:
        write_counts(args.counts_out, res, cols)
    for cname, row, st, want, val, detail in bad:
        log("MISMATCH column %s row %s stack %s: want %s, got %s (%s)"
            % (cname, row, st, want, val, detail))
    if args.verbose:
        for (cname, row, st), (cell, detail) in sorted(res.items()):
            log("%s %s %s: %s (%s)" % (cname, row, st, cell, detail))
    return 1 if bad else 0


# ---------------------------------------------------------------- t22 probes

def cmd_eof(args):
    """TLS connection, send DATA, then TCP FIN (no close_notify); read on
    and print "peer_end=close_notify|eof|reset|timeout|tls-error" and what
    came back."""
    ctx = client_context(args.tls_version, args.cafile)
    raw = socket.create_connection(("127.0.0.1", args.port), args.timeout)
    inc, outg = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, outg, server_hostname="localhost")
    deadline = time.monotonic() + args.timeout

    def pump_in():
        raw.settimeout(max(0.01, deadline - time.monotonic()))
        data = raw.recv(65536)
        if data:
            inc.write(data)
        else:
            inc.write_eof()
        return data

    while True:
        try:
            obj.do_handshake()
            break
        except ssl.SSLWantReadError:
            raw.sendall(outg.read())
            if not pump_in():
                print("peer_end=eof-in-handshake")
                return 1
    raw.sendall(outg.read())
    obj.write(args.data.encode())
    raw.sendall(outg.read())
    time.sleep(args.pause)
    raw.shutdown(socket.SHUT_WR)      # FIN, and no close_notify before it
    got, end = b"", None
    while end is None:
        if time.monotonic() > deadline:
            end = "timeout"
            break
        try:
            data = obj.read(65536)
            if data:
                got += data
                continue
            end = "close_notify"     # SSLObject.read: b"" after it
        except ssl.SSLZeroReturnError:
            end = "close_notify"
        except ssl.SSLEOFError:
            end = "eof"
        except ssl.SSLWantReadError:
            if inc.eof:
                end = "eof-without-close_notify"
                break
            try:
                pump_in()
            except socket.timeout:
                end = "timeout"
            except ConnectionResetError:
                end = "reset"
        except ssl.SSLError as e:
            if e.reason == "UNEXPECTED_EOF_WHILE_READING":
                # A plain SSLError for it before CPython 3.10.11/3.11.3
                # (python/cpython#95494), SSLEOFError since.
                end = "eof"
            else:
                end = "tls-error(%s)" % e.reason
    raw.close()
    print("peer_end=%s received=%d" % (end, len(got)))
    return 0


def cmd_ccs(args):
    """One handshake at --tls-version; prints "version=V ccs=yes|no": did
    the server send a ChangeCipherSpec record (seen through the private but
    working SSLContext._msg_callback: content type 256 is a record header,
    whose msg_type is the record's content type, 20 for CCS)."""
    ctx = client_context(args.tls_version, args.cafile)
    headers = []

    def cb(conn, direction, version, content_type, msg_type, data):
        if direction == "read" and int(content_type) == 256:
            headers.append(int(msg_type))
    ctx._msg_callback = cb
    with socket.create_connection(("127.0.0.1", args.port),
                                  args.timeout) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            version = s.version()
            s.unwrap()
    print("version=%s ccs=%s records=%s" % (version,
          "yes" if 20 in headers else "no", ",".join(map(str, headers))))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("ports")
    s.add_argument("n", type=int)
    s = sub.add_parser("conf")
    s.add_argument("columns")
    s.add_argument("--ports", required=True)
    s.add_argument("--backend-port", type=int, required=True)
    s.add_argument("--certfile", required=True)
    s.add_argument("--keyfile", required=True)
    s = sub.add_parser("table")
    s.add_argument("columns")
    s.add_argument("expected")
    s.add_argument("--ports", required=True)
    s.add_argument("--certfile", required=True)
    s.add_argument("--keyfile", required=True)
    s.add_argument("--cafile", required=True)
    s.add_argument("--timeout", type=float, default=10)
    s.add_argument("--jobs", type=int, default=8)
    s.add_argument("--counts-out")
    s.add_argument("--stacks", default=",".join(ALL_STACKS),
                   type=lambda v: v.split(","),
                   help="comma separated, of %s (default: all)"
                   % ",".join(ALL_STACKS))
    s.add_argument("--verbose", action="store_true")
    for name in ("eof", "ccs"):
        s = sub.add_parser(name)
        s.add_argument("--port", type=int, required=True)
        s.add_argument("--cafile", required=True)
        s.add_argument("--tls-version", default="TLSv1.3",
                       choices=PINNED + ["TLS"])
        s.add_argument("--timeout", type=float, default=10)
        if name == "eof":
            s.add_argument("--data", default="no close_notify follows\n")
            s.add_argument("--pause", type=float, default=0.2)
    args = ap.parse_args()
    try:
        return {"ports": cmd_ports, "conf": cmd_conf, "table": cmd_table, "eof": cmd_eof,
                "ccs": cmd_ccs}[args.cmd](args)
    except (OSError, ValueError, RuntimeError) as e:
        log("error: %s" % e)
        return 2


if __name__ == "__main__":
    sys.exit(main())
