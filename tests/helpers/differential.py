#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""Differential test: tlsfront's contexts against Python's ssl.SSLContext,
on every python3 of the machine.

For every case of the corpus (tests/differential/corpus.json: a list of
{"name", "settings", optional "note", optional "refused"}) and each
default_suites profile ("python", "openssl"; a case that sets
default_suites itself runs in that one), this writes a tlsfront.conf whose
one context has the case's settings (plus a certificate from
tests/mkcerts.sh) and runs `tlsfrontd --explain --json -c` on it. Then every
python3 that tests/helpers/pyref.py finds builds ssl.SSLContext(protocol)
with the same settings, in the order tlsfront applies them, as the profile
and current CPython would (pyref.reference_context: a profile that is not
the interpreter's own build flavour is applied explicitly, and CPython
release differences are reconciled, each one reported). Both views are
compared: options word, minimum/maximum version, security level,
get_ciphers() names in order, verify mode and flags, num_tickets,
post_handshake_auth, check_hostname and cert_store_stats(). A
PROTOCOL_TLS_CLIENT case is a backend's client context (tls = "c"); its
Python twin sets check_hostname before verify_mode and, without
verify_locations, calls load_default_certs() last, as
ssl.create_default_context() does. A case Python refuses must be refused by
`tlsfrontd -t` too, and the other way round.

Settings Python 3.11 has no setter for (ciphersuites, groups) cannot be
judged by Python: for them tlsfront's report is compared with the setting
itself (TLS 1.3 suites in the given order; the group list), and a case may
say "refused": true/false to state the expected outcome.

Path values (certfile, keyfile, dh_params, cafile, capath, cadata,
keylog_filename, crlfile) starting with "@" name files in the certificate
directory ("@ca.pem"); "@dh" is a DH parameter file made here, "@capath" a
directory, "@crl" a CRL of the test CA; cadata = "@ca.pem" stands for that
file's PEM text. verify_locations.crlfile is Python's load_verify_locations
(cafile=crlfile) after the others; verify_depth has no Python setter and
changes nothing compared.

Prints TAP: one "ok"/"not ok" line per interpreter, case and profile; for
each interpreter the reconciliations it needed and a summary line
"# EXECUTABLE VERSION (FLAVOUR suites): N cases, N equal, N differ ...";
last "# N cases, N equal, N differ" for all of them. Exit status 1 if any
case differs. ("differential.py reference" is what each interpreter runs.)
"""

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import warnings

import ssl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pyref  # noqa: E402

warnings.simplefilter("ignore", DeprecationWarning)

# OP_* names Python 3.11 lacks; their OpenSSL values.
EXTRA_OPTIONS = {"OP_ENABLE_KTLS": 0x8, "OP_LEGACY_SERVER_CONNECT": 0x4}

COMPARED = ("options", "minimum_version", "maximum_version", "security_level",
            "ciphers", "verify_mode", "verify_flags", "num_tickets",
            "post_handshake_auth", "check_hostname", "cert_store_stats")

CLIENT = "PROTOCOL_TLS_CLIENT"

TLS13_PREFIX = "TLS_"

PATH_KEYS = ("certfile", "keyfile", "dh_params", "cafile", "capath", "cadata",
             "keylog_filename", "crlfile")


class Refused(Exception):
    """The settings were refused (by Python or by tlsfront)."""


def resolve(value, certs):
    """Map "@name" (of a path key) to a path in the certificate directory."""
    if isinstance(value, str) and value.startswith("@"):
        return os.path.join(certs, value[1:])
    return value


def option_value(name):
    if hasattr(ssl, name) and name.startswith("OP_"):
        return int(getattr(ssl, name))
    if name in EXTRA_OPTIONS:
        return EXTRA_OPTIONS[name]
    raise Refused("unknown option %s" % name)


def case_profiles(case):
    """The default_suites profiles a case runs in."""
    own = case["settings"].get("default_suites")
    return [own] if own is not None else list(pyref.PROFILES)


def python_context(settings, certs, profile, notes):
    """ssl.SSLContext built from settings in tlsfront's order, as a CPython
    of the profile's build flavour would; reconciliations go to notes."""
    s = dict(settings)
    try:
        proto_name = s.get("protocol", "PROTOCOL_TLS_SERVER")
        if not proto_name.startswith("PROTOCOL_") or \
                not hasattr(ssl, proto_name):
            raise Refused("ssl has no %s" % proto_name)
        if profile not in pyref.PROFILES:
            raise Refused("CPython has no --with-ssl-default-suites=%s "
                          "flavour" % profile)
        ref = pyref.reference_context(proto_name, profile)
        ctx = ref.ctx
        notes.extend(ref.notes)
        opts = s.get("options", [])
        for name in opts:
            if not name.startswith("!"):
                ctx.options |= option_value(name)
        for name in opts:
            if name.startswith("!"):
                ctx.options &= ~option_value(name[1:])
        for key in ("minimum_version", "maximum_version"):
            if key in s:
                if s[key] not in ssl.TLSVersion.__members__:
                    raise Refused("no TLSVersion %s" % s[key])
                setattr(ctx, key, ssl.TLSVersion[s[key]])
        if "ciphers" in s:
            ctx.set_ciphers(s["ciphers"])
        if "ecdh_curve" in s:
            pyref.set_ecdh_curve(ctx, s["ecdh_curve"], notes)
        if "dh_params" in s:
            ctx.load_dh_params(resolve(s["dh_params"], certs))
        # tlsfront applies check_hostname first: the one order in which
        # check_hostname = False; verify_mode = CERT_NONE is accepted.
        if "check_hostname" in s:
            ctx.check_hostname = s["check_hostname"]
        if "verify_mode" in s:
            if s["verify_mode"] not in ssl.VerifyMode.__members__:
                raise Refused("no VerifyMode %s" % s["verify_mode"])
            ctx.verify_mode = ssl.VerifyMode[s["verify_mode"]]
        if "verify_locations" in s:
            loc = {k: resolve(v, certs) for k, v in
                   s["verify_locations"].items()}
            # No setter: a cafile that holds only CRLs loads them alike.
            crlfile = loc.pop("crlfile", None)
            if "cadata" in loc:
                with open(loc["cadata"]) as f:
                    loc["cadata"] = f.read()
            ctx.load_verify_locations(**loc)
            if crlfile is not None:
                ctx.load_verify_locations(cafile=crlfile)
        # verify_depth: no setter, nothing compared changes.
        if "verify_flags" in s:
            flags = 0
            for name in s["verify_flags"]:
                if name not in ssl.VerifyFlags.__members__:
                    raise Refused("no VerifyFlags %s" % name)
                flags |= ssl.VerifyFlags[name]
            ctx.verify_flags = flags
        if "alpn_protocols" in s:
            ctx.set_alpn_protocols(s["alpn_protocols"])
        if "num_tickets" in s:
            ctx.num_tickets = s["num_tickets"]
        if "post_handshake_auth" in s:
            ctx.post_handshake_auth = s["post_handshake_auth"]
        if "keylog_filename" in s:
            ctx.keylog_filename = resolve(s["keylog_filename"], certs)
        default_chain = [] if proto_name == CLIENT else \
            [{"certfile": "@rsa.pem", "keyfile": "@rsa.key"}]
        for cert in s.get("cert_chain", default_chain):
            ctx.load_cert_chain(resolve(cert["certfile"], certs),
                                resolve(cert.get("keyfile"), certs),
                                cert.get("password"))
        # A client context is create_default_context()'s: without
        # verify_locations, the system CAs (load_default_certs()).
        if proto_name == CLIENT and "verify_locations" not in s:
            ctx.load_default_certs()
    except (ValueError, OSError, TypeError, AttributeError, KeyError) as e:
        raise Refused("%s: %s" % (type(e).__name__, e)) from e
    return {
        "options": int(ctx.options),
        "minimum_version": int(ctx.minimum_version),
        "maximum_version": int(ctx.maximum_version),
        "security_level": ctx.security_level,
        "ciphers": [c["name"] for c in ctx.get_ciphers()],
        "verify_mode": int(ctx.verify_mode),
        "verify_flags": int(ctx.verify_flags),
        "num_tickets": ctx.num_tickets,
        "post_handshake_auth": bool(ctx.post_handshake_auth),
        "check_hostname": bool(ctx.check_hostname),
        "cert_store_stats": ctx.cert_store_stats(),
    }


def cmd_reference(args):
    """Run by each interpreter: Python's view of every (case, profile) as
    one JSON object {"CASE/PROFILE": {"context"|"refused", "notes"}}."""
    out = {}
    for case in args.corpus_cases:
        for profile in case_profiles(case):
            notes = []
            try:
                r = {"context": python_context(case["settings"], args.certs,
                                               profile, notes)}
            except Refused as e:
                r = {"refused": str(e)}
            r["notes"] = notes
            out["%s/%s" % (case["name"], profile)] = r
    json.dump(out, sys.stdout)
    return 0


def conf_value(value, certs, key=None):
    """A settings value (of key) in libconfig syntax."""
    if key == "cadata":
        with open(resolve(value, certs)) as f:
            return json.dumps(f.read())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(resolve(value, certs) if key in PATH_KEYS
                          else value)
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "( " + ", ".join(conf_value(v, certs) for v in value) + \
                " )"
        return "[ " + ", ".join(conf_value(v, certs) for v in value) + " ]"
    if isinstance(value, dict):
        return "{ " + " ".join("%s = %s;" % (k, conf_value(v, certs, k))
                               for k, v in value.items()) + " }"
    raise TypeError("cannot write %r" % (value,))


def write_conf(path, settings, certs, profile):
    """A tlsfront.conf for the case; the "python" profile is left to the
    default, so that both the default and the key are exercised."""
    s = dict(settings)
    client = s.get("protocol") == CLIENT
    if not client:
        s.setdefault("cert_chain", [{"certfile": "@rsa.pem",
                                     "keyfile": "@rsa.key"}])
    lines = ["contexts = {", "  c = {"]
    if "default_suites" not in s and profile != "python":
        lines.append("    default_suites = %s;" % json.dumps(profile))
    for key, value in s.items():
        lines.append("    %s = %s;" % (key, conf_value(value, certs, key)))
    lines.append("  };")
    if client:
        # A client context serves a backend; the listener has its own.
        lines.append('  srv = { cert_chain = ( { certfile = %s; keyfile = '
                     '%s; } ); };' % (conf_value("@rsa.pem", certs,
                                                 "certfile"),
                                      conf_value("@rsa.key", certs,
                                                 "keyfile")))
    lines += ["};",
              'listeners = ( { listen = "127.0.0.1:9"; context = "%s"; '
              'backend = "b"; } );' % ("srv" if client else "c"),
              'backends = { b = { servers = [ "127.0.0.1:9" ];%s }; };'
              % (' tls = "c";' if client else ""), ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def tlsfront_context(daemon, conf, timeout):
    """The explained context "c", or Refused with tlsfrontd -t's words."""
    r = subprocess.run([daemon, "--explain", "--json", "-c", conf],
                       capture_output=True, text=True, timeout=timeout)
    if r.returncode == 0:
        return json.loads(r.stdout)["contexts"]["c"]
    t = subprocess.run([daemon, "-t", "-c", conf], capture_output=True,
                       text=True, timeout=timeout)
    if t.returncode == 0:
        raise RuntimeError("--explain failed (%d: %s) but -t passed"
                           % (r.returncode, r.stderr.strip()))
    raise Refused(t.stderr.strip().replace("\n", " | "))


def tlsfront_unit(case, profile, args, n):
    """tlsfront's view of one (case, profile): ("context", dict),
    ("refused", why) or ("error", why)."""
    conf = os.path.join(args.work, "case%02d-%s.conf" % (n, profile))
    write_conf(conf, case["settings"], args.certs, profile)
    try:
        tf = tlsfront_context(args.daemon, conf, args.timeout)
    except Refused as e:
        return "refused", str(e)
    except (RuntimeError, subprocess.TimeoutExpired, KeyError,
            json.JSONDecodeError) as e:
        return "error", "%s: %s" % (type(e).__name__, e)
    if tf.get("default_suites") != profile:
        return "error", "--explain says default_suites %r, configured %r" \
            % (tf.get("default_suites"), profile)
    return "context", tf


def split13(ciphers):
    return ([c for c in ciphers if c.startswith(TLS13_PREFIX)],
            [c for c in ciphers if not c.startswith(TLS13_PREFIX)])


def compare(settings, py, tf):
    """Differences between Python's and tlsfront's view, as strings."""
    diffs = []
    for key in COMPARED:
        a, b = py[key], tf.get(key)
        if key == "ciphers" and "ciphersuites" in settings:
            want13 = settings["ciphersuites"].split(":")
            got13, b = split13(b)
            a = split13(a)[1]
            if got13 != want13:
                diffs.append("TLS 1.3 suites %s, configured %s"
                             % (got13, want13))
        if a != b:
            diffs.append("%s: python %r, tlsfront %r" % (key, a, b))
    if "groups" in settings and tf["groups"] != settings["groups"]:
        diffs.append("groups %r, configured %r" % (tf["groups"],
                                                   settings["groups"]))
    if tf["alpn_protocols"] != settings.get("alpn_protocols", []):
        diffs.append("alpn_protocols %r" % (tf["alpn_protocols"],))
    return diffs


def judge(case, py, tf):
    """(differences, what) of one unit: Python's reference result py
    ({"context"|"refused"}) against tlsfront's (kind, value)."""
    kind, value = tf
    if kind == "error":
        return ["error: %s" % value], ""
    py_err = py.get("refused")
    if "refused" in case:
        # No Python setter: the case states the outcome itself.
        expected_refused = case["refused"]
        if py_err is not None and not expected_refused:
            return ["python refused: %s" % py_err], ""
    else:
        expected_refused = py_err is not None
    tf_err = value if kind == "refused" else None
    if expected_refused or tf_err is not None:
        if expected_refused and tf_err is not None:
            return [], "both refuse (python: %s; tlsfront: %s)" % (
                py_err or "no setter", tf_err)
        if tf_err is None:
            return ["python refuses (%s), tlsfront accepts" % py_err], ""
        return ["tlsfront refuses (%s), python accepts" % tf_err], ""
    return compare(case["settings"], py["context"], value), "equal"


def make_dh(certs):
    path = os.path.join(certs, "dh")
    if not os.path.exists(path):
        subprocess.run(["openssl", "genpkey", "-genparam", "-algorithm", "DH",
                        "-pkeyopt", "dh_param:ffdhe2048", "-out", path],
                       check=True, capture_output=True)
    capath = os.path.join(certs, "capath")
    os.makedirs(capath, exist_ok=True)
    make_crl(certs)


def make_crl(certs):
    """"@crl": a CRL of the test CA (`openssl ca -gencrl`), revoking
    nothing."""
    path = os.path.join(certs, "crl")
    if os.path.exists(path):
        return
    d = os.path.join(certs, "crl-ca")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "crlnumber"), "w") as f:
        f.write("01\n")
    cnf = os.path.join(d, "ca.cnf")
    with open(cnf, "w") as f:
        f.write("[ca]\ndefault_ca = c\n[c]\ndatabase = %s\n"
                "crlnumber = %s\ndefault_md = sha256\n"
                "default_crl_days = 30\n"
                % (os.path.join(d, "index.txt"), os.path.join(d, "crlnumber")))
    subprocess.run(["openssl", "ca", "-batch", "-gencrl", "-config", cnf,
                    "-keyfile", os.path.join(certs, "ca.key"),
                    "-cert", os.path.join(certs, "ca.pem"), "-out", path],
                   check=True, capture_output=True)


def interpreters():
    """pyref's list: (executable, version, flavour) per python3."""
    r = subprocess.run([sys.executable, pyref.__file__, "list"],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0 or not r.stdout.strip():
        raise RuntimeError("pyref.py list failed: %s" % r.stderr.strip())
    return [tuple(line.split()) for line in r.stdout.splitlines()]


def references(exe, args):
    """What interpreter exe makes of every (case, profile)."""
    cmd = [exe, os.path.abspath(__file__), "reference", "--corpus",
           args.corpus, "--certs", args.certs]
    if args.only:
        cmd += ["--only", args.only]
    r = subprocess.run(cmd, capture_output=True, text=True,
                       timeout=args.timeout * 10)
    if r.returncode != 0:
        raise RuntimeError("%s differential.py reference failed: %s"
                           % (exe, r.stderr.strip()))
    return json.loads(r.stdout)


def load_corpus(args):
    with open(args.corpus) as f:
        corpus = json.load(f)
    names = [c["name"] for c in corpus]
    if len(set(names)) != len(names):
        raise RuntimeError("duplicate case names in corpus")
    if args.only:
        corpus = [c for c in corpus if c["name"] == args.only]
    return corpus


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", nargs="?", default="compare",
                    choices=("compare", "reference"))
    ap.add_argument("--daemon")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--certs", required=True, help="tests/mkcerts.sh dir")
    ap.add_argument("--work", help="directory for configs")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--only", help="run only the case with this name")
    ap.add_argument("--jobs", type=int, default=4)
    args = ap.parse_args()
    try:
        if args.command == "reference":
            args.corpus_cases = load_corpus(args)
            return cmd_reference(args)
        if not args.daemon or not args.work:
            ap.error("compare needs --daemon and --work")
        return cmd_compare(args)
    except RuntimeError as e:
        print("Bail out! %s" % e)
        return 2


def cmd_compare(args):
    corpus = load_corpus(args)
    make_dh(args.certs)
    pythons = interpreters()
    units = [(n, case, profile) for n, case in enumerate(corpus, 1)
             for profile in case_profiles(case)]
    print("1..%d" % (len(units) * len(pythons)))
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        tf = list(pool.map(lambda u: tlsfront_unit(u[1], u[2], args, u[0]),
                           units))
    t = 0
    total_diff = 0
    for exe, version, flavour in pythons:
        refs = references(exe, args)
        label = "%s %s (%s suites)" % (exe, version, flavour)
        ndiff, notes, per_profile = 0, {}, {}
        for (n, case, profile), tfu in zip(units, tf):
            t += 1
            py = refs["%s/%s" % (case["name"], profile)]
            for note in py["notes"]:
                notes[note] = notes.get(note, 0) + 1
            diffs, what = judge(case, py, tfu)
            seen, bad = per_profile.get(profile, (0, 0))
            per_profile[profile] = (seen + 1, bad + (1 if diffs else 0))
            ndiff += report(t, "%s %s, profile %s: %s" % (
                exe, version, profile, case["name"]), diffs, what)
        for note, count in sorted(notes.items()):
            print("# %s: %s (%d comparison%s)" % (
                label, note, count, "" if count == 1 else "s"))
        parts = []
        for profile in list(pyref.PROFILES) + sorted(
                set(per_profile) - set(pyref.PROFILES)):
            seen, bad = per_profile.get(profile, (0, 0))
            how = ("as built" if profile == flavour else "applied explicitly"
                   if profile in pyref.PROFILES else "(no such profile)")
            parts.append("profile %s %s: %d/%d equal" % (
                profile, how, seen - bad, seen))
        count = len(units)
        print("# %s: %d cases, %d equal, %d differ (%s)" % (
            label, count, count - ndiff, ndiff, "; ".join(parts)))
        total_diff += ndiff
    print("# %d cases, %d equal, %d differ" % (t, t - total_diff, total_diff))
    return 1 if total_diff else 0


def report(n, name, diffs, what):
    """Print the unit's TAP line; 1 if it differs."""
    if diffs:
        print("not ok %d - %s: differ: %s" % (n, name, "; ".join(diffs)))
        sys.stdout.flush()
        return 1
    print("ok %d - %s: %s" % (n, name, what))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
