#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# workers = 2: 200 concurrent connections each move 64 KiB both ways;
# nothing is lost.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
TF_WORKERS=2
write_conf tlsfront.conf "$(listener "$P" echo)" \
    "  echo = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

client concurrent --port "$P" --cafile "$CAFILE" --conns 200 --bytes 64K \
    >conc.out || { cat conc.out >&2; fail "200 concurrent connections failed"; }
cat conc.out >&2
wait_count '^conn bytes_in=65536 sha256=[0-9a-f]{64} end=eof$' "$BACKEND_LOG" 200 ||
    fail "backend logged $(grep -c 'bytes_in=65536 .*end=eof' "$BACKEND_LOG") of 200 complete connections"
[ "$(wc -l <"$BACKEND_LOG")" -eq 200 ] ||
    fail "backend logged $(wc -l <"$BACKEND_LOG") connections, expected 200"
wait_count "bytes_in=65536 bytes_out=65536 end=closed" "$DAEMON_LOG" 200 ||
    fail "$(access_lines 'bytes_in=65536 bytes_out=65536 end=closed' | wc -l) of 200 access lines with 64 KiB each way, end=closed"
stop_tlsfront
exit 0
