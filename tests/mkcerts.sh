#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# tlsfront: make the test certificates in DIR with the openssl CLI.
# Test-only keys, made at test time and never committed. Idempotent: a
# complete set (marked by DIR/.complete) is left alone.
#
#   ca.pem ca.key            small CA (RSA-2048)
#   rsa.pem rsa.key          RSA-2048 leaf signed by the CA
#   ecdsa.pem ecdsa.key      P-256 leaf signed by the CA
#   rsa-chain.pem            rsa.pem followed by ca.pem
#   mismatch.pem             a copy of rsa.pem; its "key" is mismatch.key,
#   mismatch.key             a copy of ecdsa.key
#   enc.pem enc.key          P-256 leaf, key encrypted with password "secret"
#   enc.pass                 that password, for password_file
#   client.pem client.key    P-256 client certificate signed by the CA
#   dh.pem                   DH parameters: the RFC 7919 ffdhe2048 group
#   dh1024.pem               1024-bit DH parameters (too small at level 2)
# Leaves carry subjectAltName DNS:localhost, IP:127.0.0.1.

set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
dir=$1
OPENSSL=${OPENSSL:-openssl}

if [ -f "$dir/.complete" ]; then
	exit 0
fi
mkdir -p "$dir"
cd "$dir"
umask 077

log=mkcerts.log
: >"$log"
run() {
	if ! "$@" >>"$log" 2>&1; then
		echo "mkcerts.sh: failed: $*" >&2
		cat "$log" >&2
		exit 1
	fi
}

cat >ca.cnf <<'EOF'
[req]
distinguished_name = dn
x509_extensions = v3_ca
prompt = no
[dn]
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
cat >ext-server.cnf <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
cat >ext-client.cnf <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

# leaf NAME CN EXTFILE: sign NAME.csr with the CA into NAME.pem.
leaf() {
	run "$OPENSSL" req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
	run "$OPENSSL" x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -days 365 -sha256 -extfile "$3" -out "$1.pem"
	rm -f "$1.csr"
}

run "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out ca.key
run "$OPENSSL" req -new -x509 -config ca.cnf -key ca.key \
    -subj "/CN=tlsfront test CA" -days 365 -sha256 -out ca.pem

run "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out rsa.key
leaf rsa localhost ext-server.cnf

run "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out ecdsa.key
leaf ecdsa localhost ext-server.cnf

cat rsa.pem ca.pem >rsa-chain.pem
cp rsa.pem mismatch.pem
cp ecdsa.key mismatch.key

run "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out enc-plain.key
leaf enc-plain localhost ext-server.cnf
mv enc-plain.pem enc.pem
run "$OPENSSL" pkey -in enc-plain.key -aes256 -passout pass:secret \
    -out enc.key
rm -f enc-plain.key
printf 'secret\n' >enc.pass

run "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out client.key
leaf client "tlsfront test client" ext-client.cnf

run "$OPENSSL" genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 \
    -out dh.pem
run "$OPENSSL" genpkey -genparam -algorithm DH \
    -pkeyopt dh_paramgen_prime_len:1024 -out dh1024.pem

rm -f ca.cnf ext-server.cnf ext-client.cnf ca.srl "$log"
: >.complete
