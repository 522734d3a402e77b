#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Reload under load: requests keep going (new TLS connection each) through
# two workers while the test sends 20 SIGHUPs, alternating the certificate
# between RSA and ECDSA. Not one request may fail, both certificates must
# have been served, and old workers must retire.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
TF_WORKERS=2 write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

"$PYTHON" "$TF_SRCDIR/tests/helpers/loadgen.py" --port "$P" \
    --cafile "$CAFILE" --threads 4 --stop-file "$WORK/stop" \
    --max-seconds "$(scale 120)" >"$WORK/loadgen.out" 2>&1 &
LOADGEN=$!
track $LOADGEN
sleep 0.5

i=1
while [ $i -le 20 ]; do
	if [ $((i % 2)) -eq 1 ]; then
		sed -i 's|certs/rsa\.pem|certs/ecdsa.pem|; s|certs/rsa\.key|certs/ecdsa.key|' tlsfront.conf
	else
		sed -i 's|certs/ecdsa\.pem|certs/rsa.pem|; s|certs/ecdsa\.key|certs/rsa.key|' tlsfront.conf
	fi
	kill -HUP "$TLSFRONT_PID"
	wait_count 'notice: reloaded: ' "$DAEMON_LOG" $i ||
	    fail "reload $i was not done"
	sleep 0.2
	i=$((i + 1))
done
touch "$WORK/stop"
wait $LOADGEN
lg_status=$?
cat "$WORK/loadgen.out" >&2
[ $lg_status -eq 0 ] || fail "requests failed during the reloads"
grep -Eq '^requests=[0-9]+ ok=[0-9]+ failed=0 certs=2$' "$WORK/loadgen.out" ||
    fail "expected 0 failed requests and both certificates served"
ok=$(sed -n 's/.* ok=\([0-9]*\) .*/\1/p' "$WORK/loadgen.out")
[ "$ok" -ge 100 ] || fail "only $ok requests in the run: load too light"
log "$ok requests, 0 failed, over 20 reloads"

# The old workers retire once idle: 40 worker exits (20 reloads x 2).
wait_count 'worker [01]: stopped' "$DAEMON_LOG" 40 "$(scale 20)" ||
    fail "old workers did not all retire"
grep -q 'did not stop cleanly' "$DAEMON_LOG" &&
    fail "a retiring worker did not stop cleanly"
stop_tlsfront
