#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# OCSP stapling (cert_chain[].ocsp_response), with the output of a real
# responder (`openssl ocsp -index` with the test CA): each certificate
# chosen by SNI gets its own response, a route's context staples its own,
# a client that does not ask gets none (TLS 1.2: no CertificateStatus);
# read with openssl s_client -status and gnutls-cli --ocsp. A response
# for another certificate, a revoked one and an expired one (made by
# tests/helpers/tf_ocsp_resp: `openssl ocsp` makes no nextUpdate in the
# past) are warned about at -t and in the log at their line and not
# stapled; a file that is not a DER response is a -t error and a refused
# reload (the old staple serves on); a reload reads a renewed response;
# a response that expires while the daemon runs stops being stapled and
# the log says so. --explain shows each certificate's staple.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl gnutls-cli
TF_OCSP_RESP=$TF_BUILDDIR/tests/helpers/tf_ocsp_resp
[ -x "$TF_OCSP_RESP" ] || hard_error "no $TF_OCSP_RESP (make check builds it)"
make_certs
C=$WORK/certs
S=$WORK/ocsp
mkdir -p "$S"

# leaf NAME: an RSA leaf for NAME.example.test signed by the test CA;
# NAME.pem holds the leaf and the CA (the issuer, for the CertID).
leaf() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$S/$1.key" 2>/dev/null || hard_error "genpkey $1"
	printf 'basicConstraints = critical, CA:FALSE\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:%s.example.test\n' \
	    "$1" >"$S/$1.ext"
	openssl req -new -key "$S/$1.key" -subj "/CN=$1.example.test" \
	    -out "$S/$1.csr" 2>/dev/null &&
	openssl x509 -req -in "$S/$1.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" \
	    -CAcreateserial -days 365 -sha256 -extfile "$S/$1.ext" \
	    -out "$S/$1.leaf" 2>/dev/null || hard_error "signing $1"
	cat "$S/$1.leaf" "$C/ca.pem" >"$S/$1.pem"
}
# serial NAME: the certificate's serial in hex, as openssl prints it.
serial() {
	openssl x509 -in "$S/$1.leaf" -noout -serial | sed 's/^serial=//'
}
# index_line V|R NAME: the CA database line of a certificate.
index_line() {
	_end=$(openssl x509 -in "$S/$2.leaf" -noout -enddate | sed 's/^notAfter=//')
	_end=$(date -u -d "$_end" +%y%m%d%H%M%SZ)
	if [ "$1" = R ]; then
		printf 'R\t%s\t%s,keyCompromise\t%s\tunknown\t/CN=%s.example.test\n' \
		    "$_end" "$(date -u -d '-1 day' +%y%m%d%H%M%SZ)" "$(serial "$2")" "$2"
	else
		printf 'V\t%s\t\t%s\tunknown\t/CN=%s.example.test\n' \
		    "$_end" "$(serial "$2")" "$2"
	fi
}
# respond NAME [OUT]: what the responder answers for NAME (7 days).
respond() {
	openssl ocsp -issuer "$C/ca.pem" -cert "$S/$1.leaf" \
	    -reqout "$S/$1.req" >/dev/null 2>&1 &&
	openssl ocsp -index "$S/index.txt" -CA "$C/ca.pem" \
	    -rsigner "$C/ca.pem" -rkey "$C/ca.key" -reqin "$S/$1.req" \
	    -respout "${2:-$S/$1.der}" -ndays 7 >/dev/null 2>&1 ||
	    hard_error "openssl ocsp for $1"
}

for n in a b r c; do leaf $n; done
{ index_line V a; index_line V b; index_line V r; index_line R c; } \
    >"$S/index.txt"
for n in a b r c; do respond $n; done
# The responder says so itself:
openssl ocsp -respin "$S/c.der" -resp_text -noverify 2>/dev/null |
    grep -q 'Cert Status: revoked' || hard_error "c.der does not say revoked"

entry() {
	echo "{ certfile = \"$S/$1.pem\"; keyfile = \"$S/$1.key\";${2:+ ocsp_response = \"$2\";} }"
}

start_backend echo
P=$(free_port)
# conf FILE A_RESPONSE: main (a, b, c) and routed (r) on one listener.
conf() {
	cat >"$1" <<EOF
daemon = { workers = 1; log = { level = "info"; access = "text"; }; };
contexts = {
  main = {
    cert_chain = (
      $(entry a "$2"),
      $(entry b "$S/b.der"),
      $(entry c "$S/c.der")
    );
  };
  routed = { cert_chain = ( $(entry r "$S/r.der") ); };
};
listeners = ( { listen = "127.0.0.1:$P"; context = "main"; backend = "app";
  routes = ( { names = [ "r.example.test" ]; context = "routed"; } ); } );
backends = { app = { servers = [ "127.0.0.1:$BACKEND_PORT" ]; }; };
EOF
}

# --- -t: c's revoked response is a warning at its line ---
conf tlsfront.conf "$S/a.der"
out=$("$TF_DAEMON" -t -c tlsfront.conf 2>&1) || fail "-t refused: $out"
echo "$out" | grep -qF "tlsfront.conf:7: warning: context \"main\": ocsp_response \"$S/c.der\" is not stapled: it says the certificate is revoked (since " ||
    fail "-t did not warn about the revoked response at line 7: $out"
echo "$out" | grep -qF 'context "main": OCSP response stapled for 2 certificates (see the warnings for the others)' ||
    fail "-t summary: $out"
echo "$out" | grep -qF 'context "routed": OCSP response stapled for 1 certificate' ||
    fail "-t summary of routed: $out"

# --explain says it per certificate.
out=$("$TF_DAEMON" --explain -c tlsfront.conf 2>&1) || fail "--explain: $out"
[ "$(echo "$out" | grep -c 'OCSP response    stapled until its nextUpdate 20')" -eq 3 ] ||
    fail "--explain does not show 3 staples: $out"
echo "$out" | grep -qF 'OCSP response    not stapled: it says the certificate is revoked' ||
    fail "--explain does not show the revoked response: $out"

# --- -t: another certificate's response, an expired one, garbage ---
cp "$S/b.der" "$S/wrong.der"
"$TF_OCSP_RESP" "$S/a.leaf" "$C/ca.pem" "$C/ca.pem" "$C/ca.key" good \
    -7200 -60 "$S/expired.der" || hard_error "tf_ocsp_resp expired"
conf wrong.conf "$S/wrong.der"
out=$("$TF_DAEMON" -t -c wrong.conf 2>&1) || fail "-t refused wrong.conf: $out"
echo "$out" | grep -qF "wrong.conf:5: warning: context \"main\": ocsp_response \"$S/wrong.der\" is not stapled: it is for another certificate (none of its responses is for serial $(serial a) by this issuer)" ||
    fail "-t did not warn about the mismatching response: $out"
conf expired.conf "$S/expired.der"
out=$("$TF_DAEMON" -t -c expired.conf 2>&1) ||
    fail "-t refused expired.conf: $out"
echo "$out" | grep -qF "expired.conf:5: warning: context \"main\": ocsp_response \"$S/expired.der\" is not stapled: it has expired (nextUpdate " ||
    fail "-t did not warn about the expired response: $out"
head -c 300 /dev/urandom >"$S/garbage.der"
conf garbage.conf "$S/garbage.der"
if out=$("$TF_DAEMON" -t -c garbage.conf 2>&1); then
	fail "-t took a file that is not an OCSP response"
fi
echo "$out" | grep -qF "garbage.conf:5: cannot use ocsp_response \"$S/garbage.der\": not a DER OCSP response" ||
    fail "-t error for garbage: $out"
conf missing.conf "$S/nonexistent.der"
if out=$("$TF_DAEMON" -t -c missing.conf 2>&1); then
	fail "-t took a missing ocsp_response"
fi
echo "$out" | grep -qF "missing.conf:5: cannot read ocsp_response \"$S/nonexistent.der\": No such file or directory" ||
    fail "-t error for a missing file: $out"

# --- the daemon ---
start_tlsfront tlsfront.conf
grep -qF 'is not stapled: it says the certificate is revoked' "$DAEMON_LOG" ||
    fail "the log has no warning about the revoked response"

# status NAME VERSION [s_client options]: s_client's output for NAME at
# VERSION (tls1_2, tls1_3).
status() {
	_n=$1; _v=$2; shift 2
	echo | timeout -k 2 $(scale 10) openssl s_client \
	    -connect "127.0.0.1:$P" -servername "$_n.example.test" \
	    -CAfile "$C/ca.pem" "-$_v" "$@" 2>&1
}
# stapled NAME VERSION: s_client sees NAME's good response.
stapled() {
	_out=$(status "$1" "$2" -status)
	echo "$_out" | grep -q 'OCSP Response Status: successful' &&
	echo "$_out" | grep -q 'Cert Status: good' &&
	echo "$_out" | grep -q "Serial Number: $(serial "$1")" ||
	    fail "no good staple for $1 ($2): $_out"
}
for v in tls1_2 tls1_3; do
	stapled a $v
	stapled b $v
	stapled r $v	# the route's context, its own response
done
# Not for the other names' certificates: a's serial is not b's.
status b tls1_3 -status | grep -q "Serial Number: $(serial a)" &&
    fail "b got a's response"
# Revoked: not stapled.
status c tls1_2 -status | grep -q 'OCSP response: no response sent' ||
    fail "the revoked response was stapled"
# A client that does not ask gets no CertificateStatus message (TLS 1.2
# sends it as one; with -status it is there).
status a tls1_2 -status -msg | grep -q 'CertificateStatus' ||
    fail "no CertificateStatus message seen with -status"
status a tls1_2 -msg | grep -q 'CertificateStatus' &&
    fail "a CertificateStatus was sent to a client that did not ask"

# gnutls-cli: --ocsp checks the stapled response, -V prints it,
# --save-ocsp writes what it got.
for n in a b r; do
	out=$(timeout -k 2 $(scale 10) gnutls-cli -V --ocsp \
	    --x509cafile "$C/ca.pem" --save-ocsp="$S/got-$n.der" \
	    -p "$P" --sni-hostname "$n.example.test" \
	    --verify-hostname "$n.example.test" 127.0.0.1 2>&1 </dev/null) ||
	    true
	echo "$out" | grep -q 'Certificate Status: good' &&
	echo "$out" | grep -qi "Serial Number: $(serial "$n")" &&
	echo "$out" | grep -q 'Status: The certificate is trusted' ||
	    fail "gnutls-cli --ocsp for $n: $out"
	cmp -s "$S/got-$n.der" "$S/$n.der" ||
	    fail "gnutls-cli got other bytes than $n.der"
done

# --- reload: a broken file is refused, the old staple serves on ---
cp "$S/garbage.der" "$S/a-next.der"
conf tlsfront.conf "$S/a-next.der"
kill -HUP "$TLSFRONT_PID"
wait_grep 'reload failed, still on the previous configuration' \
    "$DAEMON_LOG" || fail "a reload took a garbage ocsp_response"
grep -qF "tlsfront.conf:5: cannot use ocsp_response \"$S/a-next.der\": not a DER OCSP response" \
    "$DAEMON_LOG" || fail "the refused reload does not say why at its line"
stapled a tls1_3
# ... and a renewed response is read by the next reload.
respond a "$S/a-next.der"
cmp -s "$S/a-next.der" "$S/a.der" && hard_error "the renewed response is the old one"
kill -HUP "$TLSFRONT_PID"
wait_grep 'notice: reloaded: ' "$DAEMON_LOG" || fail "good reload not done"
timeout -k 2 $(scale 10) gnutls-cli --x509cafile "$C/ca.pem" \
    --save-ocsp="$S/got-next.der" -p "$P" --sni-hostname a.example.test \
    --verify-hostname a.example.test 127.0.0.1 </dev/null >/dev/null 2>&1
cmp -s "$S/got-next.der" "$S/a-next.der" ||
    fail "after the reload, not the renewed response"
# ... and one renamed into place is read without a reload
# (daemon.watch_files), by the worker, within a second.
sleep 1		# the responder's producedAt has a resolution of 1 s
respond a "$S/a-new.der"
cmp -s "$S/a-new.der" "$S/a-next.der" && hard_error "the renewed response is the old one"
mv "$S/a-new.der" "$S/a-next.der"
wait_grep "rebuilt after $S/a-next.der changed" "$DAEMON_LOG" ||
    fail "a renamed ocsp_response was not picked up"
timeout -k 2 $(scale 10) gnutls-cli --x509cafile "$C/ca.pem" \
    --save-ocsp="$S/got-new.der" -p "$P" --sni-hostname a.example.test \
    --verify-hostname a.example.test 127.0.0.1 </dev/null >/dev/null 2>&1
cmp -s "$S/got-new.der" "$S/a-next.der" ||
    fail "after the rename, not the renewed response"
stop_tlsfront

# --- mismatching and expired responses: warned in the log, not stapled ---
conf wrong.conf "$S/wrong.der"
start_tlsfront wrong.conf
grep -qF "wrong.conf:5: warning: context \"main\": ocsp_response \"$S/wrong.der\" is not stapled: it is for another certificate" \
    "$DAEMON_LOG" || fail "the log has no warning about the mismatch"
status a tls1_3 -status | grep -q 'OCSP response: no response sent' ||
    fail "another certificate's response was stapled"
stapled b tls1_3
stop_tlsfront
: >"$DAEMON_LOG"
conf expired.conf "$S/expired.der"
start_tlsfront expired.conf
grep -qF "is not stapled: it has expired (nextUpdate" "$DAEMON_LOG" ||
    fail "the log has no warning about the expired response"
status a tls1_2 -status | grep -q 'OCSP response: no response sent' ||
    fail "an expired response was stapled"
stop_tlsfront

# --- a response that expires while the daemon runs ---
"$TF_OCSP_RESP" "$S/a.leaf" "$C/ca.pem" "$C/ca.pem" "$C/ca.key" good \
    -60 3 "$S/soon.der" || hard_error "tf_ocsp_resp soon"
conf soon.conf "$S/soon.der"
start_tlsfront soon.conf
stapled a tls1_3
n=0
while status a tls1_3 -status | grep -q 'Cert Status: good'; do
	[ $n -lt $(( $(scale 6) * 5 )) ] ||
	    fail "the response was still stapled 6 s after its nextUpdate"
	n=$((n + 1))
	sleep 0.2
done
wait_grep "soon.conf:5: context \"main\": ocsp_response \"$S/soon.der\" has expired \\(nextUpdate passed\\): no longer stapled" \
    "$DAEMON_LOG" || fail "no log line when the staple expired"
status a tls1_3 -status | grep -q 'Cert Status: good' && fail "stapled again"
status a tls1_3 -status >/dev/null
[ "$(grep -c 'no longer stapled' "$DAEMON_LOG")" -eq 1 ] ||
    fail "the expiry was logged more than once"
stapled b tls1_3
stop_tlsfront
check_daemon_log
exit 0
