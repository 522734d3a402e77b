#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# TLS 1.3 KeyUpdate in the middle of a relayed stream: openssl s_client
# sends one with update_requested ("K"), tlsfrontd answers with its own
# (libssl writes it from inside SSL_read) and the echo goes on under the
# new keys, both ways. Then the same with a plain update ("k").
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl
make_certs
start_backend echo
P=$(free_port)
write_conf tlsfront.conf "$(listener "$P" echo)" \
    "  echo = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
start_tlsfront tlsfront.conf

# update LETTER: one connection; a line, the update, then another line.
update() {
	rm -f in.fifo
	mkfifo in.fifo
	timeout -k 5 $(scale 30) openssl s_client -msg -no_ign_eof \
	    -connect "127.0.0.1:$P" -servername localhost -CAfile "$CAFILE" \
	    -verify_return_error -tls1_3 <in.fifo >su.out 2>su.err &
	_pid=$!
	track $_pid
	exec 3>in.fifo
	printf 'before the update\n' >&3
	wait_grep '^before the update$' su.out $(scale 10) ||
	    fail "$1: no echo before the update"
	printf '%s\n' "$1" >&3
	wait_grep '^KEYUPDATE$' su.err $(scale 10) ||
	    fail "$1: s_client did not send a KeyUpdate"
	printf 'after the update\n' >&3
	wait_grep '^after the update$' su.out $(scale 10) ||
	    fail "$1: no echo after the update"
	exec 3>&-
	wait $_pid || { cat su.err >&2; fail "$1: s_client exited $?"; }
}

update K
# The server's own KeyUpdate came in, before the echo that followed it.
n=$(grep -c '^<<< TLS 1.3, Handshake \[length 0005\], KeyUpdate' su.out)
[ "$n" -eq 1 ] || fail "K: $n KeyUpdate messages from tlsfrontd, expected 1"
log "KeyUpdate with update_requested: answered, echo goes on"

update k
n=$(grep -c '^<<< TLS 1.3, Handshake \[length 0005\], KeyUpdate' su.out)
[ "$n" -eq 0 ] || fail "k: tlsfrontd sent $n KeyUpdate messages, expected 0"
log "KeyUpdate without request: echo goes on"

wait_count 'end=eof' "$BACKEND_LOG" 2 ||
    fail "the echo backend logged $(grep -c 'end=eof' "$BACKEND_LOG") normal ends, expected 2"
stop_tlsfront
exit 0
