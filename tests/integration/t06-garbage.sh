#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# A client sending non-TLS bytes is disconnected (access log: handshake_error)
# and the daemon still serves a good client afterwards.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
write_conf tlsfront.conf "$(listener "$P" echo)" \
    "  echo = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

client garbage --port "$P" --close-within "$(scale 5)" ||
    fail "connection not closed after non-TLS bytes"
wait_grep "listen=127.0.0.1:$P .*end=handshake_error" "$DAEMON_LOG" ||
    fail "no access line with end=handshake_error"
out=$(client request --port "$P" --cafile "$CAFILE" --data 'still here\n' \
    --expect-echo) || fail "good client failed after the garbage one"
[ "$out" = "still here" ] || fail "got '$out'"
[ ! -s "$BACKEND_LOG" ] || [ "$(wc -l <"$BACKEND_LOG")" -le 1 ] ||
    fail "the garbage connection reached the backend"
stop_tlsfront
exit 0
