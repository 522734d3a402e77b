#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# daemon.log.rate_limit = 0 turns the flood protection off: every one of
# 60 garbage connections gets its own handshake_error access line and no
# summary line replaces any of them.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
start_backend echo
P=$(free_port)
write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
sed -i 's|log = { level = "info"; access = "text"; };|log = { level = "info"; access = "text"; rate_limit = 0; };|' \
    tlsfront.conf
grep -q 'rate_limit = 0;' tlsfront.conf || hard_error "config not written"
start_tlsfront tlsfront.conf

garbage_clients "$P" 60 || fail "garbage client failed"
wait_count 'end=handshake_error' "$DAEMON_LOG" 60 ||
    fail "only $(grep -c 'end=handshake_error' "$DAEMON_LOG") of 60 handshake_error lines"
grep -q 'suppressed' "$DAEMON_LOG" && fail "lines were suppressed with rate_limit = 0"
n=$(grep -c 'end=handshake_error' "$DAEMON_LOG")
[ "$n" -eq 60 ] || fail "$n handshake_error lines, expected 60"
stop_tlsfront
