#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# tlsfront: the test PKI for the TLS scanners (tests/scan/run.sh), made in
# DIR with the openssl CLI at test time; test-only keys, never committed.
# A scanner then rates the server's TLS, not a self-signed test leaf.
#
#   root.pem root.key        root CA (RSA-2048, 10 years); what clients trust
#   inter.pem inter.key      intermediate CA (RSA-2048, pathlen 0), signed by root
#   leaf.pem leaf.key        RSA-2048 server leaf for localhost, 365 days:
#                            SAN DNS:localhost, IP:127.0.0.1; KU
#                            digitalSignature, keyEncipherment; EKU
#                            serverAuth; CRL distribution point and OCSP
#                            URI under BASEURL
#   chain.pem                leaf.pem then inter.pem: what the server sends
#   inter.crl.pem inter.crl  the intermediate's (empty) CRL, PEM and DER:
#                            what the CRL distribution point names
#   root.crl                 the root's (empty) CRL, DER
#
# usage: mkpki.sh DIR [BASEURL]   (BASEURL default http://127.0.0.1:8888)

set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 DIR [BASEURL]" >&2
	exit 2
fi
dir=$1
base=${2:-http://127.0.0.1:8888}
OPENSSL=${OPENSSL:-openssl}

mkdir -p "$dir"
cd "$dir"
umask 077

log=mkpki.log
: >"$log"
run() {
	if ! "$@" >>"$log" 2>&1; then
		echo "mkpki.sh: failed: $*" >&2
		cat "$log" >&2
		exit 1
	fi
}

# One openssl ca(1) configuration for both CAs; CA selects the files.
cat >pki.cnf <<EOF
[ca]
default_ca = ca_sect
[ca_sect]
dir = .
database = \$ENV::CA.index
new_certs_dir = newcerts
serial = \$ENV::CA.serial
crlnumber = \$ENV::CA.crlnumber
certificate = \$ENV::CA.pem
private_key = \$ENV::CA.key
default_md = sha256
default_days = 365
default_crl_days = 365
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
[req]
distinguished_name = dn
prompt = no
[dn]
[v3_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_inter]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:$base/root.crl
[v3_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:$base/inter.crl
authorityInfoAccess = OCSP;URI:$base/ocsp, caIssuers;URI:$base/inter.der
[crl_ext]
authorityKeyIdentifier = keyid
EOF

# ca_init NAME: an empty database for the CA NAME.
ca_init() {
	: >"$1.index"
	echo 01 >"$1.serial"
	echo 01 >"$1.crlnumber"
}

# ca_sign CA EXT CSR OUT DAYS: CA signs CSR with extensions EXT, with a
# random 159-bit serial (scanners rate short serials as low entropy).
ca_sign() {
	CA=$1 run "$OPENSSL" ca -batch -notext -rand_serial -config pki.cnf \
	    -extensions "$2" -in "$3" -out "$4" -days "$5"
}

# ca_crl CA OUT: the CA's CRL, DER, and PEM as OUT.pem.
ca_crl() {
	CA=$1 run "$OPENSSL" ca -batch -config pki.cnf -gencrl \
	    -crlexts crl_ext -out "$2.pem"
	run "$OPENSSL" crl -in "$2.pem" -outform DER -out "$2"
}

newkey() {
	run "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$1"
}

mkdir -p newcerts
export CA=root
newkey root.key
run "$OPENSSL" req -new -x509 -config pki.cnf -extensions v3_root \
    -key root.key -subj "/CN=tlsfront scan test root CA" -days 3650 \
    -sha256 -out root.pem
ca_init root

newkey inter.key
run "$OPENSSL" req -new -config pki.cnf -key inter.key \
    -subj "/CN=tlsfront scan test intermediate CA" -out inter.csr
ca_sign root v3_inter inter.csr inter.pem 1825
ca_init inter

newkey leaf.key
run "$OPENSSL" req -new -config pki.cnf -key leaf.key -subj "/CN=localhost" \
    -out leaf.csr
ca_sign inter v3_leaf leaf.csr leaf.pem 365

cat leaf.pem inter.pem >chain.pem
run "$OPENSSL" x509 -in inter.pem -outform DER -out inter.der
ca_crl inter inter.crl
ca_crl root root.crl

# The chain must verify against the root alone, with the CRLs.
run "$OPENSSL" verify -CAfile root.pem -untrusted inter.pem \
    -purpose sslserver -verify_hostname localhost leaf.pem
cat root.pem inter.crl.pem root.crl.pem >crlcheck.pem
run "$OPENSSL" verify -crl_check_all -CAfile crlcheck.pem \
    -untrusted inter.pem leaf.pem

rm -rf newcerts
rm -f ./*.csr ./*.index* ./*.serial* ./*.crlnumber* crlcheck.pem pki.cnf \
    "$log"
