#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# tlsfront: reads what the TLS scanners of tests/scan/run.sh wrote, prints
# it for a person (counts by severity, every finding at LOW or above) and
# says whether the scan passes. Exit 0: pass; 1: a finding fails the scan
# (the reason is the last line of stderr); 2: the scanner's output is
# missing or unreadable.
#
#   report.py testssl JSONFILE
#       testssl.sh's flat JSON (--jsonfile): fails on any finding rated
#       HIGH or CRITICAL, or if the scan did not finish (no scanTime).
#   report.py sslscan XMLFILE EXPLAINFILE
#       sslscan's --xml: fails if a protocol is accepted that the
#       "clients that can connect" table of tlsfrontd --explain (real
#       handshakes, EXPLAINFILE) says no to, or the other way round; if
#       SSLv2, SSLv3, TLS 1.0 or TLS 1.1 is accepted at all (the shipped
#       configuration's minimum is TLS 1.2); if a cipher is accepted that --explain does not list,
#       or one below 128 bits or not rated strong or acceptable; on
#       heartbleed, TLS compression or insecure renegotiation.

import json
import re
import sys
import xml.etree.ElementTree as ET

SEVERITIES = ["OK", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL", "WARN"]
SHOWN = ["LOW", "MEDIUM", "HIGH", "CRITICAL", "WARN"]
FAILING = ["HIGH", "CRITICAL"]

# sslscan's protocol elements ("ssl" 2, "tls" 1.0) by the names that
# tlsfrontd --explain gives the pinned clients of each version.
PROTOCOLS = [
    (("ssl", "2"), "SSLv2"),
    (("ssl", "3"), "SSLv3"),
    (("tls", "1.0"), "TLSv1"),
    (("tls", "1.1"), "TLSv1_1"),
    (("tls", "1.2"), "TLSv1_2"),
    (("tls", "1.3"), "TLSv1_3"),
]
LEGACY = ["SSLv2", "SSLv3", "TLSv1", "TLSv1_1"]


def out(line=""):
    print(line, flush=True)


def testssl(path):
    try:
        with open(path) as f:
            findings = json.load(f)
    except (OSError, ValueError) as e:
        print("report.py: %s: %s" % (path, e), file=sys.stderr)
        return 2
    if not any(f.get("id") == "scanTime" for f in findings):
        print("testssl: the scan did not finish (no scanTime in %s)" % path,
              file=sys.stderr)
        return 2
    counts = {s: 0 for s in SEVERITIES}
    for f in findings:
        sev = f.get("severity", "?")
        counts[sev] = counts.get(sev, 0) + 1
    out("testssl.sh findings by severity:")
    for sev, n in counts.items():
        out("  %-9s %4d" % (sev, n))
    out()
    shown = [f for f in findings if f.get("severity") in SHOWN]
    shown.sort(key=lambda f: SHOWN[::-1].index(f["severity"])
               if f["severity"] != "WARN" else len(SHOWN))
    out("testssl.sh findings at LOW or above (and WARN: what it could not test):")
    if not shown:
        out("  (none)")
    for f in shown:
        out("  %-8s %-26s %s" % (f["severity"], f["id"],
                                 " ".join(f.get("finding", "").split())))
    out()
    bad = [f["id"] for f in findings if f.get("severity") in FAILING]
    if bad:
        print("testssl: %d finding(s) rated HIGH or CRITICAL: %s" %
              (len(bad), " ".join(bad)), file=sys.stderr)
        return 1
    return 0


def explain_clients(path):
    """The "clients that can connect" table: {client: True/False}."""
    table = {}
    inside = False
    with open(path) as f:
        for line in f:
            if "clients that can connect" in line:
                inside = True
                continue
            if not inside:
                continue
            m = re.match(r"^\s+(\S+)\s+(yes|no)\s", line)
            if m:
                table[m.group(1)] = m.group(2) == "yes"
            elif line.strip() and not line.strip().startswith("client "):
                break
    return table


def explain_ciphers(path):
    """The cipher names listed under "ciphers, in order"."""
    names = set()
    inside = False
    with open(path) as f:
        for line in f:
            if "ciphers, in order" in line:
                inside = True
                continue
            if inside:
                m = re.match(r"^\s+\d+\s+(\S+)\s*$", line)
                if not m:
                    break
                names.add(m.group(1))
    return names


def sslscan(path, explain):
    try:
        root = ET.parse(path).getroot()
        clients = explain_clients(explain)
        listed = explain_ciphers(explain)
    except (OSError, ET.ParseError) as e:
        print("report.py: %s" % e, file=sys.stderr)
        return 2
    test = root.find("ssltest")
    if test is None or not clients or not listed:
        print("report.py: no ssltest in %s, or no client table or cipher "
              "list in %s" % (path, explain), file=sys.stderr)
        return 2
    problems = []

    enabled = {}
    for p in test.findall("protocol"):
        enabled[(p.get("type"), p.get("version"))] = p.get("enabled") == "1"
    out("sslscan protocols:      accepted  --explain says")
    for key, name in PROTOCOLS:
        got = enabled.get(key)
        want = clients.get(name, False)
        out("  %-8s %-13s %-9s %s" % (name, "%s %s" % key,
                                      {True: "yes", False: "no",
                                       None: "?"}[got],
                                      "yes" if want else "no"))
        if got is None:
            problems.append("sslscan did not test %s" % name)
        elif got and name in LEGACY:
            problems.append("legacy protocol %s accepted" % name)
        elif got != want:
            problems.append("%s: sslscan %s, --explain %s" %
                            (name, "accepted" if got else "refused",
                             "yes" if want else "no"))
    out()

    out("sslscan ciphers accepted:")
    ciphers = test.findall("cipher")
    for c in ciphers:
        name, bits = c.get("cipher"), int(c.get("bits", "0"))
        strength = c.get("strength", "?")
        out("  %-9s %-8s %3d bits  %-32s %s" % (c.get("status"),
                                                 c.get("sslversion"), bits,
                                                 name, strength))
        if bits < 128:
            problems.append("weak cipher %s (%d bits)" % (name, bits))
        if strength not in ("strong", "acceptable"):
            problems.append("cipher %s rated %s" % (name, strength))
        if name not in listed:
            problems.append("cipher %s accepted, not listed by --explain" %
                            name)
    if not ciphers:
        problems.append("sslscan found no cipher")
    strengths = {}
    for c in ciphers:
        strengths[c.get("strength")] = strengths.get(c.get("strength"), 0) + 1
    out("sslscan ciphers by strength: " +
        ", ".join("%s %d" % kv for kv in sorted(strengths.items())))
    out()

    groups = test.findall("group")
    small = sorted({"%s (%s bits)" % (g.get("name"), g.get("bits"))
                    for g in groups if int(g.get("bits", "0")) < 128})
    out("sslscan key exchange groups: %d; below 128-bit strength: %s" %
        (len(groups), ", ".join(small) if small else "none"))

    for hb in test.findall("heartbleed"):
        if hb.get("vulnerable") == "1":
            problems.append("heartbleed (%s)" % hb.get("sslversion"))
    comp = test.find("compression")
    if comp is not None and comp.get("supported") == "1":
        problems.append("TLS compression supported")
    reneg = test.find("renegotiation")
    if reneg is not None:
        sup, sec = reneg.get("supported") == "1", reneg.get("secure") == "1"
        out("sslscan renegotiation: %s" %
            ("not supported" if not sup else
             "secure" if sec else "INSECURE"))
        if sup and not sec:
            problems.append("insecure renegotiation")
    out("sslscan heartbleed: %s" %
        ("VULNERABLE" if any(h.get("vulnerable") == "1"
                             for h in test.findall("heartbleed"))
         else "not vulnerable"))
    out()

    if problems:
        out("sslscan problems:")
        for p in problems:
            out("  " + p)
        out()
        print("sslscan: " + "; ".join(problems), file=sys.stderr)
        return 1
    out("sslscan problems: none")
    out()
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "testssl":
        return testssl(argv[2])
    if len(argv) == 4 and argv[1] == "sslscan":
        return sslscan(argv[2], argv[3])
    print("usage: report.py testssl JSONFILE | "
          "sslscan XMLFILE EXPLAINFILE", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
