#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# RSA and ECDSA certificates side by side in one context (two cert_chain
# entries): each client gets the certificate its capabilities allow, in
# TLS 1.3 (by signature algorithms) and TLS 1.2 (by cipher suite), seen by
# two stacks (openssl s_client and gnutls-cli).
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
sed -i 's|cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } );|cert_chain = (\n      { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; },\n      { certfile = "certs/ecdsa.pem"; keyfile = "certs/ecdsa.key"; } );|' \
    tlsfront.conf
grep -q 'certs/ecdsa.key' tlsfront.conf || hard_error "config not written"
start_tlsfront tlsfront.conf

# key_type ARGS...: the server key type s_client saw ("RSA" or "EC").
key_type() {
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$P" \
	    -CAfile "$CAFILE" -verify_return_error "$@" 2>/dev/null |
	    openssl x509 -noout -text 2>/dev/null |
	    sed -n 's/.*Public Key Algorithm: \(rsaEncryption\|id-ecPublicKey\).*/\1/p' |
	    head -n 1
}

t=$(key_type -tls1_3 -sigalgs 'ECDSA+SHA256')
[ "$t" = id-ecPublicKey ] || fail "TLS 1.3 ECDSA-only client got '$t'"
t=$(key_type -tls1_3 -sigalgs 'rsa_pss_rsae_sha256')
[ "$t" = rsaEncryption ] || fail "TLS 1.3 RSA-only client got '$t'"
t=$(key_type -tls1_2 -cipher 'ECDHE-ECDSA-AES128-GCM-SHA256')
[ "$t" = id-ecPublicKey ] || fail "TLS 1.2 ECDSA suite client got '$t'"
t=$(key_type -tls1_2 -cipher 'ECDHE-RSA-AES128-GCM-SHA256')
[ "$t" = rsaEncryption ] || fail "TLS 1.2 RSA suite client got '$t'"

# gnutls-cli: restrict the key exchange through the priority string; it
# prints the leaf as "..., EC/ECDSA key 256 bits, ..." or "RSA key 2048".
gnutls_type() {
	timeout 10 gnutls-cli --x509cafile="$CAFILE" -p "$P" 127.0.0.1 \
	    --verify-hostname=localhost --priority "$1" </dev/null 2>&1 |
	    sed -n 's/^ - subject .*, \(EC\/ECDSA\|RSA\) key [0-9]* bits.*/\1/p' |
	    head -n 1
}
t=$(gnutls_type 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA')
[ "$t" = EC/ECDSA ] || fail "gnutls ECDHE-ECDSA client got '$t'"
t=$(gnutls_type 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-RSA')
[ "$t" = RSA ] || fail "gnutls ECDHE-RSA client got '$t'"
stop_tlsfront
