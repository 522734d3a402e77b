#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# The sd_notify protocol, seen from a NOTIFY_SOCKET the test listens on:
# READY=1 once listening; STATUS= with connection counts; RELOADING=1 with
# MONOTONIC_USEC then READY=1 around a reload; a failed reload in STATUS=;
# WATCHDOG=1 at the interval WATCHDOG_USEC asks for; STOPPING=1 at SIGTERM.
. "$TF_SRCDIR/tests/integration/lib.sh"

grep -q 'define HAVE_LIBSYSTEMD 1' "$TF_BUILDDIR/autoconf.h" ||
    skip "built without libsystemd"

make_certs
start_backend echo
P=$(free_port)
TF_TIMEOUTS="handshake = 10; connect = 5; idle = 300; drain = 2;" \
    write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
cp tlsfront.conf good.conf

"$PYTHON" - "$WORK/notify.sock" "$WORK/notify.out" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(120)
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        msg = s.recv(4096).decode()
        now = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        out.write("%d %s\n" % (now, msg.replace("\n", "|")))
PY
track $!
n=50
until [ -S "$WORK/notify.sock" ]; do
	[ $n -gt 0 ] || hard_error "notify listener did not start"
	n=$((n - 1))
	sleep 0.1
done

NOTIFY_SOCKET=$WORK/notify.sock WATCHDOG_USEC=400000
export NOTIFY_SOCKET WATCHDOG_USEC
start_tlsfront tlsfront.conf
unset NOTIFY_SOCKET WATCHDOG_USEC

wait_grep ' READY=1$' "$WORK/notify.out" || fail "no READY=1"
first=$(grep -v 'WATCHDOG=1' "$WORK/notify.out" | head -n 1 | cut -d' ' -f2-)
[ "$first" = "READY=1" ] || fail "first message is '$first', not READY=1"
wait_grep 'STATUS=0 connection\(s\) open' "$WORK/notify.out" ||
    fail "no STATUS= with the connection count"

# An open connection shows in STATUS=.
client idle --port "$P" --cafile "$CAFILE" --active 3 --interval 0.5 \
    --max 600 >/dev/null 2>&1 &
IDLE=$!
track $IDLE
wait_grep 'STATUS=1 connection\(s\) open' "$WORK/notify.out" 5 ||
    fail "STATUS= does not count the open connection"
kill $IDLE 2>/dev/null

# Watchdog: WATCHDOG_USEC=400000 asks for a ping at least every 0.4 s.
sleep 1.2
n=$(grep -c 'WATCHDOG=1' "$WORK/notify.out")
[ "$n" -ge 4 ] || fail "only $n WATCHDOG=1 messages"

# A good reload: RELOADING=1 with a current MONOTONIC_USEC, then READY=1.
before=$(wc -l <"$WORK/notify.out")
kill -HUP "$TLSFRONT_PID"
wait_grep 'notice: reloaded: ' "$DAEMON_LOG" || fail "reload not done"
sleep 0.3
tail -n +"$((before + 1))" "$WORK/notify.out" | grep -v WATCHDOG >after.out
head -n 1 after.out | grep -Eq ' RELOADING=1\|MONOTONIC_USEC=[0-9]+$' ||
    fail "reload did not start with RELOADING=1|MONOTONIC_USEC=: $(head -n 1 after.out)"
recv=$(head -n 1 after.out | cut -d' ' -f1)
sent=$(head -n 1 after.out | sed 's/.*MONOTONIC_USEC=//')
skew=$((recv - sent))
[ $skew -ge 0 ] && [ $skew -lt 2000000 ] ||
    fail "MONOTONIC_USEC is $skew us off the receive time"
grep -q ' READY=1$' after.out || fail "no READY=1 after the reload"

# A broken reload: READY=1 again and the failure in STATUS=.
sed '2s/^/  bogus_key = 1;\n/' good.conf >tlsfront.conf
kill -HUP "$TLSFRONT_PID"
wait_grep 'STATUS=.*reload failed, still on the previous configuration: .*tlsfront.conf:2: unknown key' \
    "$WORK/notify.out" || fail "STATUS= does not report the failed reload"

stop_tlsfront
tail -n 3 "$WORK/notify.out" | grep -q ' STOPPING=1$' ||
    grep -q ' STOPPING=1$' "$WORK/notify.out" || fail "no STOPPING=1"
