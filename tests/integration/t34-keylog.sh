#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# keylog_filename: NSS key log lines, one per secret, appended by every
# worker to one file (mode 0600); they equal the client's own key log.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
TF_WORKERS=2 write_conf_ctx tlsfront.conf "  default = { $CERT_RSA
    keylog_filename = \"keys.log\"; };" \
    "$(ctx_listener "$P" default app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

# Python clients: every python3 of the machine, each 3 TLS 1.3 connections
# and one TLS 1.2, all logging to client.log.
python_checks() {
	for i in 1 2 3; do
		out=$(ctxprobe --port "$P" --tls-version 1.3 --keylog client.log)
		[ "$(probe_get "$out" read)" = echo ] ||
		    fail "TLS 1.3 conn $i: $out"
	done
	out=$(ctxprobe --port "$P" --tls-version 1.2 --keylog client.log)
	[ "$(probe_get "$out" read)" = echo ] || fail "TLS 1.2: $out"
}
pythons >/dev/null
npy=$(npythons)
each_python python_checks
stop_tlsfront

[ -f keys.log ] || fail "no keys.log"
[ "$(stat -c %a keys.log)" = 600 ] || fail "keys.log mode $(stat -c %a keys.log)"
head -n 1 keys.log | grep -q '^# TLS secrets log file' || fail "no header line"
bad=$(grep -v '^#' keys.log | grep -Evc '^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64,}$')
[ "$bad" -eq 0 ] || fail "$bad malformed lines in keys.log"
for l in CLIENT_HANDSHAKE_TRAFFIC_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET \
    CLIENT_TRAFFIC_SECRET_0 SERVER_TRAFFIC_SECRET_0 EXPORTER_SECRET; do
	n=$(grep -c "^$l " keys.log)
	[ "$n" -eq $((3 * npy)) ] || fail "$n $l lines, expected $((3 * npy))"
done
n=$(grep -c '^CLIENT_RANDOM ' keys.log)
[ "$n" -eq "$npy" ] ||
    fail "$n TLS 1.2 CLIENT_RANDOM lines, expected $npy"
# The very secrets the client derived.
grep -v '^#' keys.log | sort >server.sorted
grep -v '^#' client.log | sort >client.sorted
cmp -s server.sorted client.sorted ||
    fail "server and client key logs differ: $(diff server.sorted client.sorted | head -5)"
