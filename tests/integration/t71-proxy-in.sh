#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# PROXY protocol from load balancers (issue 12, item 6): listeners[].
# accept_proxy takes a v1 or v2 header before the ClientHello, in one piece
# or byte by byte, with the ClientHello in the same segment or not; LOCAL
# and UNKNOWN keep the real peer; accept_proxy_from refuses other peers;
# malformed, truncated, missing and never-finished headers close that one
# connection with a log line and an access line; the per-address limits
# count the header's client. The backend (tests/helpers/pphelper.py, with
# proxy_protocol = "v1") shows which client tlsfrontd passed on.
. "$TF_SRCDIR/tests/integration/lib.sh"

PP=$TF_SRCDIR/tests/helpers/pphelper.py
make_certs

"$PYTHON" "$PP" backend --port-file "$WORK/pp.port" --log "$WORK/pp.log" \
    --lifetime "$(scale 180)" 2>"$WORK/backend-pp.err" &
track $!
wait_file "$WORK/pp.port" 10 || hard_error "pphelper backend did not start"
B=$(cat "$WORK/pp.port")
: >"$WORK/pp.log"

P1=$(free_port)
P2=$(free_port)
TF_TIMEOUTS='handshake = 3; connect = 5; idle = 300; drain = 30;' \
TF_DAEMON_EXTRA='limits = { per_address_connections = 1; };' \
    write_conf tlsfront.conf \
    "  { listen = \"127.0.0.1:$P1\"; context = \"default\"; backend = \"pp\";
    accept_proxy = true; },
  { listen = \"127.0.0.1:$P2\"; context = \"default\"; backend = \"pp\";
    accept_proxy = true; accept_proxy_from = [ \"10.0.0.0/8\", \"127.0.0.2\" ]; }" \
    "  pp = { servers = [ \"127.0.0.1:$B\" ]; proxy_protocol = \"v1\"; };"
start_tlsfront tlsfront.conf

NPP=0
NACC=0
# good PORT WANT-CLIENT WANT-BACKEND-LINE ARGS...: a TLS client through
# PORT must be echoed; its access line's client must be WANT-CLIENT (a
# pattern) and the v1 line the backend got must match WANT-BACKEND-LINE.
# Sets LINE (the access line).
good() {
	_port=$1 _wc=$2 _wb=$3
	shift 3
	_out=$(timeout -k 5 "$(scale 60)" "$PYTHON" "$PP" client \
	    --port "$_port" --timeout "$(scale 20)" "$@") ||
	    fail "client ($*) failed: $_out"
	NPP=$((NPP + 1))
	NACC=$((NACC + 1))
	wait_count . "$WORK/pp.log" "$NPP" || fail "backend got no header ($*)"
	_hdr=$(sed -n "${NPP}p" "$WORK/pp.log")
	echo "$_hdr" | grep -Eq "\"raw\": \"$_wb\"" ||
	    fail "backend got $_hdr, expected $_wb ($*)"
	wait_count ' access conn=' "$DAEMON_LOG" "$NACC" ||
	    fail "no access line ($*)"
	LINE=$(access_lines | sed -n "${NACC}p")
	echo "$LINE" | grep -q ' end=closed' || fail "not closed cleanly: $LINE"
	field "$LINE" client | grep -Eqx "$_wc" ||
	    fail "access client $(field "$LINE" client), expected $_wc: $LINE"
	log "ok ($*): $LINE"
}

# bad PORT DETAIL-PATTERN END RAW-ARGS...: raw bytes the daemon must
# refuse: the connection closes, an access line says END and DETAIL, and
# a warning names the problem. Sets _out (what the raw client saw).
bad() {
	_port=$1 _detail=$2 _end=$3
	shift 3
	_out=$(timeout -k 5 "$(scale 60)" "$PYTHON" "$PP" raw --port "$_port" \
	    --wait "$(scale 10)" "$@") || fail "raw ($*) failed: $_out"
	echo "$_out" | grep -q '^closed' || fail "($*) not closed: $_out"
	NACC=$((NACC + 1))
	wait_count ' access conn=' "$DAEMON_LOG" "$NACC" ||
	    fail "no access line for ($*)"
	LINE=$(access_lines | sed -n "${NACC}p")
	echo "$LINE" | grep -q " end=$_end " ||
	    fail "($*): expected end=$_end: $LINE"
	echo "$LINE" | grep -Eq "detail=\"$_detail\"" ||
	    fail "($*): expected detail $_detail: $LINE"
	# A timeout is a timeout: its access line says all (as without a
	# PROXY header).
	[ "$_end" = handshake_timeout ] ||
	    wait_grep "conn $(field "$LINE" conn): 127\.0\.0\.1:[0-9]+: $_detail; connection closed" \
	    "$DAEMON_LOG" || fail "($*): no warning line"
	log "refused ($*): $_out; $LINE"
}

V1A='PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n'
# --- good headers ---
good "$P1" '203\.0\.113\.7:51234' \
    'PROXY TCP4 203.0.113.7 192.0.2.1 51234 443' --v1 "$V1A"
field "$LINE" peer | grep -Eqx '127\.0\.0\.1:[0-9]+' ||
    fail "no peer= with the balancer's address: $LINE"
good "$P1" '\[2001:db8::7\]:4000' \
    'PROXY TCP6 2001:db8::7 2001:db8::1 4000 443' \
    --v1 'PROXY TCP6 2001:db8::7 2001:db8::1 4000 443\r\n' \
    --bytewise 0.02
good "$P1" '203\.0\.113\.8:1' 'PROXY TCP4 203.0.113.8 192.0.2.9 1 8443' \
    --v1 'PROXY TCP4 203.0.113.8 192.0.2.9 1 8443\r\n' --coalesce
H=$("$PYTHON" "$PP" header --version 2 --src 203.0.113.9 --dst 192.0.2.1 \
    --sport 40000 --dport 443)
good "$P1" '203\.0\.113\.9:40000' 'PROXY TCP4 203.0.113.9 192.0.2.1 40000 443' \
    --hex "$H"
good "$P1" '203\.0\.113\.9:40000' 'PROXY TCP4 203.0.113.9 192.0.2.1 40000 443' \
    --hex "$H" --coalesce
H6=$("$PYTHON" "$PP" header --version 2 --src 2001:db8::9 --dst ::1 \
    --sport 5 --dport 6)
good "$P1" '\[2001:db8::9\]:5' 'PROXY TCP6 2001:db8::9 ::1 5 6' \
    --hex "$H6" --bytewise 0.02
# v2 with TLVs the receiver skips (ALPN, NOOP).
good "$P1" '203\.0\.113\.10:7' 'PROXY TCP4 203.0.113.10 192.0.2.1 7 443' \
    --hex 0d0a0d0a000d0a515549540a21110015cb00710ac0000201000701bb01000268320400017a
# LOCAL (health checks) and UNKNOWN: the connection's own addresses.
good "$P1" '127\.0\.0\.1:[0-9]+' "PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 [0-9]+ $P1" \
    --hex "0d0a0d0a000d0a515549540a20000000"
echo "$LINE" | grep -q ' peer=' && fail "LOCAL: peer= written: $LINE"
good "$P1" '127\.0\.0\.1:[0-9]+' "PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 [0-9]+ $P1" \
    --v1 'PROXY UNKNOWN\r\n'

# --- accept_proxy_from ---
good "$P2" '203\.0\.113\.7:51234' \
    'PROXY TCP4 203.0.113.7 192.0.2.1 51234 443' --v1 "$V1A" \
    --source 127.0.0.2
out=$("$PYTHON" "$PP" raw --port "$P2" --v1 "$V1A" --wait "$(scale 10)")
echo "$out" | grep -q '^closed' || fail "127.0.0.1 not refused on $P2: $out"
wait_grep "listener 127\.0\.0\.1:$P2: 127\.0\.0\.1:[0-9]+ is not in accept_proxy_from; connection closed" \
    "$DAEMON_LOG" || fail "no log line for the refused peer"

# --- malformed, truncated, missing ---
bad "$P1" 'not a PROXY protocol header' handshake_error \
    --hex 16030100050100000100
bad "$P1" 'PROXY v1: bad source port' handshake_error \
    --v1 'PROXY TCP4 1.2.3.4 5.6.7.8 99999 443\r\n'
bad "$P1" 'PROXY v1: bad source address' handshake_error \
    --v1 'PROXY TCP4 1.2.3.04 5.6.7.8 1 443\r\n' --bytewise 0.01
bad "$P1" 'PROXY v1: LF without CR' handshake_error \
    --v1 'PROXY TCP4 1.2.3.4 5.6.7.8 1 443
'
bad "$P1" 'PROXY v1: no CRLF in the first 107 bytes' handshake_error \
    --v1 "PROXY UNKNOWN $(printf '%0100d' 0)\r\n"
bad "$P1" 'PROXY v2: bad version' handshake_error \
    --hex 0d0a0d0a000d0a515549540a1111000c
bad "$P1" 'PROXY v2: length over 4096 bytes' handshake_error \
    --hex 0d0a0d0a000d0a515549540a21111001
bad "$P1" 'PROXY v2: a datagram transport \(not a TLS stream\)' \
    handshake_error --hex 0d0a0d0a000d0a515549540a2112000c
bad "$P1" 'PROXY header cut short: the client closed the connection' \
    handshake_error --v1 'PROXY TCP4 1.2.3.4 ' --shut
bad "$P1" 'no PROXY header: the client closed the connection' \
    handshake_error --shut
# A header that never completes ends at timeouts.handshake (3 s).
bad "$P1" 'no whole PROXY header in time' handshake_timeout \
    --v1 'PROXY TCP4 1.2.3.4 '
secs=$(echo "$_out" | sed -n 's/^closed after \([0-9]*\)\..*/\1/p')
[ "${secs:-0}" -ge 2 ] || fail "closed after $_out, before timeouts.handshake"
# The daemon serves on.
good "$P1" '203\.0\.113\.7:51234' \
    'PROXY TCP4 203.0.113.7 192.0.2.1 51234 443' --v1 "$V1A"

# --- per-address limits count the header's client ---
timeout -k 5 "$(scale 60)" "$PYTHON" "$PP" client --port "$P1" \
    --v1 'PROXY TCP4 198.51.100.1 192.0.2.1 1000 443\r\n' \
    --hold "$(scale 4)" >"$WORK/hold.out" 2>&1 &
HOLD=$!
track $HOLD
NPP=$((NPP + 1))
wait_count . "$WORK/pp.log" "$NPP" || fail "the held connection is not relayed"
# The same client address through the same balancer: refused.
out=$("$PYTHON" "$PP" client --port "$P1" \
    --v1 'PROXY TCP4 198.51.100.1 192.0.2.1 1001 443\r\n' 2>&1) &&
    fail "a second connection of 198.51.100.1 was served: $out"
wait_grep '198\.51\.100\.1:1001: per_address_connections reached' \
    "$DAEMON_LOG" || fail "the refusal is not logged"
NACC=$((NACC + 1))
wait_count ' access conn=' "$DAEMON_LOG" "$NACC" || fail "no access line"
LINE=$(access_lines | sed -n "${NACC}p")
echo "$LINE" | grep -q 'end=handshake_error detail="refused by the per-address limits"' ||
    fail "refusal access line: $LINE"
# Another client address through the same balancer: served.
good "$P1" '198\.51\.100\.2:1002' 'PROXY TCP4 198.51.100.2 192.0.2.1 1002 443' \
    --v1 'PROXY TCP4 198.51.100.2 192.0.2.1 1002 443\r\n'
wait $HOLD || fail "the held connection failed: $(cat "$WORK/hold.out")"
NACC=$((NACC + 1))
wait_count ' access conn=' "$DAEMON_LOG" "$NACC" || fail "no access line"
# Its slot was given back: 198.51.100.1 is served again.
good "$P1" '198\.51\.100\.1:1003' 'PROXY TCP4 198.51.100.1 192.0.2.1 1003 443' \
    --v1 'PROXY TCP4 198.51.100.1 192.0.2.1 1003 443\r\n'

check_daemon_log
stop_tlsfront
