#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# timeouts.idle = 1: a relayed connection with traffic every 0.3 s lives on
# for 3 s; once silent it is closed within a few seconds (idle_timeout).
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
TF_TIMEOUTS="handshake = 10; connect = 5; idle = 1; drain = 30;"
write_conf tlsfront.conf "$(listener "$P" echo)" \
    "  echo = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

client idle --port "$P" --cafile "$CAFILE" --active 3 --interval 0.3 \
    --min 0.5 --max "$(scale 4)" || fail "idle timeout misbehaved"
wait_grep "listen=127.0.0.1:$P .*end=idle_timeout" "$DAEMON_LOG" ||
    fail "no access line with end=idle_timeout"
wait_grep "end=(eof|reset)" "$BACKEND_LOG" ||
    fail "the backend connection was not closed"
stop_tlsfront
exit 0
