#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# SIGTERM during a transfer (timeouts.drain = 10): new connections are no
# longer served, the transfer completes byte for byte, the daemon exits 0.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
TF_TIMEOUTS="handshake = 10; connect = 5; idle = 300; drain = 10;"
write_conf tlsfront.conf "$(listener "$P" echo)" \
    "  echo = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

# 32 MiB; the client pauses for 2 s once 8 MiB are echoed, and we send
# SIGTERM during the pause.
client bulk --port "$P" --cafile "$CAFILE" --bytes 32M --pause-at 8M \
    --pause 2 --ready-file ready >bulk.out 2>bulk.err &
CPID=$!
track $CPID
wait_file ready $(scale 30) || { cat bulk.err >&2; fail "transfer did not reach 8 MiB"; }
kill -TERM "$TLSFRONT_PID"
log "SIGTERM sent"
client no-service --port "$P" --cafile "$CAFILE" --timeout 1 ||
    fail "new connections still served after SIGTERM"
wait $CPID
st=$?
cat bulk.out bulk.err >&2
[ $st -eq 0 ] || fail "the transfer in flight did not complete (client exit $st)"
sent=$(sent_as_backend_sees bulk.out)
[ -n "$sent" ] || hard_error "no summary from the client"
wait_grep "$sent end=eof" "$BACKEND_LOG" ||
    fail "backend did not log '$sent end=eof'"
wait_daemon_exit $(scale 15)
access_lines "listen=127.0.0.1:$P .*bytes_in=33554432 bytes_out=33554432 end=closed" >/dev/null ||
    fail "no access line with 32 MiB each way, end=closed"
exit 0
