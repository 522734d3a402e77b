#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""Python's ssl.SSLContext as tlsfront's reference, on the python3 running this.

"Python's ssl.SSLContext" is not one thing on a real machine. Two things
make interpreters differ, and this module names both so that no comparison
depends on which python3 happens to run it:

1. The build flavour, CPython's configure switch --with-ssl-default-suites:
   "python" (upstream's default: CPython's own cipher string, minimum TLS 1.2
   on PROTOCOL_TLS/TLS_SERVER/TLS_CLIENT) or "openssl" (Debian, Ubuntu and
   Fedora build python3 so: the cipher list and the minimum version are
   whatever OpenSSL's system configuration makes them). tlsfront calls these
   profiles default_suites = "python" | "openssl".
2. The release: DIFFERENCES lists what CPython releases changed in what
   tlsfront mirrors, with the versions each applies to. tlsfront follows
   current upstream CPython.

reference_context(protocol, profile) builds ssl.SSLContext(protocol) in this
interpreter and reconciles both: if the interpreter's flavour is not the
profile, the profile's documented settings are applied explicitly (the
cipher list and minimum version); if a release difference applies to this
interpreter, its current behaviour is applied. Every step is recorded in
Ref.notes for the caller to print: nothing is reconciled silently, and a
difference the table claims but the interpreter does not show is an error.

Command line (each prints to standard output):
  list       the interpreters to compare with, one a line "EXECUTABLE VERSION
             FLAVOUR": python3 from every PATH entry and /usr/bin/python3,
             one per real interpreter ($TF_PYTHONS, if set, replaces the
             search: space-separated commands)
  describe   this interpreter, "EXECUTABLE VERSION FLAVOUR"
  defaults   "key value" lines of reference values for tests/unit/
             check_context.c, each key prefixed with the profile, and
             "# ..." lines naming each reconciliation used
  differences  the table of release differences, for humans
"""

import ctypes
import os
import re
import shlex
import ssl
import subprocess
import sys
import sysconfig
import warnings

warnings.simplefilter("ignore", DeprecationWarning)

PROFILES = ("python", "openssl")

# CPython's PY_SSL_DEFAULT_CIPHER_STRING and PY_SSL_MIN_PROTOCOL (the
# "python" flavour); tlsfront's TF_DEFAULT_CIPHERS is the same string.
PYTHON_CIPHERS = ("@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:"
                  "!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM")
PYTHON_MIN_VERSION = ssl.TLSVersion.TLSv1_2
# The protocols whose minimum CPython sets (the version-flexible ones).
FLEXIBLE = ("PROTOCOL_TLS", "PROTOCOL_SSLv23", "PROTOCOL_TLS_SERVER",
            "PROTOCOL_TLS_CLIENT")


# ------------------------------------------------------------ differences

class Difference:
    """One behaviour that differs between CPython releases.

    releases: half-open ranges [first, end) of sys.version_info[:3] where
    the old behaviour applies. openssl3: only when linked with OpenSSL 3.
    """

    def __init__(self, key, releases, old, history, tlsfront,
                 openssl3=True):
        self.key = key
        self.releases = releases
        self.old = old
        self.history = history
        self.tlsfront = tlsfront
        self.openssl3 = openssl3

    def applies(self, version=None, openssl=None):
        v = tuple(version or sys.version_info[:3])
        o = tuple(openssl or ssl.OPENSSL_VERSION_INFO[:1])
        if self.openssl3 and o < (3,):
            return False
        return any(first <= v < end for first, end in self.releases)

    def ranges(self):
        def fmt(t):
            return ".".join(str(x) for x in t)
        return ", ".join("%s up to before %s" % (fmt(a), fmt(b))
                         for a, b in self.releases)

    def note(self, what):
        return "difference %s (Python %s): %s; %s" % (
            self.key, interpreter_version(), what, self.tlsfront)


DIFFERENCES = [
    Difference(
        "ignore-unexpected-eof",
        [((3, 8, 10), (3, 9, 0)), ((3, 9, 5), (3, 10, 0)),
         ((3, 10, 0), (3, 10, 11)), ((3, 11, 0), (3, 11, 3))],
        "SSLContext() adds OP_IGNORE_UNEXPECTED_EOF to its default options "
        "(a peer's TCP FIN without close_notify then reads as a clean "
        "close); cleared, such an EOF raises a plain SSLError "
        "(UNEXPECTED_EOF_WHILE_READING), not SSLEOFError as in current "
        "CPython",
        "added for OpenSSL 3 by python/cpython GH-25309 (3.10.0, 3.9.5, "
        "3.8.10), dropped again by python/cpython#95495 (3.10.11, 3.11.3, "
        "3.12.0; the 3.8 and 3.9 branches kept it)",
        "tlsfront follows current CPython: not a default option; "
        "options = [ \"OP_IGNORE_UNEXPECTED_EOF\" ] sets it"),
    Difference(
        "ecdh-curve-ec-only",
        [((3, 0, 0), (3, 11, 4))],
        "set_ecdh_curve() makes an EC_KEY (EC_KEY_new_by_curve_name): "
        "X25519, X448 and the ffdhe groups are refused with "
        "\"[EC: UNKNOWN_GROUP] unknown group\", and EC curves that are no "
        "TLS group (secp112r1) are accepted",
        "python/cpython gh-103242 (3.11.4, 3.12.0) uses "
        "SSL_CTX_set1_groups with OpenSSL 3, which takes every group "
        "OpenSSL knows; measured here: 3.11.2 refuses X448, 3.11.7 takes it",
        "tlsfront follows current CPython: ecdh_curve is "
        "SSL_CTX_set1_groups with that one group"),
]


def difference(key):
    for d in DIFFERENCES:
        if d.key == key:
            return d
    raise KeyError(key)


# ------------------------------------------------------------ interpreter

def interpreter_version():
    return "%d.%d.%d" % sys.version_info[:3]


def declared_flavour():
    """What CPython's configure was told (--with-ssl-default-suites)."""
    for arg in shlex.split(sysconfig.get_config_var("CONFIG_ARGS") or ""):
        if arg.startswith("--with-ssl-default-suites="):
            value = arg.split("=", 1)[1]
            return value if value in PROFILES else "custom"
    return "python"


def flavour():
    """This interpreter's build flavour, declared and measured alike.

    Measured: a fresh PROTOCOL_TLS_SERVER context has CPython's cipher list
    and minimum ("python"), or OpenSSL's system defaults ("openssl"), or
    neither ("custom": a cipher string of the builder's own).
    """
    fresh = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    probe.set_ciphers(PYTHON_CIPHERS)
    system = openssl_system_defaults()
    if (cipher_names(fresh) == cipher_names(probe) and
            fresh.minimum_version == PYTHON_MIN_VERSION):
        measured = "python"
    elif (cipher_names(fresh) == system["ciphers"] and
          int(fresh.minimum_version) == system["minimum_version"]):
        measured = "openssl"
    else:
        measured = "custom"
    declared = declared_flavour()
    if declared != measured:
        raise RuntimeError("%s: built --with-ssl-default-suites=%s, but its "
                           "contexts look %s" % (sys.executable, declared,
                                                 measured))
    return measured


def cipher_names(ctx):
    return [c["name"] for c in ctx.get_ciphers()]


_system = None


def openssl_system_defaults():
    """What SSL_CTX_new(TLS_server_method()) makes under OpenSSL's system
    configuration, read from the libssl this interpreter's _ssl uses: the
    cipher names in order, the minimum version as Python reports it
    (-2 for "any"), the security level."""
    global _system
    if _system is not None:
        return _system
    lib = libssl()
    ctx = scratch_context(lib)
    try:
        sk = lib.SSL_CTX_get_ciphers(ctx)
        names = [lib.SSL_CIPHER_get_name(lib.OPENSSL_sk_value(sk, i))
                 .decode() for i in range(lib.OPENSSL_sk_num(sk))]
        minimum = lib.SSL_CTX_ctrl(ctx, 130, 0, None)  # GET_MIN_PROTO
        level = lib.SSL_CTX_get_security_level(ctx)
    finally:
        lib.SSL_CTX_free(ctx)
    _system = {"ciphers": names,
               "minimum_version": minimum if minimum else
               int(ssl.TLSVersion.MINIMUM_SUPPORTED),
               "security_level": level}
    return _system


_lib = None


def libssl():
    """The libssl this interpreter's _ssl uses, through ctypes, with the
    prototypes of the few functions called here."""
    global _lib
    if _lib is not None:
        return _lib
    lib = ctypes.CDLL(loaded_libssl())
    p, i, lng = ctypes.c_void_p, ctypes.c_int, ctypes.c_long
    for name, restype, argtypes in (
            ("TLS_server_method", p, []),
            ("SSL_CTX_new", p, [p]),
            ("SSL_CTX_free", None, [p]),
            ("SSL_CTX_get_ciphers", p, [p]),
            ("SSL_CTX_ctrl", lng, [p, i, lng, p]),
            ("SSL_CTX_get_security_level", i, [p]),
            ("SSL_CIPHER_get_name", ctypes.c_char_p, [p]),
            ("OPENSSL_sk_num", i, [p]),
            ("OPENSSL_sk_value", p, [p, i]),
            ("OBJ_sn2nid", i, [ctypes.c_char_p]),
            ("ERR_clear_error", None, [])):
        f = getattr(lib, name)
        f.restype, f.argtypes = restype, argtypes
    _lib = lib
    return lib


def scratch_context(lib):
    """SSL_CTX_new(TLS_server_method()); the caller frees it."""
    ctx = lib.SSL_CTX_new(lib.TLS_server_method())
    if not ctx:
        raise RuntimeError("SSL_CTX_new failed in %s" % loaded_libssl())
    return ctx


def loaded_libssl():
    """The path of the libssl mapped into this process (by import ssl)."""
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if re.search(r"/libssl\.so[.0-9]*$", path):
                return path
    raise RuntimeError("no libssl mapped into this python")


# ------------------------------------------------------------ reference

class Ref:
    """A reference context and the reconciliations made to build it."""

    def __init__(self, ctx, notes):
        self.ctx = ctx
        self.notes = notes


def reference_context(protocol_name, profile):
    """ssl.SSLContext(protocol) as a CPython of the given build flavour
    (profile) and of the current release would make it."""
    if profile not in PROFILES:
        raise ValueError("no such default_suites profile %r" % (profile,))
    ctx = ssl.SSLContext(getattr(ssl, protocol_name))
    notes = []
    own = flavour()
    if own != profile:
        notes.append(apply_profile(ctx, protocol_name, profile, own))
    d = difference("ignore-unexpected-eof")
    has_eof = bool(ctx.options & ssl.OP_IGNORE_UNEXPECTED_EOF)
    if d.applies():
        if not has_eof:
            raise RuntimeError("difference table: %s should apply to "
                               "Python %s, but it does not"
                               % (d.key, interpreter_version()))
        ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
        notes.append(d.note("this Python's SSLContext() sets "
                            "OP_IGNORE_UNEXPECTED_EOF; cleared right after "
                            "construction"))
    return Ref(ctx, notes)


def apply_profile(ctx, protocol_name, profile, own):
    """Make ctx's defaults those of the profile; returns the note."""
    flexible = protocol_name in FLEXIBLE
    if profile == "python":
        ctx.set_ciphers(PYTHON_CIPHERS)
        if flexible:
            ctx.minimum_version = PYTHON_MIN_VERSION
        what = "set_ciphers(CPython's cipher string)%s" % (
            ", minimum_version = TLSv1_2" if flexible else "")
    else:
        system = openssl_system_defaults()
        tls12 = [c for c in system["ciphers"] if not c.startswith("TLS_")]
        ctx.set_ciphers(":".join(tls12) + ":@SECLEVEL=%d"
                        % system["security_level"])
        if flexible:
            ctx.minimum_version = ssl.TLSVersion(system["minimum_version"])
        what = ("set_ciphers(OpenSSL's system default list, %d suites, "
                "@SECLEVEL=%d)%s" % (len(tls12), system["security_level"],
                                     ", minimum_version = %s" %
                                     ssl.TLSVersion(system["minimum_version"])
                                     .name if flexible else ""))
    return ("profile %s on this %s-flavoured Python: applied %s"
            % (profile, own, what))


def set_ecdh_curve(ctx, name, notes):
    """ctx.set_ecdh_curve(name) as current CPython does it.

    Where this Python still goes through EC_KEY (the "ecdh-curve-ec-only"
    difference), what current CPython's SSL_CTX_set1_groups would say is
    asked of OpenSSL on a scratch context, and a different answer is noted
    and followed: a group this Python refuses is taken, an EC curve it
    takes but OpenSSL has no TLS group for is refused. Python 3.11 cannot
    read a context's groups back, so nothing else about ctx changes.
    Raises what current CPython would raise.
    """
    d = difference("ecdh-curve-ec-only")
    try:
        ctx.set_ecdh_curve(name)
    except ssl.SSLError as e:
        if not d.applies() or "UNKNOWN_GROUP" not in str(e):
            raise
        if not openssl_takes_group(name):
            raise
        notes.append(d.note("set_ecdh_curve(%r) refused by this Python "
                            "(%s); OpenSSL's SSL_CTX_set1_groups takes it, "
                            "as current CPython does" % (name, e.reason)))
        return
    if d.applies() and not openssl_takes_group(name):
        notes.append(d.note("set_ecdh_curve(%r) taken by this Python; "
                            "OpenSSL's SSL_CTX_set1_groups refuses it, as "
                            "current CPython does" % (name,)))
        raise ssl.SSLError("set_ecdh_curve(%r): not a group OpenSSL can "
                           "use in TLS (as current CPython)" % (name,))


def openssl_takes_group(name):
    """SSL_CTX_set1_groups(ctx, [OBJ_sn2nid(name)], 1) succeeds."""
    lib = libssl()
    nid = ctypes.c_int(lib.OBJ_sn2nid(name.encode()))
    if nid.value == 0:
        return False
    ctx = scratch_context(lib)
    try:
        ok = lib.SSL_CTX_ctrl(ctx, 91, 1, ctypes.byref(nid)) == 1  # GROUPS
    finally:
        lib.SSL_CTX_free(ctx)
        lib.ERR_clear_error()
    return ok


# ------------------------------------------------------------ commands

def describe():
    return "%s %s %s" % (sys.executable, interpreter_version(), flavour())


def candidates():
    """Commands that may be a python3: $TF_PYTHONS, else python3 in each
    PATH entry and /usr/bin/python3."""
    if os.environ.get("TF_PYTHONS"):
        return os.environ["TF_PYTHONS"].split()
    found = []
    for d in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/bin"]:
        p = os.path.join(d or ".", "python3")
        if os.path.isfile(p) and os.access(p, os.X_OK) and p not in found:
            found.append(p)
    return found


def cmd_list():
    """One line per distinct interpreter (by the real path of its
    executable), in search order."""
    seen = set()
    for cmd in candidates():
        try:
            out = subprocess.run(
                [cmd, os.path.abspath(__file__), "describe"],
                capture_output=True, text=True, timeout=60)
        except OSError as e:
            print("pyref: %s: %s" % (cmd, e), file=sys.stderr)
            return 2
        if out.returncode != 0:
            print("pyref: %s describe failed: %s" % (cmd, out.stderr.strip()),
                  file=sys.stderr)
            return 2
        line = out.stdout.strip()
        real = os.path.realpath(line.split()[0])
        if real not in seen:
            seen.add(real)
            print(line)
    return 0


DEFAULT_PROTOCOLS = ("TLS_SERVER", "TLS", "TLSv1", "TLSv1_1", "TLSv1_2")
# A set_ciphers() string whose order Python and tlsfront must agree on
# (check_context.c's TEST_CIPHERS).
TEST_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AES256:!SHA1"


def defaults_lines(profile):
    """(key, value) reference values of one profile for check_context."""
    notes = []

    def new(p="TLS_SERVER"):
        ref = reference_context("PROTOCOL_" + p, profile)
        for n in ref.notes:
            if n not in notes:
                notes.append(n)
        return ref.ctx

    out = []
    for n in DEFAULT_PROTOCOLS:
        c = new(n)
        out += [(n + ".options", int(c.options)),
                (n + ".minimum_version", int(c.minimum_version)),
                (n + ".maximum_version", int(c.maximum_version)),
                (n + ".ciphers", ":".join(cipher_names(c))),
                (n + ".security_level", c.security_level)]
    c = new()
    for a in ("verify_mode", "verify_flags", "num_tickets"):
        out.append((a, int(getattr(c, a))))
    c = new()
    c.options |= ssl.OP_NO_TICKET | ssl.OP_NO_RENEGOTIATION
    out.append(("options_set", int(c.options)))
    c = new()
    c.options &= ~(ssl.OP_ENABLE_MIDDLEBOX_COMPAT |
                   ssl.OP_CIPHER_SERVER_PREFERENCE)
    out.append(("options_clear", int(c.options)))
    c = new()
    c.minimum_version = ssl.TLSVersion.MAXIMUM_SUPPORTED
    out.append(("minimum_version_of_max", int(c.minimum_version)))
    c = new()
    c.maximum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    out.append(("maximum_version_of_min", int(c.maximum_version)))
    c = new()
    c.set_ciphers(TEST_CIPHERS)
    out.append(("ciphers_custom", ":".join(cipher_names(c))))
    c = new()
    c.verify_flags = ssl.VERIFY_CRL_CHECK_LEAF | ssl.VERIFY_X509_STRICT
    out.append(("verify_flags_set", int(c.verify_flags)))
    c.verify_flags = 0
    out.append(("verify_flags_zero", int(c.verify_flags)))
    for m in ("CERT_NONE", "CERT_OPTIONAL", "CERT_REQUIRED"):
        c = new()
        c.verify_mode = getattr(ssl, m)
        out.append(("verify_mode." + m, int(c.verify_mode)))
    c = new()
    c.num_tickets = 5
    out.append(("num_tickets_5", c.num_tickets))
    for n in ("TLS", "TLSv1_2"):
        try:
            new(n).num_tickets = 1
            out.append(("num_tickets_refused." + n, "no"))
        except ValueError as e:
            out.append(("num_tickets_refused." + n, str(e)))
    return [(profile + "." + k, v) for k, v in out], notes


def cmd_defaults():
    print("# %s" % describe())
    said = set()
    for profile in PROFILES:
        lines, notes = defaults_lines(profile)
        for n in notes:
            if n not in said:
                said.add(n)
                print("# %s" % n)
        for k, v in lines:
            print(k, v)
    return 0


def cmd_differences():
    for d in DIFFERENCES:
        print("%s: %s\n  applies to CPython %s%s\n  history: %s\n  %s\n"
              % (d.key, d.old, d.ranges(),
                 " with OpenSSL 3" if d.openssl3 else "", d.history,
                 d.tlsfront))
    return 0


def main(argv):
    cmds = {"list": cmd_list, "describe": lambda: print(describe()) or 0,
            "defaults": cmd_defaults, "differences": cmd_differences}
    if len(argv) != 2 or argv[1] not in cmds:
        print("usage: pyref.py list|describe|defaults|differences",
              file=sys.stderr)
        return 2
    try:
        return cmds[argv[1]]()
    except RuntimeError as e:
        print("pyref: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
