#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# dh_params: DHE suites only with it (no dh_auto). ecdh_curve / groups:
# only those groups work, for TLS 1.3 key shares and TLS 1.2 ECDHE alike.
# Python clients: every python3 of the machine, each offering exactly the
# one group asked for (ctxprobe.py reads it back from its own ClientHello;
# a Python that refuses set_ecdh_curve("X448") is restricted through
# OpenSSL's configuration instead, and says so in a note).
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl
make_certs
start_backend echo
PN=$(free_port)
PD=$(free_port)
PC=$(free_port)
PG=$(free_port)
write_conf_ctx tlsfront.conf "  nodh = { $CERT_RSA };
  dh = { $CERT_RSA dh_params = \"certs/dh.pem\"; };
  curve = { $CERT_RSA ecdh_curve = \"prime256v1\"; };
  groups = { $CERT_RSA groups = [ \"X448\", \"X25519\" ]; };" \
    "$(ctx_listener "$PN" nodh app)
$(ctx_listener "$PD" dh app)
$(ctx_listener "$PC" curve app)
$(ctx_listener "$PG" groups app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

DHE=DHE-RSA-AES128-GCM-SHA256

# curve_probe PORT VERSION GROUP: ctxprobe offering only GROUP; logs its
# notes and checks that the ClientHello offered GROUP alone (and, in TLS
# 1.3, a key share for it alone).
curve_probe() {
	out=$(ctxprobe --port "$1" --tls-version "$2" --curve "$3")
	probe_notes "$out"
	[ "$(probe_get "$out" offered_groups)" = "$3" ] ||
	    fail "client asked to offer only $3 (TLS $2) offered: $out"
	[ "$2" = 1.2 ] || [ "$(probe_get "$out" key_shares)" = "$3" ] ||
	    fail "client asked to offer only $3 (TLS $2) sent key shares: $out"
}

python_checks() {
	out=$(ctxprobe --port "$PN" --tls-version 1.2 --ciphers "$DHE")
	probe_refused "$out" || fail "DHE without dh_params completed: $out"
	out=$(ctxprobe --port "$PD" --tls-version 1.2 --ciphers "$DHE")
	[ "$(probe_get "$out" cipher)" = "$DHE" ] &&
	    [ "$(probe_get "$out" read)" = echo ] ||
	    fail "DHE with dh_params: $out"

	# ecdh_curve prime256v1: P-256 only.
	for v in 1.2 1.3; do
		curve_probe "$PC" $v prime256v1
		[ "$(probe_get "$out" read)" = echo ] ||
		    fail "curve P-256 TLS $v: $out"
		for g in X25519 X448; do
			curve_probe "$PC" $v $g
			probe_refused "$out" ||
			    fail "curve: $g accepted (TLS $v): $out"
		done
	done
	# groups [X448, X25519]: those two, not P-256.
	for g in X448 X25519; do
		curve_probe "$PG" 1.3 $g
		[ "$(probe_get "$out" read)" = echo ] ||
		    fail "groups: $g refused: $out"
	done
	curve_probe "$PG" 1.3 prime256v1
	probe_refused "$out" || fail "groups: P-256 accepted: $out"
}
each_python python_checks

echo | timeout -k 5 $(scale 20) openssl s_client -connect "127.0.0.1:$PD" \
    -tls1_2 -cipher "$DHE" 2>&1 | grep -q "Cipher is $DHE" ||
    fail "s_client: DHE with dh_params refused"
echo | timeout -k 5 $(scale 20) openssl s_client -connect "127.0.0.1:$PN" \
    -tls1_2 -cipher "$DHE" 2>&1 | grep -q "Cipher is $DHE" &&
    fail "s_client: DHE without dh_params accepted"
echo | timeout -k 5 $(scale 20) openssl s_client -connect "127.0.0.1:$PG" \
    -groups P-256:P-384 2>&1 | grep -q '^New, TLSv1.3' &&
    fail "s_client: groups P-256:P-384 accepted"
echo | timeout -k 5 $(scale 20) openssl s_client -connect "127.0.0.1:$PG" \
    -groups P-256:X448 2>&1 | grep -q '^New, TLSv1.3' ||
    fail "s_client: groups P-256:X448 refused"
stop_tlsfront
