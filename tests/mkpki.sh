#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# tlsfront: make a small client-certificate PKI in DIR with `openssl ca`
# (index files, revocation, CRLs), for the client certificate tests.
# Test-only keys, made at test time and never committed.
#
#   root.pem root.crl         root CA "tlsfront test root CA"; its CRL
#                             revokes bob
#   root-inter.crl            a later CRL of the root: bob and the
#                             intermediate CA revoked
#   inter.pem inter.crl       intermediate CA, issued by the root; its CRL
#                             revokes dave
#   root-empty.crl            a CRL of the root that revokes nothing
#   root-expired.crl          a CRL of the root whose nextUpdate has passed
#   root-with-crl.pem         root.pem followed by root.crl (CRL in cafile)
#   capath/                   root.pem and root.crl as HASH.0 and HASH.r0
#   alice.pem/key             client of the root, good
#   bob.pem/key               client of the root, revoked
#   carol.pem/key             client of the intermediate, good; carol-chain.pem
#                             is carol.pem followed by inter.pem
#   dave.pem/key              client of the intermediate, revoked; dave-chain.pem
#   odd.pem/key               client of the root whose subject holds a comma,
#                             quotes, a plus, a backslash, UTF-8 and a tab
#   lax.pem/key               client of the root without key identifiers
#                             (refused by VERIFY_X509_STRICT)
#   other-ca.pem              another CA, trusted by nobody
#   mallory.pem/key           client of other-ca
# Serial numbers: the root issues from 8F01 up (high bit set: a DER leading
# zero that `openssl x509 -serial` does not print), the intermediate from
# 0A01, the other CA from 0501.

set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
dir=$1
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

# cnf NAME: the `openssl ca` configuration of CA NAME.
cnf() {
	cat >"$1.cnf" <<EOF
[ca]
default_ca = ca_$1
[ca_$1]
database = $1.index
serial = $1.serial
crlnumber = $1.crlnumber
new_certs_dir = $1.new
certificate = $1.pem
private_key = $1.key
default_md = sha256
default_days = 365
default_crl_days = 30
policy = policy_cn
unique_subject = no
preserve = yes
email_in_dn = no
string_mask = utf8only
[policy_cn]
commonName = supplied
[req]
distinguished_name = dn
prompt = no
string_mask = utf8only
utf8 = yes
[dn]
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_inter]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_client_lax]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = none
authorityKeyIdentifier = none
EOF
	: >"$1.index"
	mkdir -p "$1.new"
	echo 01 >"$1.crlnumber"
}

key() {
	run "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$1.key"
}

# selfca NAME CN SERIAL: a self-signed CA.
selfca() {
	cnf "$1"
	key "$1"
	run "$OPENSSL" req -new -x509 -config "$1.cnf" -extensions v3_ca \
	    -key "$1.key" -subj "/CN=$2" -days 365 -sha256 -out "$1.pem"
	echo "$3" >"$1.serial"
}

# issue CA NAME SUBJECT EXTENSIONS: NAME.pem issued by CA.
issue() {
	key "$2"
	run "$OPENSSL" req -new -config "$1.cnf" -utf8 -key "$2.key" \
	    -subj "$3" -out "$2.csr"
	run "$OPENSSL" ca -batch -config "$1.cnf" -utf8 -preserveDN \
	    -extensions "$4" -in "$2.csr" -out "$2.full"
	# Only the PEM, not the text dump openssl ca puts before it.
	run "$OPENSSL" x509 -in "$2.full" -out "$2.pem"
	rm -f "$2.csr" "$2.full"
}

selfca root "tlsfront test root CA" 8F01
issue root inter "/CN=tlsfront test intermediate CA" v3_inter
cnf inter
echo 0A01 >inter.serial
issue root alice "/CN=alice/O=tlsfront tests" v3_client
issue root bob "/CN=bob/O=tlsfront tests" v3_client
issue inter carol "/CN=carol/O=tlsfront tests" v3_client
issue inter dave "/CN=dave/O=tlsfront tests" v3_client
# CN: UTF-8, quotes, a comma, an escaped plus and backslash; O: a tab.
issue root odd "$(printf '/CN=Zo\303\253 "Z" Smith, Jr. \\+ x\\\\y/O=a;b<c>=d\te#')" \
    v3_client
issue root lax "/CN=lax" v3_client_lax
cat carol.pem inter.pem >carol-chain.pem
cat dave.pem inter.pem >dave-chain.pem
selfca other-ca "tlsfront other CA" 0501
issue other-ca mallory "/CN=mallory" v3_client

run "$OPENSSL" ca -batch -config root.cnf -gencrl -out root-empty.crl
# A CRL whose nextUpdate has passed.
run "$OPENSSL" ca -batch -config root.cnf -gencrl \
    -crl_lastupdate 20200101000000Z -crl_nextupdate 20200201000000Z \
    -out root-expired.crl
run "$OPENSSL" ca -batch -config root.cnf -revoke bob.pem \
    -crl_reason keyCompromise
run "$OPENSSL" ca -batch -config root.cnf -gencrl -out root.crl
run "$OPENSSL" ca -batch -config root.cnf -revoke inter.pem \
    -crl_reason CACompromise
run "$OPENSSL" ca -batch -config root.cnf -gencrl -out root-inter.crl
run "$OPENSSL" ca -batch -config inter.cnf -revoke dave.pem \
    -crl_reason keyCompromise
run "$OPENSSL" ca -batch -config inter.cnf -gencrl -out inter.crl
cat root.pem root.crl >root-with-crl.pem

# The hashed directory layout of `openssl rehash`, as plain files.
mkdir -p capath
cp root.pem "capath/$("$OPENSSL" x509 -in root.pem -noout -hash).0"
cp root.crl "capath/$("$OPENSSL" crl -in root.crl -noout -hash).r0"
chmod 644 ./*.pem ./*.crl
rm -f "$log"
