#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# A worker holds no more connections than its descriptor limit can hold,
# two descriptors each beside a reserve (issue 11, defect 5). With a hard
# limit of 200 descriptors and 120 clients at once: before the fix the
# worker accepted them all, completed their handshakes and then failed the
# backend's socket() for many (EMFILE); now those beyond the limit wait in
# the accept queue and every request is served.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool prlimit
make_certs
start_backend echo
P=$(free_port)
write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
TF_WRAPPER="prlimit --nofile=200:200 --" start_tlsfront tlsfront.conf

# (200 - 64 reserved - 1 listener) / 2 = 67.
wait_grep 'descriptor limit holds 67 connections' "$DAEMON_LOG" ||
    fail "the worker did not cap its connections at 67"
grep -Eq 'each worker holds at most 67 connections at once, more wait in the accept queue' \
    "$DAEMON_LOG" || fail "the start-up warning does not say what happens"

# 120 threads, each making one request after another (a new TLS
# connection each, closed after its echo) for 5 s.
"$PYTHON" "$TF_SRCDIR/tests/helpers/loadgen.py" --port "$P" \
    --cafile "$CAFILE" --threads 120 --stop-file "$WORK/stop" \
    --max-seconds "$(scale 60)" --timeout 30 >"$WORK/loadgen.out" 2>&1 &
LOADGEN=$!
track $LOADGEN
sleep 5
touch "$WORK/stop"
wait $LOADGEN || fail "requests failed: $(tail -n 5 "$WORK/loadgen.out")"
log "$(head -n 1 "$WORK/loadgen.out")"
grep -Eq '^requests=[0-9]+ ok=[0-9]+ failed=0 ' "$WORK/loadgen.out" ||
    fail "requests failed: $(cat "$WORK/loadgen.out")"
if grep -Eq 'Too many open files|socket\(\)' "$DAEMON_LOG"; then
	grep -E 'Too many open files|socket\(\)' "$DAEMON_LOG" | head -n 3 >&2
	fail "descriptors ran out"
fi
stop_tlsfront
