#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# A worker whose second listener cannot start (evconnlistener_new fails,
# injected by tests/helpers/evl_fail.c): it reports "cannot start" and
# closes each listening socket once. listener.c closes the socket it failed
# on; worker.c used to close it again (by then the number may name another
# open file of the process). Then the admin endpoint's /healthz while no
# worker can serve a listener: 503, and 200 again once one does.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool cc curl
make_certs
start_backend echo
P1=$(free_port)
P2=$(free_port)
write_conf tlsfront.conf "$(listener "$P1" app),
$(listener "$P2" app)" "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"

cc -shared -fPIC -o "$WORK/evl_fail.so" "$TF_SRCDIR/tests/helpers/evl_fail.c" \
    -ldl || hard_error "cannot build the shim"
# An ASan build wants its runtime first; the shim only wraps two calls.
saved_asan=${ASAN_OPTIONS:-}
export LD_PRELOAD="$WORK/evl_fail.so" TF_FAIL_LISTENER=2
export ASAN_OPTIONS="${saved_asan:+$saved_asan:}verify_asan_link_order=0"
start_tlsfront tlsfront.conf
unset LD_PRELOAD TF_FAIL_LISTENER
ASAN_OPTIONS=$saved_asan

wait_grep "tf-shim: evconnlistener_new\(fd [0-9]+\): injected failure" \
    "$DAEMON_LOG" || fail "the injected failure did not happen"
wait_grep "worker 0: cannot start" "$DAEMON_LOG" ||
    fail "no 'worker 0: cannot start' after a listener failed"
if grep -E "tf-shim: close\([0-9]+\): not open" "$DAEMON_LOG"; then
	fail "a descriptor was closed twice"
fi
stop_tlsfront

# A listener no worker serves is "down" for the admin endpoint: with every
# evconnlistener_new() failing while a file exists, the worker killed
# cannot start again, and /healthz answers 503 until the file is gone.
ADMIN=$(free_port)
TF_DAEMON_EXTRA="admin = { listen = \"127.0.0.1:$ADMIN\"; };" \
    write_conf admin.conf "$(listener "$P1" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
export LD_PRELOAD="$WORK/evl_fail.so" TF_FAIL_LISTENER_IF="$WORK/fail"
export ASAN_OPTIONS="${saved_asan:+$saved_asan:}verify_asan_link_order=0"
start_tlsfront admin.conf
unset LD_PRELOAD TF_FAIL_LISTENER_IF
ASAN_OPTIONS=$saved_asan
HEALTHZ=http://127.0.0.1:$ADMIN/healthz
wait_for 5 healthz_is 200 ok "$HEALTHZ" ||
    fail "/healthz is not 200 ok at the start: $(cat healthz.out)"
: >"$WORK/fail"
kill -KILL "$(worker_pid 0)"
wait_for 10 healthz_is 503 "listener 127.0.0.1:$P1 is down" "$HEALTHZ" ||
    fail "/healthz while no worker serves: $(cat healthz.out)"
curl -s "http://127.0.0.1:$ADMIN/metrics" |
    grep -qx "tlsfront_listener_up{listener=\"127.0.0.1:$P1\"} 0" ||
    fail "tlsfront_listener_up is not 0"
log "/healthz: 503 listener 127.0.0.1:$P1 is down"
rm -f "$WORK/fail"
wait_for 10 healthz_is 200 ok "$HEALTHZ" ||
    fail "/healthz did not come back once a worker serves: $(cat healthz.out)"
log "/healthz: 200 ok again once the worker restarts"
stop_tlsfront
