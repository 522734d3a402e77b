#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Socket activation: systemd-socket-activate binds the listening socket and
# passes it (LISTEN_FDS); tlsfrontd serves on it without binding the
# address itself (it could not: the socket is not SO_REUSEPORT), including
# after a reload, with two workers sharing it.
. "$TF_SRCDIR/tests/integration/lib.sh"

grep -q 'define HAVE_LIBSYSTEMD 1' "$TF_BUILDDIR/autoconf.h" ||
    skip "built without libsystemd"
command -v systemd-socket-activate >/dev/null 2>&1 ||
    hard_error "systemd-socket-activate is missing (package systemd)"

make_certs
start_backend echo
P=$(free_port)
TF_WORKERS=2 write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
TF_WRAPPER="systemd-socket-activate -l 127.0.0.1:$P -- $TF_WRAPPER"
start_tlsfront tlsfront.conf

for round in 1 2; do
	i=0
	while [ $i -lt 6 ]; do
		out=$(client request --port "$P" --cafile "$CAFILE" \
		    --data "round $round $i\n" --expect-echo) ||
		    fail "round $round: request $i failed"
		[ "$out" = "round $round $i" ] || fail "got '$out'"
		i=$((i + 1))
	done
	if [ $round -eq 1 ]; then
		kill -HUP "$TLSFRONT_PID"
		wait_grep 'notice: reloaded: ' "$DAEMON_LOG" ||
		    fail "reload not done"
	fi
done
grep -Eq 'bind|Address already in use' "$DAEMON_LOG" &&
    fail "tlsfrontd tried to bind the inherited address"
grep -q 'matches no listener' "$DAEMON_LOG" &&
    fail "the inherited socket was not matched to the listener"
stop_tlsfront
