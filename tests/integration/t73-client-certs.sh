#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Client certificates end to end, with a PKI made by `openssl ca`
# (tests/mkpki.sh): with VERIFY_CRL_CHECK_LEAF a good certificate is
# relayed, a revoked one refused with certificate_revoked (44), one of an
# untrusted CA with unknown_ca (48), none with certificate_required (116,
# TLS 1.3) under CERT_REQUIRED but accepted under CERT_OPTIONAL; without the
# flag the revoked one passes; a CRL in cafile or in a hashed capath works
# as crlfile does; VERIFY_CRL_CHECK_CHAIN consults the intermediate's CRL
# too; verify_depth 0 refuses a chain that needs an intermediate. Clients:
# openssl s_client, Python's ssl (every python3), curl, gnutls-cli. Each
# access line's client_subject/issuer/serial/fingerprint equal what
# `openssl x509 -nameopt RFC2253` prints, and a refusal's detail names the
# verify error. VERIFY_X509_STRICT and VERIFY_X509_PARTIAL_CHAIN act on
# the wire. -t: crlfile errors at file:line and the CRL warnings.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl gnutls-cli curl
make_certs
PKI=$WORK/pki
sh "$TF_SRCDIR/tests/mkpki.sh" "$PKI" >&2 || hard_error "tests/mkpki.sh failed"
cat "$PKI/root.crl" "$PKI/inter.crl" >"$PKI/both.crl"
cat "$PKI/root-inter.crl" "$PKI/inter.crl" >"$PKI/both-inter-revoked.crl"
start_backend echo
ECHO_PORT=$BACKEND_PORT
start_backend http
HTTP_PORT=$BACKEND_PORT

# ctx NAME VERIFY-MODE LOCATIONS [EXTRA]: one context.
ctx() {
	echo "  $1 = { $CERT_RSA verify_mode = \"$2\";
    verify_locations = { $3 }; ${4:-} };"
}
LEAF='verify_flags = [ "VERIFY_CRL_CHECK_LEAF", "VERIFY_X509_TRUSTED_FIRST" ];'
CHAIN='verify_flags = [ "VERIFY_CRL_CHECK_CHAIN" ];'
ROOT="cafile = \"$PKI/root.pem\";"
PL=$(free_port); PW=$(free_port); PO=$(free_port); PN=$(free_port)
PC=$(free_port); PP=$(free_port); PH=$(free_port); PHL=$(free_port)
PHR=$(free_port); PHI=$(free_port); PD0=$(free_port); PD1=$(free_port)
PS=$(free_port); PPC=$(free_port); PNP=$(free_port)
write_conf_ctx tlsfront.conf \
"$(ctx leaf CERT_REQUIRED "$ROOT crlfile = \"$PKI/root.crl\";" "$LEAF")
$(ctx optional CERT_OPTIONAL "$ROOT crlfile = \"$PKI/root.crl\";" "$LEAF")
$(ctx noflag CERT_REQUIRED "$ROOT crlfile = \"$PKI/root.crl\";")
$(ctx incafile CERT_REQUIRED "cafile = \"$PKI/root-with-crl.pem\";" "$LEAF")
$(ctx capath CERT_REQUIRED "capath = \"$PKI/capath\";" "$LEAF")
$(ctx chain CERT_REQUIRED "$ROOT crlfile = \"$PKI/both.crl\";" "$CHAIN")
$(ctx chainleaf CERT_REQUIRED "$ROOT crlfile = \"$PKI/both-inter-revoked.crl\";" "$LEAF")
$(ctx chainrev CERT_REQUIRED "$ROOT crlfile = \"$PKI/both-inter-revoked.crl\";" "$CHAIN")
$(ctx chainnoroot CERT_REQUIRED "$ROOT crlfile = \"$PKI/inter.crl\";" "$CHAIN")
$(ctx depth0 CERT_REQUIRED "$ROOT" "verify_depth = 0;")
$(ctx depth1 CERT_REQUIRED "$ROOT" "verify_depth = 1;")
$(ctx strict CERT_REQUIRED "$ROOT" 'verify_flags = [ "VERIFY_X509_STRICT" ];')
$(ctx partial CERT_REQUIRED "cafile = \"$PKI/inter.pem\";" \
    'verify_flags = [ "VERIFY_X509_PARTIAL_CHAIN" ];')
$(ctx nopartial CERT_REQUIRED "cafile = \"$PKI/inter.pem\";")" \
"$(ctx_listener "$PL" leaf echo)
$(ctx_listener "$PW" leaf web)
$(ctx_listener "$PO" optional echo)
$(ctx_listener "$PN" noflag echo)
$(ctx_listener "$PC" incafile echo)
$(ctx_listener "$PP" capath echo)
$(ctx_listener "$PH" chain echo)
$(ctx_listener "$PHL" chainleaf echo)
$(ctx_listener "$PHR" chainrev echo)
$(ctx_listener "$PHI" chainnoroot echo)
$(ctx_listener "$PD0" depth0 echo)
$(ctx_listener "$PD1" depth1 echo)
$(ctx_listener "$PS" strict echo)
$(ctx_listener "$PPC" partial echo)
$(ctx_listener "$PNP" nopartial echo)" \
"  echo = { servers = [ \"127.0.0.1:$ECHO_PORT\" ]; };
  web = { servers = [ \"127.0.0.1:$HTTP_PORT\" ]; };"
sed -i 's/access = "text"/access = "json"/' tlsfront.conf

# -t: the crlfile that no flag consults is named at its line.
"$TF_DAEMON" -t -c tlsfront.conf >t.out 2>&1 || { cat t.out >&2;
    fail "tlsfront.conf refused"; }
line=$(grep -n "crlfile = \"$PKI/root.crl\";" tlsfront.conf | sed -n 3p |
    cut -d: -f1)
grep -Fqx "tlsfront.conf:$line: warning: context \"noflag\": the CRLs of \
crlfile are loaded but never consulted: verify_flags has neither \
VERIFY_CRL_CHECK_LEAF nor VERIFY_CRL_CHECK_CHAIN" t.out ||
    { cat t.out >&2; fail "-t: no warning for crlfile without a flag"; }
[ "$(grep -c 'warning: ' t.out)" -eq 1 ] ||
    { cat t.out >&2; fail "-t: expected one warning"; }
start_tlsfront tlsfront.conf

# cert_fields CERT: subject, issuer, serial and SHA-256 fingerprint of
# CERT as openssl prints them, one a line.
cert_fields() {
	openssl x509 -in "$1" -noout -subject -nameopt RFC2253 | sed 's/^subject=//'
	openssl x509 -in "$1" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//'
	openssl x509 -in "$1" -noout -serial | sed 's/^serial=//'
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/^.*Fingerprint=//'
}

# njson: the JSON access lines so far.
njson() {
	grep -c ' info: {"conn":' "$DAEMON_LOG"
}

# expect_line N PORT END DETAIL CERT: waits for the N-th JSON access line,
# which must be listener PORT's with END and DETAIL ("" for none) and, if
# CERT is not "-", exactly CERT's fields (else none of them).
expect_line() {
	wait_count ' info: \{"conn":' "$DAEMON_LOG" "$1" ||
	    fail "no access line $1 (for port $2, end $3)"
	if [ "$5" = - ]; then
		: >want.txt
	else
		cert_fields "$5" >want.txt
	fi
	sed -n 's/^[^{]* info: \({"conn":.*\)$/\1/p' "$DAEMON_LOG" |
	    sed -n "$1p" >line.json
	"$PYTHON" - line.json want.txt "$2" "$3" "$4" <<'PY' ||
import json, sys
line = open(sys.argv[1], encoding="ascii").read()
o = json.loads(line)
want = open(sys.argv[2], encoding="ascii").read().splitlines()
port, end, detail = sys.argv[3], sys.argv[4], sys.argv[5]
assert o["listen"] == "127.0.0.1:" + port, (o["listen"], port)
assert o["end"] == end, (o["end"], end, o["detail"])
assert o["detail"] == detail, (o["detail"], detail)
keys = ["client_issuer", "client_serial", "client_fingerprint"]
if want:
    got = [o["client_subject"]] + [o[k] for k in keys]
    assert got == want, (got, want)
    assert list(o)[-3:] == keys, list(o)
else:
    assert o["client_subject"] == "-", o
    assert not any(k in o for k in keys), o
PY
	    fail "access line $1: $(cat line.json)"
}

N=0
# s_client PORT CERT [OPTIONS...]: one openssl s_client connection with
# CERT's key pair (CERT "-": none) that sends "ping"; its output in
# s_client.out. Expects the next access line to be PORT's.
s_client() {
	_p=$1
	_c=$2
	shift 2
	set -- -connect "127.0.0.1:$_p" -servername localhost "$@"
	[ "$_c" = - ] || set -- "$@" -cert "$PKI/$_c.pem" -key "$PKI/$_c.key"
	(printf 'ping\n'; sleep 1) | timeout -k 5 $(scale 20) openssl s_client \
	    -quiet -no_ign_eof "$@" >s_client.out 2>&1
	N=$((N + 1))
}
s_client_echo() {
	s_client "$@"
	grep -qx ping s_client.out ||
	    { cat s_client.out >&2; fail "s_client $*: no echo"; }
}
# s_client_alert NUMBER TEXT PORT CERT [OPTIONS...]
s_client_alert() {
	_n=$1
	_t=$2
	shift 2
	s_client "$@"
	grep -q "alert $_t" s_client.out && grep -q "SSL alert number $_n\$" \
	    s_client.out ||
	    { cat s_client.out >&2; fail "s_client $*: no alert $_t ($_n)"; }
	grep -qx ping s_client.out && fail "s_client $*: relayed"
	return 0
}

# --- VERIFY_CRL_CHECK_LEAF, crlfile, CERT_REQUIRED ---
for v in -tls1_3 -tls1_2; do
	s_client_echo "$PL" alice $v
	expect_line $N "$PL" closed "" "$PKI/alice.pem"
	s_client_alert 44 "certificate revoked" "$PL" bob $v
	expect_line $N "$PL" handshake_error "certificate revoked" "$PKI/bob.pem"
	s_client_alert 48 "unknown ca" "$PL" mallory $v
	expect_line $N "$PL" handshake_error \
	    "unable to get local issuer certificate" "$PKI/mallory.pem"
done
s_client_alert 116 "certificate required" "$PL" - -tls1_3
expect_line $N "$PL" handshake_error "peer did not return a certificate" -
s_client_echo "$PL" odd
expect_line $N "$PL" closed "" "$PKI/odd.pem"
grep -q 'revoked' "$DAEMON_LOG" || fail "no log line names the revocation"
log "s_client, VERIFY_CRL_CHECK_LEAF: ok"

# --- CERT_OPTIONAL: no certificate is fine, a revoked one is not ---
s_client_echo "$PO" -
expect_line $N "$PO" closed "" -
s_client_alert 44 "certificate revoked" "$PO" bob
expect_line $N "$PO" handshake_error "certificate revoked" "$PKI/bob.pem"

# --- the flag is what does it: crlfile alone consults nothing ---
s_client_echo "$PN" bob
expect_line $N "$PN" closed "" "$PKI/bob.pem"

# --- a CRL in cafile, a CRL in a hashed capath (HASH.r0) ---
for p in "$PC" "$PP"; do
	s_client_echo "$p" alice
	expect_line $N "$p" closed "" "$PKI/alice.pem"
	s_client_alert 44 "certificate revoked" "$p" bob
	expect_line $N "$p" handshake_error "certificate revoked" \
	    "$PKI/bob.pem"
done
log "s_client: CERT_OPTIONAL, no flag, CRL in cafile and capath: ok"

# --- an intermediate CA: VERIFY_CRL_CHECK_CHAIN ---
CAROL="-cert_chain $PKI/inter.pem"
# shellcheck disable=SC2086
{
s_client_echo "$PH" carol $CAROL
expect_line $N "$PH" closed "" "$PKI/carol.pem"
s_client_alert 44 "certificate revoked" "$PH" dave $CAROL
expect_line $N "$PH" handshake_error "certificate revoked" "$PKI/dave.pem"
# The intermediate revoked by the root: CHAIN refuses carol, LEAF does not.
s_client_alert 44 "certificate revoked" "$PHR" carol $CAROL
expect_line $N "$PHR" handshake_error "certificate revoked" "$PKI/carol.pem"
s_client_echo "$PHL" carol $CAROL
expect_line $N "$PHL" closed "" "$PKI/carol.pem"
# No CRL of the root: CHAIN cannot check the intermediate.
s_client "$PHI" carol $CAROL
grep -qx ping s_client.out && fail "CHAIN without the root's CRL: relayed"
expect_line $N "$PHI" handshake_error "unable to get certificate CRL" \
    "$PKI/carol.pem"
# --- verify_depth: 0 refuses a chain that needs the intermediate ---
s_client "$PD0" carol $CAROL
grep -qx ping s_client.out && fail "verify_depth 0: carol relayed"
grep -q 'SSL alert number' s_client.out ||
    { cat s_client.out >&2; fail "verify_depth 0: no alert"; }
expect_line $N "$PD0" handshake_error "certificate chain too long" \
    "$PKI/carol.pem"
s_client_echo "$PD0" alice
expect_line $N "$PD0" closed "" "$PKI/alice.pem"
s_client_echo "$PD1" carol $CAROL
expect_line $N "$PD1" closed "" "$PKI/carol.pem"
}
# --- VERIFY_X509_STRICT: no key identifiers refused; accepted without ---
s_client_echo "$PS" alice
expect_line $N "$PS" closed "" "$PKI/alice.pem"
s_client "$PS" lax
grep -qx ping s_client.out && fail "VERIFY_X509_STRICT: lax relayed"
expect_line $N "$PS" handshake_error "Missing Authority Key Identifier" \
    "$PKI/lax.pem"
s_client_echo "$PD1" lax
expect_line $N "$PD1" closed "" "$PKI/lax.pem"
# --- VERIFY_X509_PARTIAL_CHAIN: the intermediate alone as trust anchor ---
s_client_echo "$PPC" carol
expect_line $N "$PPC" closed "" "$PKI/carol.pem"
s_client "$PNP" carol
grep -qx ping s_client.out && fail "no VERIFY_X509_PARTIAL_CHAIN: relayed"
expect_line $N "$PNP" handshake_error "unable to get issuer certificate" \
    "$PKI/carol.pem"
log "s_client: VERIFY_CRL_CHECK_CHAIN, verify_depth, VERIFY_X509_STRICT," \
    "VERIFY_X509_PARTIAL_CHAIN: ok"

# --- Python's ssl, every python3: load_cert_chain on the client context ---
# (ctxprobe closes without close_notify: end=client_error, relayed all.)
NOTIFY="client closed without close_notify"
python_checks() {
	for v in 1.2 1.3; do
		out=$(ctxprobe --port "$PL" --tls-version $v \
		    --cert "$PKI/alice.pem" --key "$PKI/alice.key")
		N=$((N + 1))
		[ "$(probe_get "$out" read)" = echo ] ||
		    fail "python TLS $v alice: $out"
		expect_line $N "$PL" client_error "$NOTIFY" "$PKI/alice.pem"
		out=$(ctxprobe --port "$PH" --tls-version $v \
		    --cert "$PKI/carol-chain.pem" --key "$PKI/carol.key")
		N=$((N + 1))
		[ "$(probe_get "$out" read)" = echo ] ||
		    fail "python TLS $v carol with chain: $out"
		expect_line $N "$PH" client_error "$NOTIFY" "$PKI/carol.pem"
	done
	out=$(ctxprobe --port "$PL" --tls-version 1.2 \
	    --cert "$PKI/bob.pem" --key "$PKI/bob.key")
	N=$((N + 1))
	case $(probe_get "$out" handshake) in
	fail:*CERTIFICATE_REVOKED*) ;;
	*) fail "python TLS 1.2 bob: $out" ;;
	esac
	expect_line $N "$PL" handshake_error "certificate revoked" "$PKI/bob.pem"
	out=$(ctxprobe --port "$PL" --tls-version 1.3 --read-first \
	    --cert "$PKI/bob.pem" --key "$PKI/bob.key")
	N=$((N + 1))
	case $(probe_get "$out" read) in
	alert:*CERTIFICATE_REVOKED*) ;;
	*) fail "python TLS 1.3 bob: $out" ;;
	esac
	expect_line $N "$PL" handshake_error "certificate revoked" "$PKI/bob.pem"
	out=$(ctxprobe --port "$PL" --tls-version 1.2 \
	    --cert "$PKI/mallory.pem" --key "$PKI/mallory.key")
	N=$((N + 1))
	case $(probe_get "$out" handshake) in
	fail:*UNKNOWN_CA*) ;;
	*) fail "python TLS 1.2 mallory: $out" ;;
	esac
	expect_line $N "$PL" handshake_error \
	    "unable to get local issuer certificate" "$PKI/mallory.pem"
}
each_python python_checks
log "python ssl: ok"

# --- curl (--cert/--key) through the HTTP backend ---
curl_run() {
	timeout -k 5 $(scale 20) curl -sS --fail --cacert "$CAFILE" \
	    --resolve "localhost:$PW:127.0.0.1" --cert "$PKI/$1.pem" \
	    --key "$PKI/$1.key" "https://localhost:$PW/" >curl.out 2>curl.err
}
curl_run alice || { cat curl.err >&2; fail "curl alice failed"; }
N=$((N + 1))
[ "$(cat curl.out)" = "hello from tf_echo" ] || fail "curl: $(cat curl.out)"
expect_line $N "$PW" closed "" "$PKI/alice.pem"
curl_run bob && fail "curl bob: accepted"
N=$((N + 1))
grep -qi 'revoked' curl.err || { cat curl.err >&2; fail "curl bob: no alert"; }
expect_line $N "$PW" handshake_error "certificate revoked" "$PKI/bob.pem"
log "curl: ok"

# --- gnutls-cli (--x509certfile/--x509keyfile) ---
gnutls_run() {
	(printf 'ping\n'; sleep 1) | timeout -k 5 $(scale 20) gnutls-cli \
	    --x509cafile "$CAFILE" --port "$PL" --sni-hostname localhost \
	    --verify-hostname localhost --x509certfile "$PKI/$1.pem" \
	    --x509keyfile "$PKI/$1.key" 127.0.0.1 >gnutls.out 2>&1
	N=$((N + 1))
}
gnutls_run alice
grep -qx ping gnutls.out || { cat gnutls.out >&2; fail "gnutls-cli alice"; }
expect_line $N "$PL" closed "" "$PKI/alice.pem"
gnutls_run bob
grep -qx ping gnutls.out && fail "gnutls-cli bob: relayed"
grep -qi 'revoked' gnutls.out || { cat gnutls.out >&2;
    fail "gnutls-cli bob: no certificate_revoked alert"; }
expect_line $N "$PL" handshake_error "certificate revoked" "$PKI/bob.pem"
log "gnutls-cli: ok"
stop_tlsfront

# --- -t: crlfile errors at file:line, the warning for no CRL at all ---
# tconf FILE LOCATIONS [EXTRA]: a config with one context.
tconf() {
	write_conf_ctx "$1" "$(ctx c CERT_REQUIRED "$2" "${3:-}")" \
	    "$(ctx_listener "$PL" c echo)" \
	    "  echo = { servers = [ \"127.0.0.1:$ECHO_PORT\" ]; };"
}
tconf nocrl.conf "$ROOT crlfile = \"$PKI/root.pem\";" "$LEAF"
"$TF_DAEMON" -t -c nocrl.conf >t.out 2>&1 && fail "-t: crlfile with no CRL accepted"
grep -Fq "nocrl.conf:8: crlfile \"$PKI/root.pem\" holds no CRL" t.out ||
    { cat t.out >&2; fail "-t: crlfile with no CRL"; }
tconf missing.conf "$ROOT crlfile = \"nosuch.crl\";" "$LEAF"
"$TF_DAEMON" -t -c missing.conf >t.out 2>&1 && fail "-t: missing crlfile accepted"
grep -Fq "missing.conf:8: cannot read crlfile \"$WORK/nosuch.crl\": No such file or directory" t.out ||
    { cat t.out >&2; fail "-t: missing crlfile"; }
tconf depth.conf "$ROOT" "verify_depth = 101;"
"$TF_DAEMON" -t -c depth.conf >t.out 2>&1 && fail "-t: verify_depth 101 accepted"
grep -Fq "depth.conf:8: verify_depth 101 is out of range" t.out ||
    { cat t.out >&2; fail "-t: verify_depth 101"; }
tconf flag.conf "$ROOT" "$LEAF"
"$TF_DAEMON" -t -c flag.conf >t.out 2>&1 || { cat t.out >&2;
    fail "-t: flag.conf refused"; }
grep -Fq "flag.conf:8: warning: context \"c\": VERIFY_CRL_CHECK_LEAF is set but no CRL was loaded" t.out ||
    { cat t.out >&2; fail "-t: no warning for a CRL flag without a CRL"; }
exit 0
