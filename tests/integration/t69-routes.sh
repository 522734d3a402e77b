#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# listeners[].routes: a server name switches the whole context at the
# ClientHello (certificate, versions, ciphers, verify mode and CAs, ALPN,
# tickets) and/or the backend; the negotiated ALPN protocol picks a
# backend too (names + alpn, then alpn alone, then names alone, then the
# listener's own). A session made under one context is not resumed under
# another. Wrong routes are file:line errors at -t. Seen by openssl
# s_client, every python3, curl and gnutls-cli; where each connection
# went is read from the backends' own logs and the access log.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl
make_certs
C=$WORK/certs
S=$WORK/route-certs
mkdir -p "$S"

# leaf NAME SAN: an RSA leaf signed by the test CA.
leaf() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$S/$1.key" 2>/dev/null || hard_error "genpkey $1"
	printf 'basicConstraints = critical, CA:FALSE\nsubjectAltName = %s\n' \
	    "$2" >"$S/$1.ext"
	openssl req -new -key "$S/$1.key" -subj "/CN=$1" -out "$S/$1.csr" \
	    2>/dev/null &&
	openssl x509 -req -in "$S/$1.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" \
	    -CAcreateserial -days 365 -sha256 -extfile "$S/$1.ext" \
	    -out "$S/$1.pem" 2>/dev/null || hard_error "signing $1"
}
leaf main "DNS:www.example.test, DNS:h.example.test, DNS:other.example.test"
leaf api "DNS:api.example.test, DNS:*.api.example.test"
leaf acme "DNS:www.example.test, DNS:pass.example.test"
# main has a certificate for the api names too: a connection routed to
# api must still get api's (main's servername callback must not run).
leaf mainapi "DNS:api.example.test, DNS:*.api.example.test"
fp() {
	openssl x509 -in "$S/$1.pem" -noout -fingerprint -sha256 |
	    sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}

# --- -t refuses what cannot be routed one way ---
# bad_routes ROUTES EXPECTED: -t fails, naming EXPECTED.
bad_routes() {
	cat >bad.conf <<EOF
contexts = {
  main = { cert_chain = ( { certfile = "$S/main.pem"; keyfile = "$S/main.key"; } );
    groups = [ "X25519" ]; };
  api = { cert_chain = ( { certfile = "$S/api.pem"; keyfile = "$S/api.key"; } ); };
};
listeners = ( { listen = "127.0.0.1:1"; context = "main"; backend = "b";
  routes = (
$1
  ); } );
backends = { b = { servers = [ "127.0.0.1:1" ]; }; };
EOF
	if out=$("$TF_DAEMON" -t -c bad.conf 2>&1); then
		fail "-t took routes: $1"
	fi
	echo "$out" | grep -qF -- "$2" || fail "-t for: $1: expected '$2', got: $out"
}
bad_routes '{ names = [ "a.example" ]; backend = "b"; },
    { names = [ "x.example", "A.Example" ]; backend = "b"; }' \
    'bad.conf:9: name "A.Example" is already routed by the route at line 8'
bad_routes '{ names = [ "a.example" ]; context = "nope"; }' \
    'bad.conf:8: route names unknown context "nope"'
bad_routes '{ names = [ "a.example" ]; backend = "nope"; }' \
    'bad.conf:8: route names unknown backend "nope"'
bad_routes '{ alpn = "h2"; context = "api"; }' \
    'a route with alpn cannot set a context'
bad_routes '{ backend = "b"; }' 'a route needs names, alpn or both'
bad_routes '{ names = [ "a.example" ]; }' \
    'a route needs a context, a backend or both'
bad_routes '{ names = [ "f*.example.com" ]; backend = "b"; }' \
    'route name "f*.example.com": a wildcard must be the whole'
bad_routes '{ alpn = "h2"; backend = "b"; }, { alpn = "h2"; backend = "b"; }' \
    'alpn "h2" is already routed by the route at line 8'
bad_routes '{ alpn = "acme-tls/1"; passthrough = true; context = "api"; }' \
    'a passthrough route needs a backend and no context'
bad_routes '{ names = [ "a.example" ]; context = "api"; }' \
    'bad.conf:8: route to context "api": the listener'"'"'s context sets groups'

# --- the daemon ---
start_backend echo; APP=$BACKEND_PORT; APP_LOG=$BACKEND_LOG
start_backend echo; API=$BACKEND_PORT; API_LOG=$BACKEND_LOG
start_backend http; WEB=$BACKEND_PORT; WEB_LOG=$BACKEND_LOG
start_backend echo; XECHO=$BACKEND_PORT; XECHO_LOG=$BACKEND_LOG
start_backend echo; H2=$BACKEND_PORT; H2_LOG=$BACKEND_LOG
# What an ACME client answering TLS-ALPN-01 is: a TLS server of its own
# (its certificate, acme-tls/1), behind the passthrough routes.
ACME=$(free_port)
openssl s_server -accept "127.0.0.1:$ACME" -cert "$S/acme.pem" \
    -key "$S/acme.key" -alpn acme-tls/1 -rev -quiet >acme.log 2>&1 &
track $!
wait_port "$ACME" || hard_error "openssl s_server did not start"
P=$(free_port)
cat >tlsfront.conf <<EOF
daemon = { workers = 1; log = { level = "info"; access = "text"; };
  limits = { client_hello = 65536; }; };
contexts = {
  main = {
    cert_chain = ( { certfile = "$S/main.pem"; keyfile = "$S/main.key"; },
      { certfile = "$S/mainapi.pem"; keyfile = "$S/mainapi.key"; } );
    alpn_protocols = [ "h2", "http/1.1", "x-echo" ];
  };
  api = {
    cert_chain = ( { certfile = "$S/api.pem"; keyfile = "$S/api.key"; } );
    maximum_version = "TLSv1_2";
    ciphers = "ECDHE-RSA-AES256-GCM-SHA384";
    verify_mode = "CERT_REQUIRED";
    verify_locations = { cafile = "$C/ca.pem"; };
    alpn_protocols = [ "http/1.1" ];
  };
};
listeners = ( { listen = "127.0.0.1:$P"; context = "main"; backend = "app";
  routes = (
    { names = [ "api.example.test", "*.api.example.test" ];
      context = "api"; backend = "api"; },
    { names = [ "www.example.test" ]; backend = "web"; },
    { alpn = "acme-tls/1"; backend = "acme"; passthrough = true; },
    { names = [ "pass.example.test" ]; backend = "acme"; passthrough = true; },
    { alpn = "x-echo"; backend = "xecho"; },
    { names = [ "h.example.test" ]; alpn = "h2"; backend = "h2"; }
  ); } );
backends = {
  app = { servers = [ "127.0.0.1:$APP" ]; };
  api = { servers = [ "127.0.0.1:$API" ]; };
  web = { servers = [ "127.0.0.1:$WEB" ]; };
  acme = { servers = [ "127.0.0.1:$ACME" ]; };
  xecho = { servers = [ "127.0.0.1:$XECHO" ]; };
  h2 = { servers = [ "127.0.0.1:$H2" ]; };
};
EOF
"$TF_DAEMON" -t -c tlsfront.conf >check.out 2>&1 ||
    fail "-t refused the routes: $(cat check.out)"
start_tlsfront tlsfront.conf

# sclient ARGS...: s_client's output for one echo exchange.
sclient() {
	echo ping | timeout -k 5 $(scale 20) openssl s_client -ign_eof \
	    -connect "127.0.0.1:$P" "$@" 2>&1
}
conns() {
	grep -c '^conn ' "$1" || true
}
# went NAME LOG BEFORE: the backend behind LOG got one more connection.
went() {
	wait_count '^conn ' "$2" $(($3 + 1)) ||
	    fail "$1: its backend saw no connection"
}

# api.example.test: context api (TLS 1.2 only, its cipher, its
# certificate, a client certificate required), backend api.
n=$(conns "$API_LOG")
out=$(sclient -servername api.example.test -cert "$C/client.pem" \
    -key "$C/client.key")
echo "$out" | grep -q 'Protocol  *: TLSv1.2' ||
    fail "api: not TLS 1.2: $(echo "$out" | grep -E 'Protocol|alert')"
echo "$out" | grep -q 'Cipher  *: ECDHE-RSA-AES256-GCM-SHA384' ||
    fail "api: not api's cipher: $(echo "$out" | grep Cipher)"
echo "$out" | grep -q '^ping$' || fail "api: no echo"
went api "$API_LOG" "$n"
got=$(echo | timeout -k 5 $(scale 20) openssl s_client -connect "127.0.0.1:$P" \
    -servername x.api.example.test -cert "$C/client.pem" -key "$C/client.key" \
    2>/dev/null | openssl x509 -noout -fingerprint -sha256 |
    sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
[ "$got" = "$(fp api)" ] || fail "x.api.example.test: not api's certificate"
out=$(sclient -servername api.example.test)
echo "$out" | grep -q '^ping$' && fail "api: served without a client certificate"
echo "$out" | grep -qi 'alert certificate required\|alert number 116\|alert handshake failure\|alert number 40' ||
    fail "api without a certificate: no alert: $(echo "$out" | grep -i alert)"

# www.example.test: main's context (TLS 1.3), backend web.
n=$(conns "$WEB_LOG")
out=$(sclient -servername www.example.test)
echo "$out" | grep -q 'New, TLSv1.3' ||
    fail "www: not main's TLS 1.3: $(echo "$out" | grep -E '^New')"
went www "$WEB_LOG" "$n"

# ALPN: x-echo goes to xecho whatever the name; h2 on h.example.test
# to h2; http/1.1 on h.example.test and h2 elsewhere to the listener's.
n=$(conns "$XECHO_LOG")
out=$(sclient -servername www.example.test -alpn x-echo)
echo "$out" | grep -q '^ALPN protocol: x-echo$' || fail "no x-echo"
echo "$out" | grep -q '^ping$' || fail "x-echo: no echo"
went x-echo "$XECHO_LOG" "$n"

# Passthrough: a client offering acme-tls/1 (as an ACME server checking
# TLS-ALPN-01 does), or asking for pass.example.test, talks TLS with the
# backend itself: its certificate, its ALPN, its data (s_server -rev).
for args in "-servername www.example.test -alpn acme-tls/1" \
    "-servername pass.example.test"; do
	# shellcheck disable=SC2086
	got=$(echo | timeout -k 5 $(scale 20) openssl s_client \
	    -connect "127.0.0.1:$P" $args 2>/dev/null |
	    openssl x509 -noout -fingerprint -sha256 |
	    sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
	[ "$got" = "$(fp acme)" ] ||
	    fail "passthrough $args: not the backend's certificate"
	# shellcheck disable=SC2086
	out=$(sclient $args)
	echo "$out" | grep -q '^gnip$' ||
	    fail "passthrough $args: no reversed line from s_server: $out"
done
out=$(sclient -servername www.example.test -alpn acme-tls/1)
echo "$out" | grep -q '^ALPN protocol: acme-tls/1$' ||
    fail "passthrough: acme-tls/1 not negotiated by the backend"
# A ClientHello of 20 KB (a long ALPN list; limits.client_hello lets it
# in) is more than a passthrough keeps: that connection is closed and
# said so, the next one is served.
long=acme-tls/1
i=0
while [ $i -lt 80 ]; do
	long="$long,$(printf 'x%0249d' $i)"
	i=$((i + 1))
done
sclient -servername pass.example.test -alpn "$long" >long.out 2>&1
grep -q '^gnip$' long.out && fail "a 20 KB ClientHello was passed through"
wait_grep 'detail="?ClientHello too large to pass through' "$DAEMON_LOG" 1 ||
    fail "no access line for the ClientHello too large to pass through"
sclient -servername pass.example.test | grep -q '^gnip$' ||
    fail "passthrough after a refused one: no reversed line"
access_lines 'sni=pass.example.test ' | grep -q 'backend=acme .*proto=- ' ||
    fail "access log of a passed connection: $(access_lines 'sni=pass')"
n=$(conns "$H2_LOG")
out=$(sclient -servername h.example.test -alpn h2)
echo "$out" | grep -q '^ping$' || fail "h.example.test h2: no echo"
went "h.example.test h2" "$H2_LOG" "$n"
n=$(conns "$APP_LOG")
sclient -servername h.example.test -alpn http/1.1 | grep -q '^ping$' ||
    fail "h.example.test http/1.1: no echo"
went "h.example.test http/1.1" "$APP_LOG" "$n"
sclient -servername other.example.test -alpn h2 | grep -q '^ping$' ||
    fail "other.example.test h2: no echo"
went "other.example.test h2" "$APP_LOG" $((n + 1))
sclient -noservername | grep -q '^ping$' || fail "no SNI: no echo"
went "no SNI" "$APP_LOG" $((n + 2))

# The access log names each connection's backend.
for pair in api.example.test:api h.example.test:h2 other.example.test:app; do
	access_lines "sni=${pair%%:*} " | grep -q "backend=${pair#*:} " ||
	    fail "access log: ${pair%%:*} not on backend ${pair#*:}:" \
	    "$(access_lines "sni=${pair%%:*} ")"
done

# A TLS 1.2 session of main's is resumed under main, never under api.
sclient -tls1_2 -servername www.example.test -sess_out www.sess >/dev/null
out=$(sclient -tls1_2 -servername www.example.test -sess_in www.sess)
echo "$out" | grep -q '^Reused, TLSv1.2' ||
    fail "main's session not resumed under main: $(echo "$out" | grep -E '^(New|Reused)')"
out=$(sclient -tls1_2 -servername api.example.test -sess_in www.sess)
echo "$out" | grep -q '^Reused' &&
    fail "main's session resumed under api (no client certificate asked)"
echo "$out" | grep -q '^ping$' && fail "api served a resumed session without a certificate"

# Python's ssl, every python3: server_hostname and ALPN.
python_routes() {
	out=$(ctxprobe --port "$P" --server-hostname api.example.test \
	    --cert "$C/client.pem" --key "$C/client.key")
	[ "$(probe_get "$out" version)" = TLSv1.2 ] &&
	    [ "$(probe_get "$out" cipher)" = ECDHE-RSA-AES256-GCM-SHA384 ] &&
	    [ "$(probe_get "$out" read)" = echo ] &&
	    [ "$(probe_get "$out" peer_sha256)" = "$(fp api)" ] ||
	    fail "python api.example.test: $out"
	out=$(ctxprobe --port "$P" --server-hostname api.example.test)
	[ "$(probe_get "$out" read)" != echo ] ||
	    fail "python api.example.test without a certificate was served"
	out=$(ctxprobe --port "$P" --server-hostname h.example.test \
	    --alpn h2,http/1.1)
	[ "$(probe_get "$out" version)" = TLSv1.3 ] &&
	    [ "$(probe_get "$out" alpn)" = h2 ] &&
	    [ "$(probe_get "$out" read)" = echo ] ||
	    fail "python h.example.test h2: $out"
}
n=$(conns "$H2_LOG")
each_python python_routes
wait_count '^conn ' "$H2_LOG" $((n + $(npythons))) ||
    fail "python h2 connections did not reach backend h2"

if command -v curl >/dev/null 2>&1; then
	n=$(conns "$WEB_LOG")
	code=$(timeout -k 5 $(scale 20) curl -sS -o /dev/null -w '%{http_code}' \
	    --http1.1 --cacert "$CAFILE" \
	    --resolve "www.example.test:$P:127.0.0.1" \
	    "https://www.example.test:$P/") || fail "curl www.example.test"
	[ "$code" = 200 ] || fail "curl www.example.test: HTTP $code"
	went "curl www" "$WEB_LOG" "$n"
fi
if command -v gnutls-cli >/dev/null 2>&1; then
	n=$(conns "$API_LOG")
	echo ping | timeout -k 5 $(scale 20) gnutls-cli -p "$P" \
	    --x509cafile="$CAFILE" --sni-hostname=z.api.example.test \
	    --verify-hostname=z.api.example.test \
	    --x509certfile="$C/client.pem" --x509keyfile="$C/client.key" \
	    127.0.0.1 >gnutls.out 2>&1 || fail "gnutls-cli: $(tail -n 5 gnutls.out)"
	grep -q 'TLS1.2' gnutls.out || fail "gnutls-cli: api not TLS 1.2"
	went "gnutls z.api" "$API_LOG" "$n"
fi
check_daemon_log
stop_tlsfront
