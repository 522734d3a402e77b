#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# A backend whose only server refuses connections: the client gets a clean
# close_notify and no data, the access log says connect_failed, and the
# daemon keeps serving another listener. servers = [dead, alive] falls over
# to the alive server.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
DEAD=$(free_port)	# nothing listens there: connections are refused
P1=$(free_port)
P2=$(free_port)
P3=$(free_port)
write_conf tlsfront.conf "$(listener "$P1" dead),
$(listener "$P2" alive),
$(listener "$P3" both)" "  dead = { servers = [ \"127.0.0.1:$DEAD\" ]; };
  alive = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };
  both = { servers = [ \"127.0.0.1:$DEAD\", \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

for round in 1 2; do
	client expect-close --port "$P1" --cafile "$CAFILE" ||
	    fail "round $round: no clean close from a listener whose backend is down"
	# server= is "-" (none connected) or the last server tried.
	wait_count "listen=127.0.0.1:$P1 backend=dead server=(-|127\.0\.0\.1:$DEAD) .*end=connect_failed" \
	    "$DAEMON_LOG" $round ||
	    fail "round $round: no access line 'backend=dead server=- ... end=connect_failed'"

	out=$(client request --port "$P2" --cafile "$CAFILE" \
	    --data "round $round alive\n" --expect-echo) ||
	    fail "round $round: the working listener failed"
	[ "$out" = "round $round alive" ] || fail "alive: got '$out'"

	out=$(client request --port "$P3" --cafile "$CAFILE" \
	    --data "round $round failover\n" --expect-echo) ||
	    fail "round $round: [dead, alive] did not fall over to alive"
	[ "$out" = "round $round failover" ] || fail "failover: got '$out'"
	wait_count "listen=127.0.0.1:$P3 backend=both server=127.0.0.1:$BACKEND_PORT .*end=closed" \
	    "$DAEMON_LOG" $round ||
	    fail "round $round: no access line 'backend=both server=127.0.0.1:$BACKEND_PORT ... end=closed'"
done
stop_tlsfront
exit 0
