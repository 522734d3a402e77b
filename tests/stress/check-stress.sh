#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# make check-stress (tests/stress/README.md): STRESS_CONNS (5000) TLS
# connections held through tlsfrontd to tf_echo, moving random data checked
# end to end by tests/stress/stressload, plus STRESS_CHURN slots opening
# and closing connections, for STRESS_SECONDS (60). Passes when no byte is
# lost or corrupted, nothing unexpected happens (client, access lines,
# backend, sanitizers, exit status) and the workers' RSS comes back near
# its baseline. Prints the figures and a last line "check-stress: PASS" or
# "check-stress: FAIL (reason)".
. "$TF_SRCDIR/tests/integration/lib.sh"

# A starved machine makes handshakes and backend connects slow, not wrong:
# the timeouts are far from the defaults' 10 and 5 s.
TF_TIMEOUTS="handshake = 60; connect = 30; idle = 300; drain = 30;"

STRESS_CONNS=${STRESS_CONNS:-5000}
STRESS_CHURN=${STRESS_CHURN:-8}
STRESS_SECONDS=${STRESS_SECONDS:-60}
STRESS_WORKERS=${STRESS_WORKERS:-2}
# Seconds between the last connection's close and the "after" RSS sample.
STRESS_SETTLE=${STRESS_SETTLE:-6}
STRESS_CLIENT=${STRESS_CLIENT:-$TF_BUILDDIR/tests/stress/stressload}
RAMP_SEC=60
FINISH_SEC=30

# "RSS back near its baseline" (README.md has the measurements): after
# the load, once every connection is closed, the workers' RSS must have
# given back most of what the load added: after <= baseline +
# max(RSS_SLACK_KIB, RSS_SLACK_PCT % of peak - baseline). Memory kept per
# connection (a leak, buffers never released, connections never freed)
# keeps RSS at the peak and fails this. What legitimately stays is heap
# fragmentation: glibc cannot trim pages pinned by a few long-lived small
# objects. Measured here with 5,000 connections: 29 % of the growth stays
# in a plain build (50 % allowed) and does not grow when the load is
# repeated; under ASan 35-55 % stays, depending on when its allocator
# last released (75 % allowed; LeakSanitizer checks leaks at exit).
RSS_SLACK_KIB=${STRESS_RSS_SLACK_KIB:-16384}
if grep -q __asan_init "$TF_DAEMON" 2>/dev/null; then
	RSS_SLACK_PCT=${STRESS_RSS_SLACK_PCT:-75}
	build=ASan
else
	RSS_SLACK_PCT=${STRESS_RSS_SLACK_PCT:-50}
	build=plain
fi

# Under ASan (scripts/test's build) freed memory sits in a 256 MB
# quarantine and never returns to the system, so "back near baseline"
# would measure the quarantine. A small one (8 MB per process) still
# catches use-after-free of recent frees. ASan's allocator gives free pages
# back only when it allocates or frees again, at most every
# allocator_release_to_os_interval_ms (0 costs so much that handshakes
# time out), hence the trickle of connections after the load, below.
# Harmless in a build without ASan; ASAN_OPTIONS given to make overrides.
ASAN_OPTIONS="quarantine_size_mb=8:allocator_release_to_os_interval_ms=500${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export ASAN_OPTIONS

FIG=$WORK/figures
: >"$FIG"

# figure NAME VALUE: one line of the figures block.
figure() {
	printf '  %-26s %s\n' "$1" "$2" >>"$FIG"
}

verdict() {
	echo
	echo "check-stress: figures"
	cat "$FIG"
	[ ! -s "$WORK/client.out" ] || sed 's/^/  | /' "$WORK/client.out"
}

# fail and hard_error of lib.sh, ending with the figures and one line.
fail() {
	echo "FAIL: [$TEST_NAME] $*" >&2
	_tf_status=1
	_tf_dump_logs
	verdict
	echo "check-stress: FAIL ($*)"
	exit 1
}
hard_error() {
	fail "$@"
}

[ -x "$STRESS_CLIENT" ] || hard_error "client not built: $STRESS_CLIENT"

# Descriptors: the proxy needs two per connection, the client and the
# backend one; each process inherits this shell's limit.
need=$((2 * (STRESS_CONNS + STRESS_CHURN) + 256))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
	fail "RLIMIT_NOFILE hard limit $hard < $need needed (ulimit -Hn)"
fi
[ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -ge "$need" ] ||
    ulimit -n "$need" || fail "cannot raise ulimit -n to $need"

# workers: the worker pids (children of the master), one a line.
workers() {
	ps -o pid= --ppid "$TLSFRONT_PID" 2>/dev/null | tr -d ' '
}

# rss_kib: the workers' VmRSS, summed.
rss_kib() {
	_sum=0
	for _w in $(workers); do
		_r=$(sed -n 's/^VmRSS:[ 	]*\([0-9]*\) kB$/\1/p' \
		    "/proc/$_w/status" 2>/dev/null)
		_sum=$((_sum + ${_r:-0}))
	done
	echo $_sum
}

# fds: the workers' open descriptors, summed.
fds() {
	_sum=0
	for _w in $(workers); do
		_n=$(ls "/proc/$_w/fd" 2>/dev/null | wc -l)
		_sum=$((_sum + _n))
	done
	echo $_sum
}

mb() {
	awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'
}

make_certs
start_backend echo
P=$(free_port)
write_conf_ctx tlsfront.conf "  default = {
    cert_chain = ( { certfile = \"certs/ecdsa.pem\"; keyfile = \"certs/ecdsa.key\"; } );
  };" "$(ctx_listener "$P" default echo)" \
    "  echo = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
# Room for SO_REUSEPORT's uneven spread: each worker may take them all.
sed -i "s/^  workers = .*/  workers = $STRESS_WORKERS;\\
  max_connections = $((STRESS_WORKERS * (STRESS_CONNS + STRESS_CHURN)));/" \
    tlsfront.conf
start_tlsfront tlsfront.conf

n=0
while [ "$(workers | wc -l)" -lt "$STRESS_WORKERS" ]; do
	[ $n -lt 100 ] || fail "not $STRESS_WORKERS workers after 10 s"
	n=$((n + 1))
	sleep 0.1
done
sleep 1
rss_base=$(rss_kib)
fds_base=$(fds)
log "workers $(workers | tr '\n' ' ')RSS $(mb "$rss_base"), $fds_base fds"

t_start=$(date +%s)
timeout -k 5 $((RAMP_SEC + STRESS_SECONDS + FINISH_SEC + 60)) \
    "$STRESS_CLIENT" -p "$P" -A "$CAFILE" -n "$STRESS_CONNS" \
    -c "$STRESS_CHURN" -d "$STRESS_SECONDS" -R "$RAMP_SEC" \
    -F "$FINISH_SEC" >"$WORK/client.out" 2>"$WORK/client.err" &
CLIENT=$!
track $CLIENT
rss_peak=$rss_base
fds_peak=$fds_base
while kill -0 $CLIENT 2>/dev/null; do
	r=$(rss_kib)
	[ "$r" -le "$rss_peak" ] || rss_peak=$r
	f=$(fds)
	[ "$f" -le "$fds_peak" ] || fds_peak=$f
	sleep 1
done
wait $CLIENT
client_status=$?
cat "$WORK/client.err" >&2
t_load=$(($(date +%s) - t_start))

# Every connection is closed once the workers hold their baseline's
# descriptors again; then the trim timers and ASan's release run.
n=0
while [ "$(fds)" -gt "$fds_base" ]; do
	[ $n -lt 300 ] || break
	n=$((n + 1))
	sleep 0.1
done
fds_after=$(fds)
sleep "$STRESS_SETTLE"
rss_idle=$(rss_kib)
# A trickle after the load: the daemon must still serve, and ASan's
# allocator, woken by it, gives back what was freed (glibc's is trimmed
# by the daemon itself after a quiet half second).
timeout -k 5 60 "$STRESS_CLIENT" -p "$P" -A "$CAFILE" -n 50 -c 2 -d 3 \
    -i 100 >"$WORK/trickle.out" 2>&1 || { cat "$WORK/trickle.out" >&2;
    fail "connections after the load failed"; }
sleep "$STRESS_SETTLE"
rss_after=$(rss_kib)

growth=$((rss_peak - rss_base))
slack=$((growth * RSS_SLACK_PCT / 100))
[ "$slack" -ge "$RSS_SLACK_KIB" ] || slack=$RSS_SLACK_KIB
rss_limit=$((rss_base + slack))

access_total=$(grep -c ' access conn=' "$DAEMON_LOG")
access_bad=$(grep ' access conn=' "$DAEMON_LOG" | grep -vc ' end=closed')
# Failure lines beyond the rate limit are counted in "suppressed" lines.
access_bad=$((access_bad + $(sed -n 's/.* suppressed \([0-9]*\) .* access lines .*/\1/p' \
    "$DAEMON_LOG" | awk '{ n += $1 } END { print n + 0 }')))
backend_total=$(grep -c '^conn ' "$BACKEND_LOG")
backend_bad=$(grep '^conn ' "$BACKEND_LOG" | grep -vc ' end=eof$')

figure "connections (target)" "$STRESS_CONNS held, $STRESS_CHURN churn slots, $STRESS_WORKERS workers ($build build)"
figure "client run" "$t_load s (load $STRESS_SECONDS s)"
figure "worker RSS baseline" "$(mb "$rss_base")"
figure "worker RSS peak" "$(mb "$rss_peak") (+$(mb "$growth"))"
figure "worker RSS idle" "$(mb "$rss_idle") (${STRESS_SETTLE} s after the last close)"
figure "worker RSS after" "$(mb "$rss_after") (after a trickle of 50; limit $(mb "$rss_limit"): baseline + max($(mb "$RSS_SLACK_KIB"), ${RSS_SLACK_PCT} % of the growth))"
figure "worker fds base/peak/after" "$fds_base / $fds_peak / $fds_after"
figure "access lines" "$access_total, $access_bad not end=closed"
[ "$access_bad" -eq 0 ] || figure "access lines by end" "$(grep ' access conn=' \
    "$DAEMON_LOG" | sed -n 's/.* end=\([a-z_]*\).*/\1/p' | sort | uniq -c |
    awk '{ printf "%s%s=%s", NR > 1 ? " " : "", $2, $1 }')"
figure "backend connections" "$backend_total, $backend_bad not end=eof"

[ "$client_status" -eq 0 ] ||
    fail "stressload exited with status $client_status"
[ "$fds_after" -le "$fds_base" ] ||
    fail "workers hold $fds_after descriptors, $fds_base before the load"
[ "$access_bad" -eq 0 ] || {
	grep ' access conn=' "$DAEMON_LOG" | grep -v ' end=closed' |
	    head -n 5 >&2
	fail "$access_bad access lines do not end with end=closed"
}
[ "$backend_bad" -eq 0 ] || fail "$backend_bad backend connections did not end with eof"
[ "$rss_after" -le "$rss_limit" ] ||
    fail "worker RSS $(mb "$rss_after") after the load, limit $(mb "$rss_limit")"
check_daemon_log
stop_tlsfront 60
verdict
echo "check-stress: PASS"
exit 0
