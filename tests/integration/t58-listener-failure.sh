#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# A worker whose second listener cannot start (evconnlistener_new fails,
# injected by tests/helpers/evl_fail.c): it reports "cannot start" and
# closes each listening socket once. listener.c closes the socket it failed
# on; worker.c used to close it again (by then the number may name another
# open file of the process).
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool cc
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
