#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# close_notify means "everything was sent": the client gets it only after
# a clean end of the backend's stream. A backend that resets mid-response,
# one that falls silent until the idle timeout, and one still sending when
# the SIGTERM drain expires: the client sees the stream end without
# close_notify (a truncation it can detect). A backend that ends with a FIN
# after the same bytes: close_notify.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
N=300000
start_cut() {	# start_cut NAME END: sets PORT_NAME
	"${TF_PYTHON:-python3}" "$TF_SRCDIR/tests/helpers/cutbackend.py" \
	    --bytes "$N" --end "$2" --portfile "$WORK/$1.port" &
	track $!
	wait_file "$WORK/$1.port" || hard_error "backend $1 did not start"
	eval "PORT_$1=$(cat "$WORK/$1.port")"
}
start_cut fin fin
start_cut rst rst
start_cut silent silent
P_FIN=$(free_port)
P_RST=$(free_port)
P_SILENT=$(free_port)
TF_TIMEOUTS="handshake = 10; connect = 5; idle = 1; drain = 1;"
write_conf tlsfront.conf "$(listener "$P_FIN" fin),
$(listener "$P_RST" rst),
$(listener "$P_SILENT" silent)" \
"  fin = { servers = [ \"127.0.0.1:$PORT_fin\" ]; };
  rst = { servers = [ \"127.0.0.1:$PORT_rst\" ]; };
  silent = { servers = [ \"127.0.0.1:$PORT_silent\" ]; };"
start_tlsfront tlsfront.conf

# The clean end: all bytes, then close_notify.
out=$(client read-end --port "$P_FIN" --cafile "$CAFILE" --data "go\n" --timeout 20) ||
    fail "read-end through the fin backend failed"
log "fin backend: $out"
[ "$out" = "end=close_notify bytes=$N" ] ||
    fail "a clean backend end gave '$out', not all $N bytes and close_notify"

# A reset after the bytes: no close_notify.
out=$(client read-end --port "$P_RST" --cafile "$CAFILE" --data "go\n" --timeout 20) ||
    fail "read-end through the rst backend failed"
log "rst backend: $out"
case $out in
end=close_notify*) fail "a backend reset reached the client as close_notify ($out)" ;;
end=eof*|end=reset*) ;;
*) fail "unexpected end through the rst backend: $out" ;;
esac
wait_grep "listen=127.0.0.1:$P_RST .*end=backend_error" "$DAEMON_LOG" ||
    fail "no backend_error access line for the reset"

# Silent until the idle timeout: the stream is cut, no close_notify.
out=$(client read-end --port "$P_SILENT" --cafile "$CAFILE" --data "go\n" --timeout 20) ||
    fail "read-end through the silent backend failed"
log "silent backend: $out"
case $out in
"end=eof bytes=$N"|"end=reset bytes=$N") ;;
*) fail "an idle timeout mid-stream gave '$out' (want all $N bytes, no close_notify)" ;;
esac
wait_grep "listen=127.0.0.1:$P_SILENT .*end=idle_timeout" "$DAEMON_LOG" ||
    fail "no idle_timeout access line"

# Still open when the SIGTERM drain (1 s) expires: no close_notify either.
stop_tlsfront
TF_TIMEOUTS="handshake = 10; connect = 5; idle = 300; drain = 1;"
write_conf drain.conf "$(listener "$P_SILENT" silent)" \
"  silent = { servers = [ \"127.0.0.1:$PORT_silent\" ]; };"
start_tlsfront drain.conf
client read-end --port "$P_SILENT" --cafile "$CAFILE" --data "go\n" --timeout 20 \
    >drain.out &
reader=$!
# The daemon must be relaying when the drain starts: a fixed sleep lost to
# a slow client start under load (the stop came before the accept). Wait
# for the connection to the backend, which sends its bytes at once, then
# give them a moment to reach the client.
n=0
until ss -Htn state established "( dport = :$PORT_silent )" | grep -q .; do
	n=$((n + 1))
	[ $n -lt $(( $(scale 20) * 10 )) ] || fail "no connection to the silent backend"
	sleep 0.1
done
sleep 0.5	# the client has its bytes and waits for more
stop_tlsfront
wait "$reader" || fail "read-end during the drain failed"
out=$(cat drain.out)
log "drain expiry: $out"
case $out in
"end=eof bytes=$N"|"end=reset bytes=$N") ;;
*) fail "the drain's expiry gave '$out' (want all $N bytes, no close_notify)" ;;
esac
grep -Eq "listen=127.0.0.1:$P_SILENT .*end=shutdown" "$DAEMON_LOG" ||
    fail "no access line with end=shutdown"
