#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# verify_mode with verify_locations: CERT_REQUIRED without a client
# certificate fails TLS 1.2 in the handshake (handshake_failure) and TLS 1.3
# after it (certificate_required on the first read); CERT_OPTIONAL asks but
# goes on; post_handshake_auth with CERT_REQUIRED sends no
# CertificateRequest in a TLS 1.3 handshake at all.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl
make_certs
start_backend echo
PR=$(free_port)
PO=$(free_port)
PP=$(free_port)
VL='verify_locations = { cafile = "certs/ca.pem"; };'
write_conf_ctx tlsfront.conf "  required = { $CERT_RSA $VL
    verify_mode = \"CERT_REQUIRED\"; };
  optional = { $CERT_RSA $VL
    verify_mode = \"CERT_OPTIONAL\"; };
  pha = { $CERT_RSA $VL
    verify_mode = \"CERT_REQUIRED\"; post_handshake_auth = true; };" \
    "$(ctx_listener "$PR" required app)
$(ctx_listener "$PO" optional app)
$(ctx_listener "$PP" pha app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf
C="--cert $WORK/certs/client.pem --key $WORK/certs/client.key"

# Python clients: every python3 of the machine.
python_checks() {
	# CERT_REQUIRED, no certificate.
	out=$(ctxprobe --port "$PR" --tls-version 1.2)
	case $(probe_get "$out" handshake) in
	fail:*HANDSHAKE_FAILURE*) ;;
	*) fail "REQUIRED TLS 1.2 without cert: $out" ;;
	esac
	out=$(ctxprobe --port "$PR" --tls-version 1.3 --read-first)
	[ "$(probe_get "$out" handshake)" = ok ] || fail "REQUIRED TLS 1.3" \
	    "without cert: handshake must complete: $out"
	case $(probe_get "$out" read) in
	alert:*CERTIFICATE_REQUIRED*) ;;
	*) fail "REQUIRED TLS 1.3 without cert: first read: $out" ;;
	esac
	[ "$(probe_get "$out" certreq)" = 1 ] ||
	    fail "REQUIRED: no CertificateRequest: $out"
	# With the CA's client certificate, both versions relay.
	for v in 1.2 1.3; do
		# shellcheck disable=SC2086
		out=$(ctxprobe --port "$PR" --tls-version $v $C)
		[ "$(probe_get "$out" read)" = echo ] ||
		    fail "REQUIRED TLS $v with client cert: $out"
	done
	# A certificate of no trusted CA (the server's own self-made leaf's key
	# pair would do; the ECDSA server leaf has no clientAuth): refused.
	out=$(ctxprobe --port "$PR" --tls-version 1.2 \
	    --cert "$WORK/certs/ecdsa.pem" --key "$WORK/certs/ecdsa.key")
	probe_refused "$out" || fail "REQUIRED TLS 1.2: a certificate not" \
	    "for clients was accepted: $out"

	# CERT_OPTIONAL: asked for, but not needed.
	for v in 1.2 1.3; do
		out=$(ctxprobe --port "$PO" --tls-version $v)
		[ "$(probe_get "$out" read)" = echo ] ||
		    fail "OPTIONAL TLS $v without cert: $out"
		[ "$(probe_get "$out" certreq)" = 1 ] ||
		    fail "OPTIONAL TLS $v: no CertificateRequest: $out"
		# shellcheck disable=SC2086
		out=$(ctxprobe --port "$PO" --tls-version $v $C)
		[ "$(probe_get "$out" read)" = echo ] ||
		    fail "OPTIONAL TLS $v with cert: $out"
	done

	# post_handshake_auth + CERT_REQUIRED: TLS 1.3 has no
	# CertificateRequest in the handshake, so a client without a
	# certificate gets through.
	out=$(ctxprobe --port "$PP" --tls-version 1.3)
	[ "$(probe_get "$out" certreq)" = 0 ] ||
	    fail "post_handshake_auth TLS 1.3: CertificateRequest sent: $out"
	[ "$(probe_get "$out" read)" = echo ] ||
	    fail "post_handshake_auth TLS 1.3: $out"
	# TLS 1.2 has no post-handshake auth: as CERT_REQUIRED.
	out=$(ctxprobe --port "$PP" --tls-version 1.2)
	case $(probe_get "$out" handshake) in
	fail:*HANDSHAKE_FAILURE*) ;;
	*) fail "post_handshake_auth TLS 1.2 without cert: $out" ;;
	esac
}
each_python python_checks

# openssl s_client -msg: the same CertificateRequest difference.
n=$(echo | timeout -k 5 $(scale 20) openssl s_client -connect \
    "127.0.0.1:$PO" -tls1_3 -msg 2>&1 | grep -c 'CertificateRequest')
[ "$n" -ge 1 ] || fail "s_client: OPTIONAL sent no CertificateRequest"
n=$(echo | timeout -k 5 $(scale 20) openssl s_client -connect \
    "127.0.0.1:$PP" -tls1_3 -msg 2>&1 | grep -c 'CertificateRequest')
[ "$n" -eq 0 ] || fail "s_client: post_handshake_auth sent CertificateRequest"
stop_tlsfront
