#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Session resumption as the ticket settings say: with Python's defaults a
# client resumes with a ticket (TLS 1.3 and 1.2), also across two workers
# (the ticket keys are made before the workers fork); num_tickets = 0 gives
# TLS 1.3 clients nothing to resume with; OP_NO_TICKET in TLS 1.2 falls back
# to the server's session cache (stateful resumption, one worker).
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P1=$(free_port)	# defaults, 2 workers
P2=$(free_port)	# num_tickets = 0
P3=$(free_port)	# OP_NO_TICKET
TF_WORKERS=2 write_conf tlsfront.conf "$(listener "$P1" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
# Two more contexts, each behind its own listener.
"$PYTHON" - tlsfront.conf "$P2" "$P3" <<'PY'
import sys
path, p2, p3 = sys.argv[1:]
s = open(path).read()
ctx = '''  notickets = { num_tickets = 0;
    cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } ); };
  stateful = { options = [ "OP_NO_TICKET" ];
    cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } ); };
'''
s = s.replace("contexts = {\n", "contexts = {\n" + ctx, 1)
lst = ('  { listen = "127.0.0.1:%s"; context = "notickets"; backend = "app"; },\n'
       '  { listen = "127.0.0.1:%s"; context = "stateful"; backend = "app"; },\n'
       % (p2, p3))
s = s.replace("listeners = (\n", "listeners = (\n" + lst, 1)
open(path, "w").write(s)
PY
start_tlsfront tlsfront.conf

# resume PORT VERSION N: N reconnections offering the last session; prints
# "reused=R of N".
resume() {
	"$PYTHON" - "$1" "$2" "$3" "$CAFILE" <<'PY'
import socket, ssl, sys
port, version, n, cafile = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
ctx = ssl.create_default_context(cafile=cafile)
v = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
ctx.minimum_version = ctx.maximum_version = v
def once(session):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost",
                             session=session) as s:
            s.sendall(b"ping\n")
            got = b""
            while len(got) < 5:
                chunk = s.recv(5 - len(got))
                if not chunk:
                    raise SystemExit("closed early")
                got += chunk
            # TLS 1.3 tickets come after the handshake; the echo read above
            # has processed them. A clean close keeps the session valid: on
            # a FIN without close_notify the server (like Python's, without
            # OP_IGNORE_UNEXPECTED_EOF) fails the read and drops the session
            # from its cache.
            session, reused = s.session, s.session_reused
            s.unwrap()
            return session, reused
session, _ = once(None)
reused = 0
for i in range(n):
    new, r = once(session)
    reused += r
    if new is not None and new.has_ticket or version == "1.2":
        session = new if new is not None else session
print("reused=%d of %d" % (reused, n))
PY
}

check() {	# check PORT VERSION EXPECTED-REUSED N WHAT
	out=$(resume "$1" "$2" "$4") || fail "$5: client failed: $out"
	log "$5: $out"
	[ "$out" = "reused=$3 of $4" ] || fail "$5: $out, expected reused=$3 of $4"
}

# Python clients: every python3 of the machine.
two_workers() {
	check "$P1" 1.3 10 10 "tickets, TLS 1.3, 2 workers"
	check "$P1" 1.2 10 10 "tickets, TLS 1.2, 2 workers"
	check "$P2" 1.3 0 5 "num_tickets = 0, TLS 1.3"
}
each_python two_workers
stop_tlsfront

# The session cache belongs to one worker process: one worker here.
sed -i 's/^  workers = 2;/  workers = 1;/' tlsfront.conf
start_tlsfront tlsfront.conf
one_worker() {
	check "$P3" 1.2 5 5 "OP_NO_TICKET, TLS 1.2, session cache"
	check "$P1" 1.3 5 5 "tickets, TLS 1.3, 1 worker"
}
each_python one_worker
stop_tlsfront
