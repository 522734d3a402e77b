#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# A request through the proxy with four independent TLS stacks: Python ssl
# (TLS 1.3 and 1.2), openssl s_client and gnutls-cli against an echo backend,
# curl against an HTTP backend.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl gnutls-cli curl
make_certs
start_backend echo
ECHO_PORT=$BACKEND_PORT
ECHO_LOG=$BACKEND_LOG
start_backend http
HTTP_PORT=$BACKEND_PORT
HTTP_LOG=$BACKEND_LOG
P1=$(free_port)
P2=$(free_port)
write_conf tlsfront.conf "$(listener "$P1" echo),
$(listener "$P2" web)" "  echo = { servers = [ \"127.0.0.1:$ECHO_PORT\" ]; };
  web = { servers = [ \"127.0.0.1:$HTTP_PORT\" ]; };"
start_tlsfront tlsfront.conf

# Python ssl, TLS 1.3 then 1.2: the echo comes back, then a clean shutdown.
for v in 1.3 1.2; do
	msg="hello through tlsfront over TLS $v"
	out=$(client request --port "$P1" --cafile "$CAFILE" --tls-version $v \
	    --data "$msg\n" --expect-echo) || fail "python request (TLS $v)"
	[ "$out" = "$msg" ] || fail "python (TLS $v): got '$out'"
	n=$((${#msg} + 1))
	wait_grep "listen=127.0.0.1:$P1 .*proto=TLSv$v .*bytes_in=$n bytes_out=$n end=closed" \
	    "$DAEMON_LOG" ||
	    fail "no access line 'proto=TLSv$v ... bytes_in=$n bytes_out=$n end=closed'"
done
log "python ssl: ok"

# run_fifo_client OUTFILE EXPECTED CMD...: CMD reads stdin from a fifo that
# stays open until EXPECTED appears in OUTFILE, then gets EOF.
run_fifo_client() {
	_out=$1
	_exp=$2
	shift 2
	rm -f in.fifo
	mkfifo in.fifo
	timeout -k 5 $(scale 20) "$@" <in.fifo >"$_out" 2>"$_out.err" &
	_pid=$!
	track $_pid
	exec 3>in.fifo
	printf '%s\n' "$_exp" >&3
	wait_grep "^$_exp\$" "$_out" $(scale 10)
	_found=$?
	exec 3>&-
	wait $_pid
	_st=$?
	if [ $_found -ne 0 ]; then
		cat "$_out.err" >&2
		fail "$1: the echo of '$_exp' did not arrive (exit $_st)"
	fi
	[ $_st -eq 0 ] || { cat "$_out.err" >&2; fail "$1 exited $_st"; }
}

run_fifo_client s_client.out "hello from openssl s_client" \
    openssl s_client -quiet -no_ign_eof -connect "127.0.0.1:$P1" \
    -servername localhost -CAfile "$CAFILE" -verify_return_error
log "openssl s_client: ok"

run_fifo_client gnutls.out "hello from gnutls-cli" \
    gnutls-cli --x509cafile "$CAFILE" --port "$P1" \
    --sni-hostname localhost --verify-hostname localhost \
    --logfile gnutls.info 127.0.0.1
log "gnutls-cli: ok"

# curl against the HTTP backend.
body=$(timeout -k 5 $(scale 20) curl -sS --fail --cacert "$CAFILE" \
    --resolve "localhost:$P2:127.0.0.1" "https://localhost:$P2/" \
    2>curl.err) || { cat curl.err >&2; fail "curl failed"; }
[ "$body" = "hello from tf_echo" ] || fail "curl: body '$body'"
wait_grep 'bytes_in=[1-9][0-9]* .*end=eof' "$HTTP_LOG" ||
    fail "the HTTP backend did not log the request"
wait_grep "listen=127.0.0.1:$P2 .*server=127.0.0.1:$HTTP_PORT .*bytes_out=[1-9][0-9]* end=closed" \
    "$DAEMON_LOG" || fail "no access line for the curl request"
log "curl: ok"

# Every echo connection reached the backend and ended normally.
wait_count 'end=eof' "$ECHO_LOG" 4 ||
    fail "echo backend logged $(grep -c 'end=eof' "$ECHO_LOG") normal ends, expected 4"
stop_tlsfront
exit 0
