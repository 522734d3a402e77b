#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# At max_connections every close and accept toggles accepting, and each
# pause was a warning line (14,300 lines/s measured; issue 11, defect 5):
# 300 connections one after another against max_connections = 1 give at
# most log.rate_limit (10) such lines per second, and the lines plus the
# summaries' counts add up to every pause.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
cat >tlsfront.conf <<EOF2
daemon = {
  workers = 1;
  max_connections = 1;
  log = { level = "info"; access = "off"; };
};
contexts = {
  default = {
    cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } );
  };
};
listeners = (
$(listener "$P" echo)
);
backends = { echo = { servers = [ "127.0.0.1:$BACKEND_PORT" ]; }; };
EOF2
start_tlsfront tlsfront.conf

N=300
secs=$("${TF_PYTHON:-python3}" - "$P" "$CAFILE" "$N" <<'PY'
import socket, ssl, sys, time
port, cafile, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ctx = ssl.create_default_context(cafile=cafile)
t0 = time.monotonic()
for i in range(n):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"x\n")
            tls.recv(2)
print(int(time.monotonic() - t0) + 1)
PY
) || fail "the client failed"
log "$N connections in under $secs s"

pattern='max_connections reached \(1\); pausing accepts'
total() {
	_l=$(grep -Ec -- "$pattern" "$DAEMON_LOG")
	_s=$(sed -n 's/.*: suppressed \([0-9]*\) accept pause warning lines in the last [0-9]*\.[0-9] s$/\1/p' \
	    "$DAEMON_LOG" | awk '{ s += $1 } END { print s + 0 }')
	echo $((_l + _s))
}
n=$(( $(scale 10) * 10 ))
while [ "$(total)" -lt "$N" ] && [ $n -gt 0 ]; do
	n=$((n - 1))
	sleep 0.1
done
lines=$(grep -Ec -- "$pattern" "$DAEMON_LOG")
log "pause warnings: $lines lines, lines + suppressed = $(total)"
[ "$(total)" -eq "$N" ] ||
    fail "lines + suppressed = $(total), expected one pause per connection ($N)"
[ "$lines" -le $((10 * (secs + 1))) ] ||
    fail "$lines pause warnings for $secs s (limit 10/s)"
stop_tlsfront
