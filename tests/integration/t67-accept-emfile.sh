#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# accept() out of descriptors (EMFILE, injected by tests/helpers/evl_fail.c
# while a file exists): the worker pauses accepting, retries once a second
# (never a busy loop: its CPU time stays low and accept4() is tried a few
# times, not thousands), the pause is logged, and once descriptors are
# back the client that waited in the accept queue is served. A handshake
# ending does not cut the back-off short (it frees no descriptor).
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool cc
make_certs
start_backend echo
P=$(free_port)
write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
cc -shared -fPIC -o "$WORK/shim.so" "$TF_SRCDIR/tests/helpers/evl_fail.c" \
    -ldl || hard_error "cannot build the shim"
saved_asan=${ASAN_OPTIONS:-}
export LD_PRELOAD="$WORK/shim.so" TF_FAIL_ACCEPT_IF="$WORK/emfile"
export ASAN_OPTIONS="${saved_asan:+$saved_asan:}verify_asan_link_order=0"
start_tlsfront tlsfront.conf
unset LD_PRELOAD
ASAN_OPTIONS=$saved_asan
WORKER=$(pgrep -P "$TLSFRONT_PID" | head -n 1)
[ -n "$WORKER" ] || hard_error "no worker process"

# cpu_ticks: the worker's user + system time, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$WORKER/stat"
}

touch "$WORK/emfile"
client request --port "$P" --cafile "$CAFILE" --data 'waited\n' \
    --expect-echo --timeout 30 >"$WORK/waiting.out" 2>&1 &
WAITING=$!
track $WAITING
wait_grep 'accept: Too many open files; pausing accepts' "$DAEMON_LOG" ||
    fail "no pause on EMFILE"
t0=$(cpu_ticks)
a0=$(grep -c 'tf-shim: accept4: injected EMFILE' "$DAEMON_LOG")
sleep 3
t1=$(cpu_ticks)
a1=$(grep -c 'tf-shim: accept4: injected EMFILE' "$DAEMON_LOG")
hz=$(getconf CLK_TCK)
log "over 3 s of EMFILE: $((a1 - a0)) accept4() calls, $((t1 - t0)) CPU ticks (of $hz per s)"
[ $((a1 - a0)) -le 6 ] || fail "accept4() retried $((a1 - a0)) times in 3 s: a busy loop"
[ $((t1 - t0)) -le $((hz / 2)) ] || fail "the worker used $((t1 - t0)) ticks in 3 s while paused"
kill -0 "$WAITING" 2>/dev/null || fail "the waiting client gave up: $(cat "$WORK/waiting.out")"

rm -f "$WORK/emfile"
wait $WAITING || fail "the waiting client was not served: $(cat "$WORK/waiting.out")"
out=$(client request --port "$P" --cafile "$CAFILE" --data 'after\n' \
    --expect-echo) || fail "not served after descriptors came back"
stop_tlsfront
