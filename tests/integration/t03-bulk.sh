#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# 64 MiB each way on one connection, then 4 parallel connections of 16 MiB:
# the echo's SHA-256 equals what was sent, and the backend saw exactly the
# bytes the client sent.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
write_conf tlsfront.conf "$(listener "$P" echo)" \
    "  echo = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

client bulk --port "$P" --cafile "$CAFILE" --bytes 64M --conns 1 >bulk1.out ||
    { cat bulk1.out >&2; fail "64 MiB transfer failed"; }
cat bulk1.out >&2
sent=$(sent_as_backend_sees bulk1.out)
[ -n "$sent" ] || hard_error "no summary from the client"
wait_grep "$sent end=eof" "$BACKEND_LOG" ||
    fail "backend did not log '$sent end=eof'"
wait_grep "listen=127.0.0.1:$P .*bytes_in=67108864 bytes_out=67108864 end=closed" \
    "$DAEMON_LOG" || fail "no access line with 64 MiB each way, end=closed"

client bulk --port "$P" --cafile "$CAFILE" --bytes 16M --conns 4 >bulk4.out ||
    { cat bulk4.out >&2; fail "4 x 16 MiB transfer failed"; }
cat bulk4.out >&2
for i in 0 1 2 3; do
	sent=$(sent_as_backend_sees bulk4.out $i)
	[ -n "$sent" ] || hard_error "no summary for conn $i"
	wait_grep "$sent end=eof" "$BACKEND_LOG" ||
	    fail "backend did not log '$sent end=eof' (conn $i)"
done
wait_count "bytes_in=16777216 bytes_out=16777216 end=closed" "$DAEMON_LOG" 4 ||
    fail "fewer than 4 access lines with 16 MiB each way, end=closed"
stop_tlsfront
exit 0
