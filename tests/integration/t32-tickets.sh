#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# num_tickets: the number of TLS 1.3 NewSessionTicket messages (Python's
# default 2, 0 = none); OP_NO_TICKET: no ticket in TLS 1.2.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl
make_certs
start_backend echo
PD=$(free_port)
P0=$(free_port)
P5=$(free_port)
PN=$(free_port)
write_conf_ctx tlsfront.conf "  dflt = { $CERT_RSA };
  zero = { $CERT_RSA num_tickets = 0; };
  five = { $CERT_RSA num_tickets = 5; };
  noticket = { $CERT_RSA options = [ \"OP_NO_TICKET\" ]; };" \
    "$(ctx_listener "$PD" dflt app)
$(ctx_listener "$P0" zero app)
$(ctx_listener "$P5" five app)
$(ctx_listener "$PN" noticket app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

expect_tickets() { # PORT VERSION COUNT
	out=$(ctxprobe --port "$1" --tls-version "$2")
	[ "$(probe_get "$out" read)" = echo ] || fail "port $1 TLS $2: $out"
	[ "$(probe_get "$out" tickets)" = "$3" ] ||
	    fail "port $1 TLS $2: expected $3 tickets: $out"
}
# Python clients: every python3 of the machine. The default count is the
# num_tickets of that Python's reference context (tests/helpers/pyref.py).
python_checks() {
	dflt=$("$PYTHON" - "$TF_SRCDIR/tests/helpers" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import pyref
print(pyref.reference_context("PROTOCOL_TLS_SERVER", "python").ctx.num_tickets)
PY
) || hard_error "no reference num_tickets from $PYTHON"
	log "reference num_tickets: $dflt"
	expect_tickets "$PD" 1.3 "$dflt"
	expect_tickets "$P0" 1.3 0
	expect_tickets "$P5" 1.3 5
	expect_tickets "$PD" 1.2 1
	expect_tickets "$PN" 1.2 0
	# OP_NO_TICKET leaves TLS 1.3's count alone (stateful tickets).
	expect_tickets "$PN" 1.3 "$dflt"
}
each_python python_checks

# openssl s_client -msg counts the same.
n=$( (sleep 1; echo) | timeout -k 5 $(scale 20) openssl s_client \
    -connect "127.0.0.1:$P5" -tls1_3 -msg 2>&1 |
    grep -c '<<< .*NewSessionTicket')
[ "$n" -eq 5 ] || fail "s_client: $n NewSessionTicket, expected 5"
stop_tlsfront
