#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# alpn_protocols: the server's order wins (Python's _selectALPN_cb with
# SSL_select_next_proto, server list first); no overlap: no ALPN and the
# handshake goes on. Seen by Python's ssl (every python3 of the machine)
# and openssl s_client.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl
make_certs
start_backend echo
P=$(free_port)
write_conf_ctx tlsfront.conf "  default = { $CERT_RSA
    alpn_protocols = [ \"h2\", \"http/1.1\" ]; };" \
    "$(ctx_listener "$P" default app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

python_checks() {
	for v in 1.3 1.2; do
		out=$(ctxprobe --port "$P" --tls-version $v \
		    --alpn "http/1.1,h2")
		[ "$(probe_get "$out" alpn)" = h2 ] ||
		    fail "TLS $v: client http/1.1,h2 got: $out"
		out=$(ctxprobe --port "$P" --tls-version $v \
		    --alpn "spdy/3,http/1.1")
		[ "$(probe_get "$out" alpn)" = http/1.1 ] ||
		    fail "TLS $v: client spdy/3,http/1.1 got: $out"
		out=$(ctxprobe --port "$P" --tls-version $v --alpn "spdy/3,foo")
		[ "$(probe_get "$out" handshake)" = ok ] ||
		    fail "TLS $v: no overlap must not fail the handshake: $out"
		[ "$(probe_get "$out" alpn)" = none ] ||
		    fail "TLS $v: no overlap selected something: $out"
		[ "$(probe_get "$out" read)" = echo ] ||
		    fail "TLS $v: no overlap: no relay: $out"
	done
}
each_python python_checks

# openssl s_client, a second stack.
out=$(echo | timeout -k 5 $(scale 20) openssl s_client -connect \
    "127.0.0.1:$P" -alpn "http/1.1,h2" 2>&1)
echo "$out" | grep -q '^ALPN protocol: h2$' ||
    fail "s_client http/1.1,h2: $(echo "$out" | grep -i alpn)"
out=$(echo | timeout -k 5 $(scale 20) openssl s_client -connect \
    "127.0.0.1:$P" -alpn "imap" 2>&1)
echo "$out" | grep -q '^No ALPN negotiated$' ||
    fail "s_client imap: $(echo "$out" | grep -i alpn)"
echo "$out" | grep -q '^New, TLSv1.3, Cipher' ||
    fail "s_client imap: handshake did not complete"
stop_tlsfront
