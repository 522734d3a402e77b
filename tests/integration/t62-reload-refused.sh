#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# A reload whose workers cannot start must leave the running ones serving
# (issue 11, defect 2). Faults come from tests/helpers/evl_fail.c:
#  1. fork() fails (as at the process limit): the reload is refused and
#     reported (log, STATUS); the old workers are not retired.
#  2. the new workers fork but cannot start (their listener fails): same.
#  3. without faults the reload goes through and the old workers retire;
#     one of them still holds a connection, which timeouts.retire ends.
# Before the fix, case 1 retired every worker while the log said
# "reloaded": no request was served after it.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool cc
make_certs
start_backend echo
P=$(free_port)
TF_WORKERS=2 TF_TIMEOUTS="handshake = 10; connect = 5; idle = 300; drain = 1; retire = 1;" \
    write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"

cc -shared -fPIC -o "$WORK/shim.so" "$TF_SRCDIR/tests/helpers/evl_fail.c" \
    -ldl || hard_error "cannot build the shim"
saved_asan=${ASAN_OPTIONS:-}
export LD_PRELOAD="$WORK/shim.so" TF_FAIL_FORK_IF="$WORK/fail-fork" \
    TF_FAIL_LISTENER_IF="$WORK/fail-listener"
export ASAN_OPTIONS="${saved_asan:+$saved_asan:}verify_asan_link_order=0"
start_tlsfront tlsfront.conf
unset LD_PRELOAD
ASAN_OPTIONS=$saved_asan

# probes WHAT: 20 requests, each on a new connection, must all be served.
probes() {
	_i=0
	while [ $_i -lt 20 ]; do
		out=$(client request --port "$P" --cafile "$CAFILE" \
		    --data "probe $_i\n" --expect-echo --timeout 5) ||
		    fail "$1: probe $_i of 20 was not served"
		_i=$((_i + 1))
	done
	log "$1: 20 of 20 probes served"
}
probes "at start"

# A client holding a connection on an old worker all along.
client read-end --port "$P" --cafile "$CAFILE" --data 'held\n' \
    >"$WORK/held.out" 2>&1 &
HELD=$!
track $HELD
sleep 1

# 1. fork() fails.
touch "$WORK/fail-fork"
kill -HUP "$TLSFRONT_PID"
wait_grep 'reload failed, still on the previous configuration: worker 0: fork: ' \
    "$DAEMON_LOG" || fail "no 'reload failed' when fork() fails"
rm -f "$WORK/fail-fork"
grep -q 'tf-shim: fork: injected failure' "$DAEMON_LOG" ||
    fail "the fork failure was not injected"
grep -q 'retiring after reload' "$DAEMON_LOG" &&
    fail "a worker was retired although no replacement started"
grep -q 'notice: reloaded: ' "$DAEMON_LOG" &&
    fail "'reloaded' logged for a reload that could not start workers"
probes "after the refused reload (fork)"

# 2. The new workers fork but exit at once: the one that started is
# retired again, the old ones serve on.
touch "$WORK/fail-listener"
kill -HUP "$TLSFRONT_PID"
wait_count 'reload failed, still on the previous configuration' \
    "$DAEMON_LOG" 2 || fail "no 'reload failed' when new workers cannot start"
rm -f "$WORK/fail-listener"
grep -Eq 'reload failed, still on the previous configuration: worker [01] of the new configuration could not start \(exit status 1\)' \
    "$DAEMON_LOG" || fail "the failed start is not reported"
grep -q 'notice: reloaded: ' "$DAEMON_LOG" &&
    fail "'reloaded' logged for a reload whose workers did not start"
probes "after the refused reload (start)"
kill -0 "$HELD" 2>/dev/null ||
    fail "the held connection ended during the refused reloads: $(cat "$WORK/held.out")"

# 3. A good reload: the old workers retire; the one holding the client is
# stopped after timeouts.retire (1 s) + timeouts.drain (1 s).
kill -HUP "$TLSFRONT_PID"
wait_grep 'notice: reloaded: 1 listener\(s\), 2 worker\(s\)' "$DAEMON_LOG" ||
    fail "the good reload was not done"
probes "after the good reload"
wait_grep 'still retiring after 1 s \(timeouts.retire\); stopping it' \
    "$DAEMON_LOG" 10 || fail "timeouts.retire did not stop the old worker"
n=0
while kill -0 "$HELD" 2>/dev/null; do
	[ $n -lt 100 ] || fail "the held connection is still open 10 s after the reload"
	n=$((n + 1))
	sleep 0.1
done
wait "$HELD" || true
log "held connection: $(cat "$WORK/held.out")"
grep -q 'end=.* bytes=5' "$WORK/held.out" ||
    fail "the held connection did not get its echo: $(cat "$WORK/held.out")"
wait_count 'worker [01]: stopped' "$DAEMON_LOG" 2 ||
    fail "the old workers did not stop"
stop_tlsfront
