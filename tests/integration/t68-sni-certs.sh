#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Many certificates in one context, chosen by the client's server name:
# subjectAltName DNS names (CN only without them), exact names before
# wildcards, a wildcard covering one label, names without regard to case,
# RSA and ECDSA per name by client capability (also after a
# HelloRetryRequest), the first entry for no SNI or an unknown name, and
# sni_strict's unrecognized_name. Two entries of one key type for one
# name are a file:line error. Seen by openssl s_client, every python3,
# curl and gnutls-cli.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl
make_certs
C=$WORK/certs
S=$WORK/sni
mkdir -p "$S"

# leaf NAME rsa|ec CN [SAN]: a leaf signed by the test CA.
leaf() {
	if [ "$2" = rsa ]; then
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		    -out "$S/$1.key" 2>/dev/null
	else
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		    -out "$S/$1.key" 2>/dev/null
	fi || hard_error "genpkey $1"
	{
		echo "basicConstraints = critical, CA:FALSE"
		echo "extendedKeyUsage = serverAuth"
		[ -z "${4:-}" ] || echo "subjectAltName = $4"
	} >"$S/$1.ext"
	openssl req -new -key "$S/$1.key" -subj "/CN=$3" -out "$S/$1.csr" \
	    2>/dev/null &&
	openssl x509 -req -in "$S/$1.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" \
	    -CAcreateserial -days 365 -sha256 -extfile "$S/$1.ext" \
	    -out "$S/$1.pem" 2>/dev/null || hard_error "signing $1"
}
fp() {
	openssl x509 -in "$S/$1.pem" -noout -fingerprint -sha256 |
	    sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}

leaf a-rsa rsa a.example.test "DNS:a.example.test"
leaf a-ec ec a.example.test "DNS:a.example.test"
leaf b-rsa rsa b.example.test "DNS:b.example.test, DNS:*.wild.example.test"
leaf x-rsa rsa x.wild.example.test "DNS:x.wild.example.test"
leaf cn-rsa rsa cn.example.test
leaf san-rsa rsa cnonly.example.test "DNS:san.example.test"
leaf a2-rsa rsa other.example.test "DNS:A.Example.Test"

entry() {
	echo "{ certfile = \"$S/$1.pem\"; keyfile = \"$S/$1.key\"; }"
}

# Two RSA certificates for a.example.test (one as A.Example.Test): the
# second entry's line is named.
cat >dup.conf <<EOF
contexts = { multi = { cert_chain = (
  $(entry a-rsa),
  $(entry a2-rsa)
); }; };
listeners = ( { listen = "127.0.0.1:1"; context = "multi"; backend = "b"; } );
backends = { b = { servers = [ "127.0.0.1:1" ]; }; };
EOF
if out=$("$TF_DAEMON" -t -c dup.conf 2>&1); then
	fail "two RSA certificates for one name were accepted"
fi
echo "$out" | grep -q 'dup.conf:3: context "multi": "A.Example.Test" has a RSA certificate already (cert_chain entry at line 2)' ||
    fail "duplicate name not reported at its line: $out"

start_backend http
P=$(free_port)
PS=$(free_port)
write_conf_ctx tlsfront.conf "  multi = {
    groups = [ \"X25519\", \"prime256v1\" ];
    cert_chain = ( $(entry a-rsa), $(entry a-ec), $(entry b-rsa),
      $(entry x-rsa), $(entry cn-rsa), $(entry san-rsa) ); };
  strict = { sni_strict = true;
    cert_chain = ( $(entry a-rsa), $(entry b-rsa) ); };" \
    "$(ctx_listener "$P" multi app)
$(ctx_listener "$PS" strict app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
"$TF_DAEMON" -t -c tlsfront.conf >check.out 2>&1 ||
    fail "-t refused the contexts: $(cat check.out)"
grep -q '^context "multi": 6 certificates for 6 names by SNI$' check.out ||
    fail "-t does not count multi's certificates and names: $(cat check.out)"
grep -q '^context "strict": 2 certificates for 3 names by SNI, sni_strict' \
    check.out || fail "-t does not say strict is sni_strict: $(cat check.out)"
# -t's in-memory handshakes ask for a name the context serves: sni_strict
# is no reason to warn that no client can connect.
grep -q 'no client can connect' check.out &&
    fail "-t warns about an sni_strict context: $(cat check.out)"
start_tlsfront tlsfront.conf

# served PORT S_CLIENT-ARGS...: the SHA-256 fingerprint of the certificate
# s_client got (empty if the handshake failed).
served() {
	_p=$1
	shift
	echo | timeout -k 5 $(scale 20) openssl s_client \
	    -connect "127.0.0.1:$_p" "$@" 2>/dev/null |
	    openssl x509 -noout -fingerprint -sha256 2>/dev/null |
	    sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}

# expect NAME CERT [ARGS...]: server name NAME gets CERT's certificate.
expect() {
	_name=$1 _cert=$2
	shift 2
	_got=$(served "$P" -servername "$_name" "$@")
	[ "$_got" = "$(fp "$_cert")" ] ||
	    fail "SNI $_name ($*): expected $_cert, got ${_got:-no certificate}"
}

RSA13="-tls1_3 -sigalgs rsa_pss_rsae_sha256"
EC13="-tls1_3 -sigalgs ecdsa_secp256r1_sha256"
# shellcheck disable=SC2086
{
expect a.example.test a-rsa $RSA13
expect a.example.test a-ec $EC13
expect a.example.test a-ec -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
expect A.EXAMPLE.test a-rsa $RSA13
expect b.example.test b-rsa $RSA13
expect b.example.test b-rsa -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
expect y.wild.example.test b-rsa
expect x.wild.example.test x-rsa
expect z.y.wild.example.test a-rsa $RSA13
expect wild.example.test a-rsa $RSA13
expect cn.example.test cn-rsa
expect san.example.test san-rsa
expect cnonly.example.test a-rsa $RSA13
expect unknown.example.test a-rsa $RSA13
# The default's ECDSA certificate is a.example.test's, never b's.
got=$(served "$P" -servername b.example.test $EC13)
[ -z "$got" ] || fail "b.example.test has no ECDSA certificate, an" \
    "ECDSA-only client got one: $got"
# A HelloRetryRequest (the client's key share is for a group the context
# does not take): the second ClientHello keeps the selection.
expect b.example.test b-rsa -tls1_3 -groups secp384r1:X25519
expect a.example.test a-ec -tls1_3 -groups secp384r1:X25519 \
    -sigalgs ecdsa_secp256r1_sha256
}
got=$(served "$P" -noservername -tls1_3 -sigalgs rsa_pss_rsae_sha256)
[ "$got" = "$(fp a-rsa)" ] || fail "no SNI: expected the first entry"

# sni_strict: unrecognized_name (112) without a name or for another.
for args in "-noservername" "-servername unknown.example.test"; do
	# shellcheck disable=SC2086
	out=$(echo | timeout -k 5 $(scale 20) openssl s_client \
	    -connect "127.0.0.1:$PS" $args 2>&1)
	echo "$out" | grep -q 'alert unrecognized name\|alert number 112' ||
	    fail "sni_strict, $args: no unrecognized_name alert: $out"
done
got=$(served "$PS" -servername b.example.test)
[ "$got" = "$(fp b-rsa)" ] || fail "sni_strict: a known name failed"
wait_grep 'detail="no server name \(sni_strict\)"|detail=no server name' \
    "$DAEMON_LOG" 1 ||
    fail "no access line names the sni_strict refusal"
access_lines 'end=handshake_error' | grep -q 'sni_strict' ||
    fail "sni_strict refusals not in the access log: $(access_lines)"

# Python's ssl with server_hostname, every python3.
python_sni() {
	for name in a.example.test:a-rsa b.example.test:b-rsa \
	    q.wild.example.test:b-rsa cn.example.test:cn-rsa; do
		out=$(ctxprobe --port "$P" --tls-version 1.3 \
		    --ciphers ECDHE+AESGCM \
		    --server-hostname "${name%%:*}")
		# Python 1.3 clients offer ECDSA too: a.example.test may get
		# either of its two certificates.
		got=$(probe_get "$out" peer_sha256)
		case ${name%%:*} in
		a.example.test)
			[ "$got" = "$(fp a-rsa)" ] || [ "$got" = "$(fp a-ec)" ] ||
			    fail "python a.example.test got $got" ;;
		*)
			[ "$got" = "$(fp "${name#*:}")" ] ||
			    fail "python ${name%%:*}: expected ${name#*:}: $out" ;;
		esac
	done
	out=$(ctxprobe --port "$PS" --server-hostname none)
	[ "$(probe_get "$out" handshake)" = "fail:TLSV1_UNRECOGNIZED_NAME" ] ||
	    fail "python without SNI on the strict listener: $out"
}
each_python python_sni

# curl checks the name against the certificate itself.
if command -v curl >/dev/null 2>&1; then
	for name in b.example.test x.wild.example.test cn.example.test; do
		code=$(timeout -k 5 $(scale 20) curl -sS -o /dev/null \
		    -w '%{http_code}' --cacert "$CAFILE" \
		    --resolve "$name:$P:127.0.0.1" "https://$name:$P/") ||
		    fail "curl https://$name: failed (certificate name?)"
		[ "$code" = 200 ] || fail "curl https://$name: HTTP $code"
	done
else
	log "curl not installed: skipped that client"
fi
if command -v gnutls-cli >/dev/null 2>&1; then
	for name in b.example.test san.example.test; do
		echo | timeout -k 5 $(scale 20) gnutls-cli -p "$P" \
		    --x509cafile="$CAFILE" --sni-hostname="$name" \
		    --verify-hostname="$name" 127.0.0.1 >gnutls.out 2>&1 ||
		    fail "gnutls-cli $name: $(tail -n 5 gnutls.out)"
	done
else
	log "gnutls-cli not installed: skipped that client"
fi
check_daemon_log
stop_tlsfront
