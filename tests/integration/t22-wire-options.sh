#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Issue 3, proof 3 (the settings that exist today): what each option does,
# seen from clients on the wire. OP_CIPHER_SERVER_PREFERENCE on and cleared
# (TLS 1.2 and 1.3), OP_ENABLE_MIDDLEBOX_COMPAT (TLS 1.3 dummy
# ChangeCipherSpec), OP_NO_TLSv1_3, ecdh_curve as the only group, a ciphers
# string, OP_IGNORE_UNEXPECTED_EOF. Each effect is shown against a control
# listener that differs only in that setting, with openssl s_client and
# gnutls-cli or Python's ssl (every python3 of the machine).
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl gnutls-cli
SEEDTABLE=$TF_SRCDIR/tests/helpers/seedtable.py
make_certs
start_backend echo
ECHO_PORT=$BACKEND_PORT
start_backend sink
SINK_PORT=$BACKEND_PORT
SINK_LOG=$BACKEND_LOG

A12=ECDHE-RSA-AES128-GCM-SHA256
B12=ECDHE-RSA-AES256-GCM-SHA384
A13=TLS_AES_128_GCM_SHA256
B13=TLS_CHACHA20_POLY1305_SHA256
ORDER="ciphers = \"$A12:$B12\"; ciphersuites = \"$A13:$B13\";"
CERT='cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } );'
P_DEF=$(free_port)
P_PREF=$(free_port)
P_NOPREF=$(free_port)
P_NOMB=$(free_port)
P_NO13=$(free_port)
P_CURVE=$(free_port)
P_GCM=$(free_port)
P_EOF=$(free_port)
P_IGN=$(free_port)
lis() {
	echo "  { listen = \"127.0.0.1:$1\"; context = \"$2\"; backend = \"$3\"; },"
}
cat >tlsfront.conf <<EOF
daemon = {
  workers = 1;
  timeouts = { handshake = 10; connect = 5; idle = 60; drain = 10; };
  log = { level = "info"; access = "text"; };
};
contexts = {
  def = { $CERT };
  pref = { $ORDER $CERT };
  nopref = { options = [ "!OP_CIPHER_SERVER_PREFERENCE" ]; $ORDER $CERT };
  nomb = { options = [ "!OP_ENABLE_MIDDLEBOX_COMPAT" ]; $CERT };
  no13 = { options = [ "OP_NO_TLSv1_3" ]; $CERT };
  curve = { ecdh_curve = "prime256v1"; $CERT };
  gcm = { ciphers = "ECDHE+AESGCM"; $CERT };
  ign = { options = [ "OP_IGNORE_UNEXPECTED_EOF" ]; $CERT };
};
listeners = (
$(lis "$P_DEF" def echo)
$(lis "$P_PREF" pref echo)
$(lis "$P_NOPREF" nopref echo)
$(lis "$P_NOMB" nomb echo)
$(lis "$P_NO13" no13 echo)
$(lis "$P_CURVE" curve echo)
$(lis "$P_GCM" gcm echo)
$(lis "$P_EOF" def sink)
$(lis "$P_IGN" ign sink | sed 's/,$//')
);
backends = {
  echo = { servers = [ "127.0.0.1:$ECHO_PORT" ]; };
  sink = { servers = [ "127.0.0.1:$SINK_PORT" ]; };
};
EOF
start_tlsfront tlsfront.conf

# sc PORT ARGS...: openssl s_client -brief; prints the negotiated
# "version cipher" or "refused".
sc() {
	_p=$1
	shift
	timeout -k 5 $(scale 20) openssl s_client -brief -connect "127.0.0.1:$_p" \
	    -servername localhost -CAfile "$CAFILE" -verify_return_error "$@" \
	    </dev/null >sc.out 2>&1
	_st=$?
	_v=$(sed -n 's/^Protocol version: //p' sc.out)
	_c=$(sed -n 's/^Ciphersuite: //p' sc.out)
	if [ $_st -eq 0 ] && grep -q '^CONNECTION ESTABLISHED' sc.out &&
	    [ -n "$_v" ] && [ -n "$_c" ]; then
		echo "$_v $_c"
	else
		echo refused
	fi
}

# gt PORT PRIORITY: gnutls-cli; prints "(TLS1.3-X.509)-(...)-..." or
# "refused".
gt() {
	timeout -k 5 $(scale 20) gnutls-cli --x509cafile "$CAFILE" --port "$1" \
	    --sni-hostname localhost --verify-hostname localhost \
	    --priority "$2" 127.0.0.1 </dev/null >gt.out 2>&1
	_st=$?
	_d=$(sed -n 's/^- Description: //p' gt.out | head -n 1)
	if [ $_st -eq 0 ] && grep -q 'Handshake was completed' gt.out &&
	    [ -n "$_d" ]; then
		echo "$_d"
	else
		echo refused
	fi
}

# expect WHAT GOT WANT: WANT is a glob.
expect() {
	# shellcheck disable=SC2254
	case $2 in
	$3)	log "ok: $1: $2" ;;
	*)	fail "$1: got '$2', want '$3'" ;;
	esac
}

# --- OP_CIPHER_SERVER_PREFERENCE: server order A,B; clients offer B,A.
expect "TLS 1.2 server preference on (s_client)" \
    "$(sc "$P_PREF" -tls1_2 -cipher "$B12:$A12")" "TLSv1.2 $A12"
expect "TLS 1.2 server preference cleared (s_client)" \
    "$(sc "$P_NOPREF" -tls1_2 -cipher "$B12:$A12")" "TLSv1.2 $B12"
G12='NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM'
expect "TLS 1.2 server preference on (gnutls)" "$(gt "$P_PREF" "$G12")" \
    '(TLS1.2*)-(AES-128-GCM)*'
expect "TLS 1.2 server preference cleared (gnutls)" \
    "$(gt "$P_NOPREF" "$G12")" '(TLS1.2*)-(AES-256-GCM)*'
expect "TLS 1.3 server preference on (s_client)" \
    "$(sc "$P_PREF" -tls1_3 -ciphersuites "$B13:$A13")" "TLSv1.3 $A13"
expect "TLS 1.3 server preference cleared (s_client)" \
    "$(sc "$P_NOPREF" -tls1_3 -ciphersuites "$B13:$A13")" "TLSv1.3 $B13"
G13='NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305:+AES-128-GCM'
expect "TLS 1.3 server preference on (gnutls)" "$(gt "$P_PREF" "$G13")" \
    '(TLS1.3*)-(AES-128-GCM)*'
expect "TLS 1.3 server preference cleared (gnutls)" \
    "$(gt "$P_NOPREF" "$G13")" '(TLS1.3*)-(CHACHA20-POLY1305)*'

# --- OP_ENABLE_MIDDLEBOX_COMPAT: the server's dummy ChangeCipherSpec right
# after a TLS 1.3 ServerHello. Python: SSLContext._msg_callback (private,
# works in 3.11); openssl: s_client -msg, server-side record headers
# "14 03 03 00 01". TLS 1.2 always has a real CCS (control).
ccs() {
	timeout -k 5 $(scale 20) "$PYTHON" "$SEEDTABLE" ccs --port "$1" \
	    --cafile "$CAFILE" --tls-version "$2" 2>/dev/null |
	    sed 's/ records=.*//'
}
python_ccs() {
	expect "middlebox compat on, TLS 1.3 (python)" \
	    "$(ccs "$P_DEF" TLSv1.3)" "version=TLSv1.3 ccs=yes"
	expect "middlebox compat cleared, TLS 1.3 (python)" \
	    "$(ccs "$P_NOMB" TLSv1.3)" "version=TLSv1.3 ccs=no"
	expect "middlebox compat cleared, TLS 1.2 (python)" \
	    "$(ccs "$P_NOMB" TLSv1.2)" "version=TLSv1.2 ccs=yes"
}
pythons >/dev/null
npy=$(npythons)
each_python python_ccs
server_ccs() {
	timeout -k 5 $(scale 20) openssl s_client -connect "127.0.0.1:$1" \
	    -servername localhost -CAfile "$CAFILE" -verify_return_error \
	    -tls1_3 -msg </dev/null 2>&1 |
	    awk '/^(<<<|>>>)/ { dir = $1 }
	        dir == "<<<" && /^    14 03 03 00 01$/ { n++ }
	        END { print n + 0 }'
}
expect "middlebox compat on, TLS 1.3 (s_client -msg): server CCS records" \
    "$(server_ccs "$P_DEF")" 1
expect "middlebox compat cleared, TLS 1.3 (s_client -msg): server CCS" \
    "$(server_ccs "$P_NOMB")" 0

# --- OP_NO_TLSv1_3: a 1.3-only client is refused, 1.2 works.
expect "OP_NO_TLSv1_3, TLS 1.3 client (s_client)" \
    "$(sc "$P_NO13" -tls1_3)" refused
expect "OP_NO_TLSv1_3, TLS 1.2 client (s_client)" \
    "$(sc "$P_NO13" -tls1_2)" "TLSv1.2 *"
expect "OP_NO_TLSv1_3, flexible client (s_client)" "$(sc "$P_NO13")" \
    "TLSv1.2 *"
expect "default, TLS 1.3 client (control)" "$(sc "$P_DEF" -tls1_3)" \
    "TLSv1.3 *"
python_no13() {
	client request --port "$P_NO13" --cafile "$CAFILE" --tls-version 1.3 \
	    --data 'x\n' >/dev/null 2>py13.err &&
	    fail "OP_NO_TLSv1_3: python TLS 1.3 client got through"
	out=$(client request --port "$P_NO13" --cafile "$CAFILE" \
	    --tls-version 1.2 --data 'via 1.2\n' --expect-echo) ||
	    fail "OP_NO_TLSv1_3: python 1.2"
	expect "OP_NO_TLSv1_3, TLS 1.2 client (python)" "$out" "via 1.2"
}
each_python python_no13

# --- ecdh_curve = "prime256v1": the only group, in TLS 1.2 and 1.3.
for v in tls1_2 tls1_3; do
	expect "ecdh_curve prime256v1, $v client offering X25519 only" \
	    "$(sc "$P_CURVE" -$v -groups X25519)" refused
	expect "ecdh_curve prime256v1, $v client offering P-256" \
	    "$(sc "$P_CURVE" -$v -groups P-256)" "TLSv1.* *"
	grep -q '^Server Temp Key: ECDH, prime256v1' sc.out ||
	    fail "ecdh_curve prime256v1, $v: key exchange not on P-256"
	expect "default, $v client offering X25519 only (control)" \
	    "$(sc "$P_DEF" -$v -groups X25519)" "TLSv1.* *"
done
expect "ecdh_curve prime256v1, gnutls X25519 only" \
    "$(gt "$P_CURVE" 'NORMAL:-GROUP-ALL:+GROUP-X25519')" refused
expect "ecdh_curve prime256v1, gnutls SECP256R1 only" \
    "$(gt "$P_CURVE" 'NORMAL:-GROUP-ALL:+GROUP-SECP256R1')" \
    '(TLS1.3*)-(ECDHE-SECP256R1)*'

# --- ciphers = "ECDHE+AESGCM": a TLS 1.2 CHACHA20-only client fails.
CH=ECDHE-RSA-CHACHA20-POLY1305
expect "ciphers ECDHE+AESGCM, TLS 1.2 CHACHA20 client" \
    "$(sc "$P_GCM" -tls1_2 -cipher "$CH")" refused
expect "ciphers ECDHE+AESGCM, TLS 1.2 AES-GCM client" \
    "$(sc "$P_GCM" -tls1_2 -cipher "$A12")" "TLSv1.2 $A12"
expect "default, TLS 1.2 CHACHA20 client (control)" \
    "$(sc "$P_DEF" -tls1_2 -cipher "$CH")" "TLSv1.2 $CH"
expect "ciphers ECDHE+AESGCM, gnutls TLS 1.2 CHACHA20 only" \
    "$(gt "$P_GCM" 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+CHACHA20-POLY1305')" \
    refused

# Refused handshakes are logged as such (6 s_client/gnutls refusals above
# on these listeners, and one per python3).
want=$((6 + npy))
wait_count 'end=handshake_error' "$DAEMON_LOG" "$want" $(scale 5)
n=$(access_lines 'end=handshake_error' | wc -l)
[ "$n" -eq "$want" ] ||
    fail "expected $want end=handshake_error access lines, found $n"

# --- OP_IGNORE_UNEXPECTED_EOF: the client sends data, then a TCP FIN
# without close_notify, and keeps reading. Without the option the daemon
# fails the TLS read (alert decode_error to the client, access log
# end=client_error); with it the EOF is clean: the FIN is passed on, and the
# client gets close_notify (end=closed). The backend (sink) gets the bytes
# and the EOF in both cases.
msg='no close_notify follows'
len=$((${#msg} + 1))
python_eof() {
	for v in TLSv1.3 TLSv1.2; do
		for p in "$P_EOF" "$P_IGN"; do
			out=$(timeout -k 5 $(scale 30) "$PYTHON" "$SEEDTABLE" \
			    eof --port "$p" --cafile "$CAFILE" --tls-version "$v" \
			    --timeout "$(scale 10)" --data "$msg
") || fail "seedtable.py eof failed"
			if [ "$p" = "$P_EOF" ]; then
				expect "no OP_IGNORE_UNEXPECTED_EOF, $v: client sees" \
				    "$out" \
				    "peer_end=tls-error(TLSV1_ALERT_DECODE_ERROR) *"
				e='end=client_error detail="client closed without close_notify"'
			else
				expect "OP_IGNORE_UNEXPECTED_EOF, $v: client sees" \
				    "$out" "peer_end=close_notify *"
				e='end=closed$'
			fi
			# One more such line per pass.
			wait_count \
			    "listen=127.0.0.1:$p .*proto=$v .*bytes_in=$len .*$e" \
			    "$DAEMON_LOG" "$PY_PASS" || fail "port $p, $v: not" \
			    "$PY_PASS access lines 'bytes_in=$len ... $e'"
		done
	done
}
each_python python_eof
log "ok: unexpected EOF: client_error without the option, closed with it"
wait_count "bytes_in=$len .*end=eof" "$SINK_LOG" $((4 * npy)) ||
    fail "the sink backend did not get the bytes and EOF $((4 * npy)) times"
[ "$(access_lines "listen=127.0.0.1:$P_EOF " | wc -l)" -eq $((2 * npy)) ] ||
    fail "expected $((2 * npy)) access lines on the no-option EOF listener"
[ "$(access_lines "listen=127.0.0.1:$P_IGN " | wc -l)" -eq $((2 * npy)) ] ||
    fail "expected $((2 * npy)) access lines on the" \
    "OP_IGNORE_UNEXPECTED_EOF listener"

stop_tlsfront
exit 0
