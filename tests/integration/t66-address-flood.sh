#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Per-address limits under a flood (issue 11, overload limits): one address
# (127.0.0.2) opens connections at up to 2,000 per second, each sending a
# real ClientHello, for 6 s. With limits.per_address_rate = 50 most are
# closed at accept, before any handshake work; a bulk transfer from another
# address keeps at least half its throughput meanwhile; once the flood
# stops, the flooding address is served again.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
TF_DAEMON_EXTRA='limits = { per_address_rate = 50; per_address_connections = 20; };' \
    write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

# bulk_ms: milliseconds for 8 MB echoed from 127.0.0.1.
bulk_ms() {
	_t0=$(date +%s%N)
	client bulk --port "$P" --cafile "$CAFILE" --conns 1 --bytes 8M \
	    >"$WORK/bulk.out" 2>&1 || fail "bulk transfer failed: $(tail -n 3 "$WORK/bulk.out")"
	echo $(( ($(date +%s%N) - _t0) / 1000000 ))
}
base=$(bulk_ms)

client flood --port "$P" --source 127.0.0.2 --rate 2000 --seconds 6 \
    >"$WORK/flood.out" 2>&1 &
FLOOD=$!
track $FLOOD
sleep 1
during=$(bulk_ms)
wait $FLOOD || fail "the flood client failed: $(cat "$WORK/flood.out")"
log "$(cat "$WORK/flood.out")"
log "8 MB echoed in $base ms before the flood, $during ms during it"

answered=$(sed -n 's/.*: \([0-9]*\) answered.*/\1/p' "$WORK/flood.out")
refused=$(sed -n 's/.* answered, \([0-9]*\) refused.*/\1/p' "$WORK/flood.out")
[ -n "$answered" ] && [ -n "$refused" ] || fail "no flood figures"
# 50 per second for 6 s, plus the first burst of 50.
[ "$answered" -le 400 ] ||
    fail "$answered flood connections got a handshake; the rate limit is 50/s"
[ "$refused" -ge 1000 ] || fail "only $refused flood connections refused"
wait_grep 'over per_address_rate new connections per second; connection closed' \
    "$DAEMON_LOG" || fail "the refusals are not logged"
[ "$during" -le $((base * 2 + 1000)) ] ||
    fail "the bulk transfer took $during ms during the flood, $base ms before"

# Recovered: the flooding address is served again.
sleep 1.5
out=$(client request --port "$P" --cafile "$CAFILE" --source 127.0.0.2 \
    --data 'again\n' --expect-echo) || fail "127.0.0.2 not served after the flood"
stop_tlsfront
