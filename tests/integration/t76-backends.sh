#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Backends that fail (issue 13, item 5), with two workers sharing the
# servers' state:
# - passive: one of two servers killed under a client loop costs no
#   request (each connect failure tries the other within
#   timeouts.connect); "is down" and "is up" are logged once each;
# - active health checks: the time from a server's death to "is down"
#   (fall x interval) and from its return to "is up" (rise x interval) is
#   measured and printed; each change logged once, not once per worker;
# - balance = "first" goes to the first server up; "leastconn" sends new
#   connections to the server holding fewer;
# - no server up: a clean close_notify and detail "no backend: ..." in the
#   access line;
# - send/expect: a server that answers the probe stays up, one that
#   answers wrongly goes down;
# - a reload keeps what is known of each server and logs nothing again.
. "$TF_SRCDIR/tests/integration/lib.sh"

FAILOVER=$TF_SRCDIR/tests/helpers/failover.py
make_certs

# start_echo PORT: tf_echo on a fixed port (so it can come back on it);
# sets ECHO_PID.
start_echo() {
	rm -f "$WORK/echo-$1.ready"
	"$TF_ECHO" -m echo -a 127.0.0.1 -p "$1" -P "$WORK/echo-$1.ready" \
	    -l "$WORK/echo-$1.log" 2>>"$WORK/echo-$1.err" &
	ECHO_PID=$!
	track $ECHO_PID
	wait_file "$WORK/echo-$1.ready" 10 ||
	    hard_error "tf_echo on port $1 did not start"
}

# start_probe PORT ANSWER: a server that answers a line with ANSWER.
start_probe() {
	"$PYTHON" "$FAILOVER" probe --port "$1" --answer "$2" --timeout 60 \
	    --ready-file "$WORK/probe-$1.ready" &
	track $!
}

# loop PORT ARGS...: failover.py's client loop against PORT.
loop() {
	_lp=$1
	shift
	"$PYTHON" "$FAILOVER" loop --port "$_lp" --cafile "$CAFILE" \
	    --timeout 5 "$@"
}

# now_ms: the wall clock in milliseconds (for the intervals measured).
now_ms() {
	date +%s%3N
}

# wait_ms PATTERN TIMEOUT_S: waits (polling every 10 ms) until daemon.log
# has a line matching PATTERN; prints when (now_ms), or fails.
wait_ms() {
	_n=$(( $2 * 100 ))
	while ! grep -Eq -- "$1" "$DAEMON_LOG"; do
		[ $_n -gt 0 ] || return 1
		_n=$((_n - 1))
		sleep 0.01
	done
	now_ms
}

# once PATTERN: daemon.log has exactly one line matching PATTERN.
once() {
	_c=$(grep -Ec -- "$1" "$DAEMON_LOG")
	[ "$_c" = 1 ] || fail "expected one line '$1', found $_c"
}

A=$(free_port); B=$(free_port); C=$(free_port); D=$(free_port)
DEAD1=$(free_port); DEAD2=$(free_port)
PONG=$(free_port); ERR=$(free_port)
P_RR=$(free_port); P_HC=$(free_port); P_FIRST=$(free_port)
P_NONE=$(free_port); P_DOWN=$(free_port); P_PROBE=$(free_port)
start_probe $PONG '+PONG\r\n'
start_probe $ERR '-ERR unknown command\r\n'
for p in $A $B $C $D; do start_echo $p; done
for p in $PONG $ERR; do
	wait_file "$WORK/probe-$p.ready" 10 ||
	    hard_error "probe server on port $p did not start"
done

s() { echo "\"127.0.0.1:$1\""; }
TF_WORKERS=2
TF_TIMEOUTS="handshake = 10; connect = 2; idle = 300; drain = 5;"
write_conf tlsfront.conf "$(listener "$P_RR" rr),
$(listener "$P_HC" hc),
$(listener "$P_FIRST" first),
$(listener "$P_NONE" none),
$(listener "$P_DOWN" down),
$(listener "$P_PROBE" probe)" "
  rr = { servers = [ $(s $A), $(s $B) ]; retry_after = 0.2; };
  hc = { servers = [ $(s $C), $(s $D) ]; retry_after = 30;
    health_check = { interval = 0.1; timeout = 0.2; rise = 2; fall = 3; }; };
  first = { servers = [ $(s $DEAD1), $(s $A), $(s $B) ]; balance = \"first\";
    retry_after = 0.2; };
  none = { servers = [ $(s $DEAD1), $(s $DEAD2) ]; };
  down = { servers = [ $(s $DEAD1), $(s $DEAD2) ];
    health_check = { interval = 0.1; fall = 1; }; };
  probe = { servers = [ $(s $PONG), $(s $ERR) ];
    health_check = { interval = 0.1; timeout = 0.3; rise = 2; fall = 2;
      send = \"PING\\r\\n\"; expect = \"+PONG\"; }; };"
start_tlsfront tlsfront.conf
wait_grep 'worker 1: serving' "$DAEMON_LOG" || fail "worker 1 did not start"

# --- passive: kill A under a client loop --------------------------------
PID_A=$(pgrep -f -- "-p $A -P" | head -n 1)
[ -n "$PID_A" ] || hard_error "no pid for the server on port $A"
loop "$P_RR" --seconds 2 >loop.out 2>loop.err &
LOOP=$!
track $LOOP
sleep 0.5
kill -KILL "$PID_A"
# Taken after the kill: a request started before it may have been on A
# (at most one: they are sequential); none started after may fail.
KILL_T=$("$PYTHON" "$FAILOVER" now)
wait $LOOP || fail "the client loop failed: $(cat loop.err)"
ok=$(grep -c '^ok' loop.out)
failed=$(grep -c '^fail' loop.out)
late=$(awk -v k="$KILL_T" '$1 == "fail" && $2 > k' loop.out | wc -l)
log "passive failover: $ok requests ok, $failed failed ($late started" \
    "after the kill)"
[ "$ok" -ge 20 ] || fail "only $ok requests in 2 s: $(head -3 loop.out)"
[ "$late" -eq 0 ] || fail "$late requests failed after the kill: $(grep '^fail' loop.out | head -3)"
[ "$failed" -le 1 ] || fail "$failed requests failed"
after=$(awk -v k="$KILL_T" '$1 == "ok" && $2 > k' loop.out | wc -l)
[ "$after" -ge 5 ] || fail "only $after requests after the kill"
wait_grep "backend rr: server 127.0.0.1:$A is down: " "$DAEMON_LOG" ||
    fail "no 'is down' line for the killed server"
once "backend rr: server 127.0.0.1:$A is down: "
# Back on its port: a connect after the backoff (grown to at most 3.2 s
# by the loop's retries) finds it again.
start_echo $A
loop "$P_RR" --seconds 8 --pause 0.05 --stop-file rr-up >loop2.out &
LOOP=$!
track $LOOP
wait_grep "backend rr: server 127.0.0.1:$A is up: " "$DAEMON_LOG" 8 ||
    fail "server $A not found up again"
touch rr-up
wait $LOOP
grep -q '^fail' loop2.out && fail "requests failed: $(grep '^fail' loop2.out | head -3)"
once "backend rr: server 127.0.0.1:$A is up: "

# --- active health checks: failover times -------------------------------
PID_C=$(pgrep -f -- "-p $C -P" | head -n 1)
t0=$(now_ms)
kill -KILL "$PID_C"
t1=$(wait_ms "backend hc: server 127.0.0.1:$C is down: health check" 5) ||
    fail "health checks did not mark $C down"
down_ms=$((t1 - t0))
t2=$(now_ms)
start_echo $C
t3=$(wait_ms "backend hc: server 127.0.0.1:$C is up: health check" 5) ||
    fail "health checks did not mark $C up again"
up_ms=$((t3 - t2))
log "health check failover: down after $down_ms ms (fall 3 x interval" \
    "0.1 s), up after $up_ms ms (rise 2 x interval 0.1 s)"
echo "health check failover: down after $down_ms ms, up after $up_ms ms"
# Three failed checks take at least two intervals after the first.
[ "$down_ms" -ge 150 ] && [ "$down_ms" -le 1500 ] ||
    fail "marked down after $down_ms ms, expected 200-400"
[ "$up_ms" -ge 50 ] && [ "$up_ms" -le 1500 ] ||
    fail "marked up after $up_ms ms, expected 100-300"
once "backend hc: server 127.0.0.1:$C is down: "
once "backend hc: server 127.0.0.1:$C is up: "
grep -q "backend hc: server 127.0.0.1:$D is" "$DAEMON_LOG" &&
    fail "server $D changed state"
# While C was down, requests went to D: none failed.
loop "$P_HC" --count 4 >hc.out || fail "requests to backend hc"
[ "$(grep -c '^ok' hc.out)" = 4 ] || fail "backend hc: $(cat hc.out)"

# --- first: the first server up, in order -------------------------------
loop "$P_FIRST" --count 6 >first.out || fail "requests to backend first"
[ "$(grep -c '^ok' first.out)" = 6 ] || fail "backend first: $(cat first.out)"
wait_count "backend=first server=127.0.0.1:$A " "$DAEMON_LOG" 6 ||
    fail "balance first: not every request went to $A: $(access_lines backend=first)"
access_lines "backend=first server=127.0.0.1:$B" >/dev/null &&
    fail "balance first: a request went to $B"

# --- no server: clean close, "no backend" -------------------------------
client expect-close --port "$P_NONE" --cafile "$CAFILE" >/dev/null ||
    fail "no clean close when every server refuses"
wait_grep 'backend=none .*end=connect_failed detail="no backend: no server answered"' \
    "$DAEMON_LOG" || fail "no 'no backend' access line: $(access_lines backend=none)"
wait_grep "backend down: server 127.0.0.1:$DEAD2 is down: health check" \
    "$DAEMON_LOG" || fail "health checks did not mark $DEAD2 down"
wait_grep "backend down: server 127.0.0.1:$DEAD1 is down: health check" \
    "$DAEMON_LOG" || fail "health checks did not mark $DEAD1 down"
client expect-close --port "$P_DOWN" --cafile "$CAFILE" >/dev/null ||
    fail "no clean close when no server is up"
wait_grep 'backend=down server=- .*end=connect_failed detail="no backend: no server up"' \
    "$DAEMON_LOG" || fail "no 'no server up' access line: $(access_lines backend=down)"

# --- send/expect --------------------------------------------------------
wait_grep "backend probe: server 127.0.0.1:$ERR is down: health check failed 2 time\(s\) in a row: closed before the expected answer" \
    "$DAEMON_LOG" || fail "the server answering -ERR was not marked down"
sleep 0.5
grep -q "backend probe: server 127.0.0.1:$PONG is" "$DAEMON_LOG" &&
    fail "the server answering +PONG changed state"
once "backend probe: server 127.0.0.1:$ERR is down: "

# A reload: the new worker 0 checks from now on, and the servers keep
# their state (known by name), so nothing is logged again.
kill -HUP "$TLSFRONT_PID"
wait_grep 'reloaded: ' "$DAEMON_LOG" || fail "the reload did not complete"
wait_count 'worker 0: health checks of 6 server' "$DAEMON_LOG" 2 ||
    fail "the new worker 0 does not run the health checks"
sleep 0.5
once "backend probe: server 127.0.0.1:$ERR is down: "
once "backend hc: server 127.0.0.1:$C is down: "
once "backend down: server 127.0.0.1:$DEAD1 is down: "
client expect-close --port "$P_DOWN" --cafile "$CAFILE" >/dev/null ||
    fail "no clean close when no server is up, after the reload"
wait_count 'backend=down server=- .*detail="no backend: no server up"' \
    "$DAEMON_LOG" 2 || fail "after the reload, a server down was tried"

stop_tlsfront

# --- leastconn (one worker: its counts are per worker) -------------------
: >"$DAEMON_LOG"
TF_WORKERS=1
P_LC=$(free_port)
write_conf lc.conf "$(listener "$P_LC" lc)" "
  lc = { servers = [ $(s $A), $(s $B) ]; balance = \"leastconn\"; };"
start_tlsfront lc.conf
"$PYTHON" "$FAILOVER" hold --port "$P_LC" --cafile "$CAFILE" --conns 1 \
    --ready-file held --stop-file stop --timeout 20 &
HOLD=$!
track $HOLD
wait_file held 10 || fail "could not hold a connection"
loop "$P_LC" --count 4 >lc.out || fail "leastconn requests"
[ "$(grep -c '^ok' lc.out)" = 4 ] || fail "leastconn: $(cat lc.out)"
# Round-robin would alternate; leastconn avoids the server held (A).
wait_count "backend=lc server=127.0.0.1:$B " "$DAEMON_LOG" 4 ||
    fail "leastconn: the 4 requests did not all go to $B: $(access_lines backend=lc)"
touch stop
wait $HOLD || fail "the held connection failed"
wait_count "backend=lc server=127.0.0.1:$A " "$DAEMON_LOG" 1 ||
    fail "leastconn: the held connection was not on $A"
stop_tlsfront
exit 0
