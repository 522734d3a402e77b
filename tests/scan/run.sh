#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# make check-scan: testssl.sh and sslscan against the shipped
# conf/tlsfront.conf, whose TLS settings are kept exactly; only the
# certificate paths, the listen address and the backend are replaced. The
# server sends a leaf for localhost and its intermediate (tests/scan/
# mkpki.sh); the scanners trust the root. Prints the findings (counts by
# severity, every one at LOW or above), fails on any rated HIGH or CRITICAL
# and on what sslscan must not see, and ends with one line
# "check-scan: PASS" or "check-scan: FAIL (reason)". tests/scan/README.md.
#
# Loopback only: testssl gets the address (--ip 127.0.0.1), makes no DNS
# query about the target (--nodns none) nor in probing its own openssl
# (NXCONNECT=127.0.0.1:0 instead of the name "invalid."), and never phones
# out (PHONE_OUT=false: no CRL, OCSP or pwnedkeys.com fetch); the
# certificate's CRL and OCSP URIs name 127.0.0.1 and are only read.
#
# Environment: TF_SRCDIR, TF_BUILDDIR (set by make check-scan);
# TF_SCAN_TIMEOUT (seconds for testssl, 900); TF_SCAN_CIPHERS (replaces the
# shipped "ciphers" line too, to try an operator's string; the verdict then
# says so); TF_SCAN_CHECKS (testssl's checks instead of the list below, e.g.
# "-S" while working on one); TF_KEEP=1 keeps the work directory with the
# scanners' output.

verdict_fail() {
	echo "check-scan: FAIL ($*)"
	exit 1
}

if [ -z "${TF_SRCDIR:-}" ] || [ -z "${TF_BUILDDIR:-}" ]; then
	verdict_fail "TF_SRCDIR and TF_BUILDDIR must be set: run make check-scan"
fi
for t in testssl sslscan openssl python3 timeout curl diff; do
	command -v "$t" >/dev/null 2>&1 ||
	    verdict_fail "required tool '$t' not found (scripts/deps installs it)"
done
for b in daemon/tlsfrontd tests/helpers/tf_echo; do
	[ -x "$TF_BUILDDIR/$b" ] || verdict_fail "not built: $TF_BUILDDIR/$b"
done

. "$TF_SRCDIR/tests/integration/lib.sh"
TEST_NAME=check-scan
SCAN=$TF_SRCDIR/tests/scan
SHIPPED=$TF_SRCDIR/conf/tlsfront.conf
REPORT="$PYTHON $SCAN/report.py"
TIMEOUT=${TF_SCAN_TIMEOUT:-900}

# lib.sh's fail and hard_error, with the verdict as the last line.
fail() {
	echo "FAIL: [$TEST_NAME] $*" >&2
	_tf_status=1
	_tf_dump_logs
	echo "check-scan: FAIL ($*)"
	exit 1
}
hard_error() {
	echo "ERROR: [$TEST_NAME] $*" >&2
	_tf_status=99
	_tf_dump_logs
	echo "check-scan: FAIL (error: $*)"
	exit 99
}

start=$(date +%s)
log "testssl $(testssl --version 2>/dev/null |
    sed -n 's/^ *testssl *\([0-9][^ ]*\).*/\1/p' | head -n 1)," \
    "$(sslscan --version 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' |
    awk 'NF { print $1; exit }') (sslscan), $(openssl version)"

start_backend http
PORT=$(free_port)
# The CRL and OCSP URIs in the leaf: on loopback, and not served (testssl
# fetches them only with --phone-out, which would also query
# pwnedkeys.com).
PKI_URL=http://127.0.0.1:$(free_port)
sh "$SCAN/mkpki.sh" "$WORK/pki" "$PKI_URL" >&2 ||
    hard_error "tests/scan/mkpki.sh failed"

# The shipped configuration with exactly these lines replaced.
cat >subst.txt <<EOF
				certfile = "/etc/tlsfront/site.pem";
				certfile = "$WORK/pki/chain.pem";
				keyfile = "/etc/tlsfront/site.key";
				keyfile = "$WORK/pki/leaf.key";
	{ listen = "0.0.0.0:443"; context = "default"; backend = "app"; }
	{ listen = "127.0.0.1:$PORT"; context = "default"; backend = "app"; }
		servers = [ "127.0.0.1:8080" ];
		servers = [ "127.0.0.1:$BACKEND_PORT" ];
EOF
if [ -n "${TF_SCAN_CIPHERS:-}" ]; then
	grep '^		ciphers = "' "$SHIPPED" >>subst.txt ||
	    hard_error "no ciphers line in $SHIPPED"
	printf '\t\tciphers = "%s";\n' "$TF_SCAN_CIPHERS" >>subst.txt
fi
"$PYTHON" - "$SHIPPED" subst.txt tlsfront.conf <<'EOF' ||
import sys
shipped, subst, conf = sys.argv[1:4]
lines = open(shipped).read().split("\n")
pairs = open(subst).read().rstrip("\n").split("\n")
for old, new in zip(pairs[0::2], pairs[1::2]):
    n = lines.count(old)
    if n != 1:
        sys.exit("%s: %d lines are %r, expected 1" % (shipped, n, old))
    lines[lines.index(old)] = new
open(conf, "w").write("\n".join(lines))
EOF
    hard_error "cannot substitute the lines of subst.txt in $SHIPPED"
# What differs from the shipped file is those lines and nothing else.
diff "$SHIPPED" tlsfront.conf | grep '^[<>]' | sed 's/^[<>] //' |
    LC_ALL=C sort >changed.txt
LC_ALL=C sort subst.txt | cmp -s - changed.txt || {
	diff "$SHIPPED" tlsfront.conf >&2
	hard_error "the scanned configuration differs from the shipped one" \
	    "in more than the substituted lines"
}
log "configuration: $SHIPPED with $(($(wc -l <subst.txt) / 2)) lines" \
    "replaced:"
diff "$SHIPPED" tlsfront.conf | grep '^>' | sed 's/^> */  /' >&2

"$TF_DAEMON" -t -c tlsfront.conf >check.out 2>&1 ||
    { cat check.out >&2; fail "tlsfrontd -t refuses the configuration"; }
"$TF_DAEMON" --explain -c tlsfront.conf >explain.txt 2>&1 ||
    { cat explain.txt >&2; fail "tlsfrontd --explain failed"; }
start_tlsfront tlsfront.conf

# The chain verifies against the root, for the name, through to the backend.
body=$(timeout -k 5 30 curl -sS --fail --cacert "$WORK/pki/root.pem" \
    --resolve "localhost:$PORT:127.0.0.1" "https://localhost:$PORT/" \
    2>curl.err) || { cat curl.err >&2; fail "curl through tlsfrontd failed"; }
[ "$body" = "hello from tf_echo" ] || fail "curl: body '$body'"

# testssl: its default run less two parts. The HTTP header checks (-h)
# rate the backend's headers (HSTS, security headers): tlsfrontd forwards
# bytes and adds none. The client simulations (-c) rate nothing above INFO
# and take the longest part, about 130 s of 340 (TF_SCAN_CHECKS="-p -s -f
# -P -S -U -e -c" adds them back). What runs: -p protocols, -s cipher
# categories, -f forward secrecy, -P server preferences (cipher order per
# protocol), -S server defaults and certificate, -U every vulnerability
# check, -e each of testssl's 370 ciphers.
# Each line of testssl's text output is stamped with the seconds since it
# started, so that the log shows which part took how long.
log "testssl (at most $TIMEOUT s)"
t0=$(date +%s)
{
	# shellcheck disable=SC2086
	timeout -k 10 "$TIMEOUT" env PHONE_OUT=false NXCONNECT=127.0.0.1:0 \
	    testssl --quiet \
	    --color 0 --warnings off --nodns none --ip 127.0.0.1 \
	    --add-ca "$WORK/pki/root.pem" \
	    --connect-timeout 30 --openssl-timeout 30 \
	    --jsonfile "$WORK/testssl.json" \
	    ${TF_SCAN_CHECKS:--p -s -f -P -S -U -e} "localhost:$PORT" \
	    </dev/null 2>&1
	echo $? >testssl.status
} | while IFS= read -r line; do
	printf '%4d %s\n' $(($(date +%s) - t0)) "$line"
done >testssl.txt
ts_status=$(cat testssl.status 2>/dev/null || echo 99)
ts_time=$(($(date +%s) - t0))
log "testssl exited with status $ts_status after $ts_time s"
if [ "$ts_status" -eq 124 ] || [ "$ts_status" -eq 137 ]; then
	tail -n 30 testssl.txt >&2
	fail "testssl did not finish within $TIMEOUT s"
fi

log "sslscan"
t0=$(date +%s)
timeout -k 5 300 sslscan --no-colour --sni-name=localhost \
    --xml="$WORK/sslscan.xml" "127.0.0.1:$PORT" </dev/null >sslscan.txt 2>&1
ss_status=$?
ss_time=$(($(date +%s) - t0))
log "sslscan exited with status $ss_status after $ss_time s"

stop_tlsfront

echo
echo "== testssl.sh $(sed -n 's/^ *[0-9]* *Start.*-->> \(.*\) <<--$/\1/p' testssl.txt)"
echo "testssl.sh parts, seconds from its start:"
sed -n 's/^ *\([0-9]*\)  *\(Start\|Testing\|Running\|Done\) \(.*\)/  \1 s  \2 \3/p' \
    testssl.txt | sed 's/ *$//'
echo
$REPORT testssl testssl.json 2>report-testssl.err
ts_rc=$?
cat report-testssl.err >&2
echo "== sslscan"
$REPORT sslscan sslscan.xml explain.txt 2>report-sslscan.err
ss_rc=$?
cat report-sslscan.err >&2

total=$(($(date +%s) - start))
echo "durations: testssl $ts_time s, sslscan $ss_time s, check-scan $total s"
if [ -n "${TF_SCAN_CHECKS:-}" ]; then
	echo "NOTE: testssl ran $TF_SCAN_CHECKS only, not the whole list"
fi
if [ -n "${TF_SCAN_CIPHERS:-}" ]; then
	echo "NOTE: ciphers replaced by \"$TF_SCAN_CIPHERS\": not the" \
	    "shipped configuration"
fi

reasons=""
[ "$ts_rc" -eq 0 ] || reasons="$(tail -n 1 report-testssl.err)"
if [ "$ss_rc" -ne 0 ]; then
	[ -z "$reasons" ] || reasons="$reasons; "
	reasons="$reasons$(tail -n 1 report-sslscan.err)"
fi
if [ -n "$reasons" ]; then
	_tf_status=1
	echo "check-scan: FAIL ($reasons)"
	exit 1
fi
echo "check-scan: PASS"
exit 0
