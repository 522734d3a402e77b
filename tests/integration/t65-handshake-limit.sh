#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# limits.handshakes (issue 11, overload limits): a worker with 10
# unfinished handshakes stops accepting; 50 silent clients therefore hold
# 10 slots, not 50, and established connections keep their echo going all
# along. When the silent ones time out (timeouts.handshake = 2), accepting
# resumes and a waiting client is served.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
TF_DAEMON_EXTRA='limits = { handshakes = 10; };' \
    TF_TIMEOUTS='handshake = 2; connect = 5; idle = 1; drain = 30;' \
    write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

# An established connection pinging every 0.2 s for 6 s (then closed by
# the idle timeout, 1 s).
client idle --port "$P" --cafile "$CAFILE" --active 6 --interval 0.2 \
    --min 0.5 --max 5 --timeout 20 >"$WORK/idle.out" 2>&1 &
IDLE=$!
track $IDLE
sleep 1

client hold --port "$P" --conns 50 --ready-file "$WORK/held" \
    --stop-file "$WORK/stop" --timeout 30 >"$WORK/hold.out" 2>&1 &
HOLD=$!
track $HOLD
wait_file "$WORK/held" 20 || fail "the silent clients did not connect"
wait_grep '10 handshakes in progress \(limits.handshakes\); pausing accepts' \
    "$DAEMON_LOG" 5 || fail "accepting did not pause at 10 handshakes"

# Served once the silent ones time out (2 s), not refused.
t0=$(date +%s)
out=$(client request --port "$P" --cafile "$CAFILE" --data 'late\n' \
    --expect-echo --timeout 20) || fail "a client was not served after the limit"
log "a waiting client was served after $(($(date +%s) - t0)) s"
touch "$WORK/stop"
wait $HOLD || true
timeouts=$(access_lines 'end=handshake_timeout' | wc -l)
log "silent clients timed out so far: $timeouts (access lines, rate-limited)"

# The established connection was served all along.
wait $IDLE || fail "the established connection failed: $(cat "$WORK/idle.out")"
log "$(tail -n 1 "$WORK/idle.out")"
stop_tlsfront
