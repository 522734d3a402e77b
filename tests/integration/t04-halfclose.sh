#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Half-close in both directions.
# Client side: the client sends its data and close_notify at once; all the
# echo must still arrive, then the proxy's close_notify.
# Backend side: the backend sends a banner and FIN at once; the client gets
# the banner and close_notify, then still sends data that must reach the
# backend in full.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
ECHO_PORT=$BACKEND_PORT
ECHO_LOG=$BACKEND_LOG
start_backend halfclose
HC_PORT=$BACKEND_PORT
HC_LOG=$BACKEND_LOG
P1=$(free_port)
P2=$(free_port)
write_conf tlsfront.conf "$(listener "$P1" echo),
$(listener "$P2" halfclose)" "  echo = { servers = [ \"127.0.0.1:$ECHO_PORT\" ]; };
  halfclose = { servers = [ \"127.0.0.1:$HC_PORT\" ]; };"
start_tlsfront tlsfront.conf

# Client -> proxy half-close (4 MiB: more than any socket buffer).
client halfclose-client --port "$P1" --cafile "$CAFILE" --bytes 4M \
    >hc1.out || { cat hc1.out >&2; fail "halfclose-client failed"; }
cat hc1.out >&2
sent=$(sent_as_backend_sees hc1.out)
[ -n "$sent" ] || hard_error "no summary from the client"
wait_grep "$sent end=eof" "$ECHO_LOG" ||
    fail "echo backend did not log '$sent end=eof'"
wait_grep "listen=127.0.0.1:$P1 .*bytes_in=4194304 bytes_out=4194304 end=closed" \
    "$DAEMON_LOG" || fail "no access line with 4 MiB each way, end=closed"

# Backend -> proxy half-close: 1 MiB sent after the proxy's close_notify.
client halfclose-backend --port "$P2" --cafile "$CAFILE" --bytes 1M \
    >hc2.out || { cat hc2.out >&2; fail "halfclose-backend failed"; }
cat hc2.out >&2
sent=$(sent_as_backend_sees hc2.out)
[ -n "$sent" ] || hard_error "no summary from the client"
wait_grep "^conn $sent end=eof" "$HC_LOG" ||
    fail "halfclose backend did not log 'conn $sent end=eof'"
wait_grep "listen=127.0.0.1:$P2 .*bytes_in=1048576 bytes_out=7 end=closed" \
    "$DAEMON_LOG" || fail "no access line 'bytes_in=1048576 bytes_out=7 end=closed'"
stop_tlsfront
exit 0
