#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# timeouts.handshake = 1: a TCP client that sends nothing is closed within
# 3 s and logged as handshake_timeout; normal clients still work.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
TF_TIMEOUTS="handshake = 1; connect = 5; idle = 300; drain = 30;"
write_conf tlsfront.conf "$(listener "$P" echo)" \
    "  echo = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

client silent --port "$P" --min 0.5 --max "$(scale 3)" ||
    fail "silent client not closed between 0.5 and 3 s"
wait_grep "listen=127.0.0.1:$P .*end=handshake_timeout" "$DAEMON_LOG" ||
    fail "no access line with end=handshake_timeout"
out=$(client request --port "$P" --cafile "$CAFILE" --data 'quick\n' \
    --expect-echo) || fail "a normal client failed with handshake = 1"
[ "$out" = "quick" ] || fail "got '$out'"
stop_tlsfront
exit 0
