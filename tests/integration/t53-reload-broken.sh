#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# A reload into a broken configuration (an unknown key, then a missing key
# file) logs file:line and keeps serving on the old configuration; a good
# reload afterwards takes effect.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
cp tlsfront.conf good.conf
start_tlsfront tlsfront.conf

request() {
	out=$(client request --port "$P" --cafile "$CAFILE" \
	    --data "$1\n" --expect-echo) || fail "$1: request failed"
	[ "$out" = "$1" ] || fail "$1: got '$out'"
}
request before

# 1. An unknown key on line 2.
sed '2s/^/  bogus_key = 1;\n/' good.conf >tlsfront.conf
kill -HUP "$TLSFRONT_PID"
wait_grep 'reload failed, still on the previous configuration' \
    "$DAEMON_LOG" || fail "no 'reload failed' after a broken reload"
grep -Eq "tlsfront\.conf:2: unknown key \"bogus_key\"" "$DAEMON_LOG" ||
    fail "the error does not name tlsfront.conf:2"
request "after bad reload 1"

# 2. A key file that does not exist (line of the cert_chain entry).
sed 's|certs/rsa\.key|certs/missing.key|' good.conf >tlsfront.conf
line=$(grep -n 'missing.key' tlsfront.conf | cut -d: -f1)
kill -HUP "$TLSFRONT_PID"
wait_count 'reload failed, still on the previous configuration' \
    "$DAEMON_LOG" 2 || fail "no second 'reload failed'"
grep -Eq "tlsfront\.conf:$line: .*missing\.key" "$DAEMON_LOG" ||
    fail "the missing key file is not reported at tlsfront.conf:$line"
request "after bad reload 2"
grep -q 'notice: reloaded: ' "$DAEMON_LOG" &&
    fail "a broken configuration was loaded"

# 3. A good reload switches to ECDSA.
sed 's|certs/rsa\.pem|certs/ecdsa.pem|; s|certs/rsa\.key|certs/ecdsa.key|' \
    good.conf >tlsfront.conf
kill -HUP "$TLSFRONT_PID"
wait_grep 'notice: reloaded: ' "$DAEMON_LOG" || fail "good reload not done"
request "after good reload"
wait_grep 'access conn=.* cipher=ECDHE-ECDSA|access conn=.*proto=TLSv1.3' \
    "$DAEMON_LOG" || fail "no connection after the good reload"
cert=$(echo | timeout 10 openssl s_client -connect "127.0.0.1:$P" \
    -CAfile "$CAFILE" 2>/dev/null | openssl x509 -noout -text 2>/dev/null |
    grep -c 'id-ecPublicKey')
[ "$cert" -ge 1 ] || fail "the new (ECDSA) certificate is not served"
stop_tlsfront
