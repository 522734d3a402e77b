#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# A ClientHello announced but not sent costs what one byte costs (issue 11,
# defect 3). 9 bytes (a record header and a handshake header) announcing a
# 128 KB ClientHello made libssl allocate and zero 128 KB at once: 400 such
# connections added about 55 MB to the worker. Now:
#  - a claim over limits.client_hello (16384 by default) is refused at
#    once (the connection closes, the access line says why);
#  - a claim within it is held back from libssl until the bytes arrive:
#    400 connections announcing 16000 bytes cost no more than 400 that
#    sent one byte;
#  - real ClientHellos still go through, one split over several records
#    included.
. "$TF_SRCDIR/tests/integration/lib.sh"

N=400
HOLDERS=
ulimit -n 4096 2>/dev/null || true
make_certs
start_backend echo
P=$(free_port)
write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf
WORKER=$(pgrep -P "$TLSFRONT_PID" | head -n 1)
[ -n "$WORKER" ] || hard_error "no worker process"

rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$WORKER/status"
}

# hold NAME DATA: N connections that send DATA and stay open; waits until
# they are all open, then a second for the worker to see them.
hold() {
	client hold --port "$P" --conns "$N" --data "$2" \
	    --ready-file "$WORK/$1.ready" --stop-file "$WORK/stop" \
	    >"$WORK/$1.out" 2>&1 &
	track $!
	HOLDERS="$HOLDERS $!"
	wait_file "$WORK/$1.ready" 60 || fail "$1: connections not opened"
	sleep 1
}

r0=$(rss)
hold byte '\x16'
r1=$(rss)
# A whole 4-byte record: a ClientHello header announcing 131072 bytes.
hold big '\x16\x03\x01\x00\x04\x01\x02\x00\x00'
r2=$(rss)
# The same announcing 16000 bytes (within the limit).
hold claim '\x16\x03\x01\x00\x04\x01\x00\x3e\x80'
r3=$(rss)
touch "$WORK/stop"
for h in $HOLDERS; do
	wait "$h" || fail "a holding client failed: $(cat "$WORK"/*.out)"
done
log "worker RSS (KB): start $r0, +$N one-byte $r1, +$N 131072-byte claims $r2, +$N 16000-byte claims $r3"
d1=$((r1 - r0))
d2=$((r2 - r1))
d3=$((r3 - r2))
log "per $N connections: one byte +$d1 KB, 131072-byte claim +$d2 KB, 16000-byte claim +$d3 KB"

grep -q "hold: $N connections, $N closed by the server" "$WORK/big.out" ||
    fail "131072-byte claims were not refused: $(cat "$WORK/big.out")"
access_lines 'ClientHello larger than limits.client_hello' >/dev/null ||
    fail "the refusals are not in the access log"
grep -q "hold: $N connections, 0 closed by the server" "$WORK/claim.out" ||
    fail "16000-byte claims were closed early: $(cat "$WORK/claim.out")"
# Allowance: 25% of what one-byte connections cost, plus 2 MB of noise.
limit=$((d1 + d1 / 4 + 2048))
[ "$d3" -le "$limit" ] ||
    fail "16000-byte claims cost $d3 KB, more than one-byte connections ($d1 KB, allowance $limit KB)"
[ "$d2" -le "$limit" ] ||
    fail "refused claims cost $d2 KB, more than one-byte connections ($d1 KB)"

# Real clients: Python's ssl, and a ClientHello split over 512-byte records.
out=$(client request --port "$P" --cafile "$CAFILE" --data 'hello\n' \
    --expect-echo) || fail "a real client was not served"
alpn=$(printf 'a%.0s' $(seq 1 200)),$(printf 'b%.0s' $(seq 1 200)),$(printf 'c%.0s' $(seq 1 200))
out=$(printf 'split\n' | timeout 20 openssl s_client -connect "127.0.0.1:$P" \
    -CAfile "$CAFILE" -servername localhost -max_send_frag 512 \
    -alpn "$alpn" -ign_eof -quiet 2>"$WORK/split.err") || true
[ "$out" = "split" ] || fail "a ClientHello split over records was not served: $(tail -n 3 "$WORK/split.err")"
stop_tlsfront
