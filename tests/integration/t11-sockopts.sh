#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Both sockets of a proxied connection have TCP_NODELAY (a relay without
# it stalls ~40 ms per small response): the client socket inherits it from
# the listening socket, the backend socket sets it. Read from inside the
# worker with pidfd_getfd(2), for a socket of our own and one passed in by
# socket activation (systemd-socket-activate), which the daemon must set.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
write_conf tlsfront.conf "$(listener "$P" echo)" \
    "  echo = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

check_nodelay() {
	out=$("$PYTHON" "$TF_SRCDIR/tests/helpers/sockopts.py" \
	    --pid "$1" --port "$P" --backend-port "$BACKEND_PORT" \
	    --cafile "$CAFILE") || fail "sockopts ($2): $out"
	log "$2: $(echo $out)"
	echo "$out" | grep -qx "client TCP_NODELAY=1" ||
	    fail "$2: client socket without TCP_NODELAY: $out"
	echo "$out" | grep -qx "backend TCP_NODELAY=1" ||
	    fail "$2: backend socket without TCP_NODELAY: $out"
}

check_nodelay "$(tlsfront_pid)" "own listening socket"
stop_tlsfront

grep -q 'define HAVE_LIBSYSTEMD 1' "$TF_BUILDDIR/autoconf.h" || exit 0
command -v systemd-socket-activate >/dev/null 2>&1 ||
    hard_error "systemd-socket-activate is missing (package systemd)"
TF_WRAPPER="systemd-socket-activate -l 127.0.0.1:$P -- $TF_WRAPPER"
start_tlsfront tlsfront.conf
check_nodelay "$(tlsfront_pid)" "socket from systemd-socket-activate"
stop_tlsfront
exit 0
