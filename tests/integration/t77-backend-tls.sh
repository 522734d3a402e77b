#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# TLS to backends (issue 13, item 6): backends.NAME.tls with a client
# context (PROTOCOL_TLS_CLIENT) in front of real TLS servers (nginx with
# ssl, openssl s_server -Verify), clients curl and openssl s_client:
# verified against the test CA with server_hostname (per server and per
# backend) and against the IP of an address without one (no SNI sent);
# a wrong name, a certificate of another CA and the system CAs alone are
# refused with a clean close, the reason in the access line and a log
# warning; check_hostname = false with CERT_NONE accepts anything; an mTLS
# backend takes the client context's cert_chain and refuses a context
# without one (TLS 1.2: in the handshake; TLS 1.3: its alert on the
# first read, end=backend_error); PROXY v2 goes before the ClientHello to an nginx that wants
# both; 8 MB relayed intact; a server silent after the TCP connect times
# out (its share of timeouts.connect) and the next one serves; a second connection to
# a server resumes its session. -t refuses a server context as tls, a
# client context on a listener, and a passthrough route to a TLS backend,
# at file:line, and warns of a client context that verifies nothing.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl nginx curl
make_certs
C=$WORK/certs

# A second CA and a leaf of it for localhost: an untrusted certificate.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=other CA" \
    -keyout "$WORK/other-ca.key" -out "$WORK/other-ca.pem" 2>/dev/null ||
    hard_error "cannot make the other CA"
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$WORK/other.key" -out "$WORK/other.csr" 2>/dev/null &&
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$WORK/other.ext" &&
openssl x509 -req -in "$WORK/other.csr" -CA "$WORK/other-ca.pem" \
    -CAkey "$WORK/other-ca.key" -CAcreateserial -days 2 \
    -extfile "$WORK/other.ext" -out "$WORK/other.pem" 2>/dev/null ||
    hard_error "cannot make the untrusted certificate"

# --- nginx: a TLS server, one with another CA's certificate, and one that
# wants a PROXY v2 header and then TLS ---
NOK=$(free_port); NOTHER=$(free_port); NPP=$(free_port)
mkdir -p "$WORK/ngx/logs" "$WORK/www"
head -c 8000000 /dev/urandom >"$WORK/www/big.bin"
{ nginx_conf_head; cat <<EOF
http {
  log_format tls '\$server_port pp=\$proxy_protocol_addr '
      'sni=\$ssl_server_name proto=\$ssl_protocol '
      'reused=\$ssl_session_reused';
  access_log $WORK/ngx/access.log tls;
  ssl_protocols TLSv1.2 TLSv1.3;
  client_body_temp_path $WORK/ngx/body;
  proxy_temp_path $WORK/ngx/proxy;
  fastcgi_temp_path $WORK/ngx/fastcgi;
  uwsgi_temp_path $WORK/ngx/uwsgi;
  scgi_temp_path $WORK/ngx/scgi;
  server {
    listen 127.0.0.1:$NOK ssl;
    ssl_certificate $C/rsa.pem;
    ssl_certificate_key $C/rsa.key;
    location / { return 200 "hello sni=[\$ssl_server_name]\n"; }
    location /big.bin { root $WORK/www; }
  }
  server {
    listen 127.0.0.1:$NOTHER ssl;
    ssl_certificate $WORK/other.pem;
    ssl_certificate_key $WORK/other.key;
    location / { return 200 "other\n"; }
  }
  server {
    listen 127.0.0.1:$NPP ssl proxy_protocol;
    ssl_certificate $C/rsa.pem;
    ssl_certificate_key $C/rsa.key;
    location / { return 200 "pp=\$proxy_protocol_addr \$ssl_protocol\n"; }
  }
}
EOF
} >"$WORK/nginx.conf"
nginx -p "$WORK/ngx" -e "$WORK/ngx/error.log" -c "$WORK/nginx.conf" \
    2>"$WORK/backend-nginx.log" &
track $!
wait_port "$NOK" || hard_error "nginx does not listen: $(cat "$WORK/ngx/error.log")"

# --- openssl s_server that requires a client certificate (TLS 1.2, so
# that a missing one fails the handshake itself) ---
SMTLS=$(free_port)
openssl s_server -accept "$SMTLS" -cert "$C/rsa.pem" -key "$C/rsa.key" \
    -Verify 1 -CAfile "$C/ca.pem" -tls1_2 -www -quiet \
    >"$WORK/s_server.log" 2>&1 &
track $!
wait_port "$SMTLS" || hard_error "openssl s_server does not listen"
# The same with TLS 1.3, where the server judges the client's certificate
# after the client's handshake is over.
SMTLS13=$(free_port)
openssl s_server -accept "$SMTLS13" -cert "$C/rsa.pem" -key "$C/rsa.key" \
    -Verify 1 -CAfile "$C/ca.pem" -tls1_3 -www -quiet \
    >"$WORK/s_server13.log" 2>&1 &
track $!
wait_port "$SMTLS13" || hard_error "openssl s_server -tls1_3 does not listen"

# A server that takes the TCP connection and never answers the ClientHello.
start_backend sink
SINK=$BACKEND_PORT

CA="verify_locations = { cafile = \"$C/ca.pem\"; };"
# Servers by address, named by server_hostname: what "localhost" resolves
# to (127.0.0.1 or ::1 first) depends on the machine's /etc/hosts. How a
# name is taken from a server's own host is check_config's.
LH="server_hostname = \"localhost\";"
P1=$(free_port); P2=$(free_port); P3=$(free_port); P4=$(free_port)
P5=$(free_port); P6=$(free_port); P7=$(free_port); P8=$(free_port)
P9=$(free_port); P10=$(free_port); P11=$(free_port)
TF_TIMEOUTS="handshake = 10; connect = 1; idle = 300; drain = 30;" \
write_conf_ctx tlsfront.conf \
"  default = { $CERT_RSA };
  up = { protocol = \"PROTOCOL_TLS_CLIENT\"; $CA };
  upcert = { protocol = \"PROTOCOL_TLS_CLIENT\"; $CA
    cert_chain = ( { certfile = \"$C/client.pem\"; keyfile = \"$C/client.key\"; } ); };
  system = { protocol = \"PROTOCOL_TLS_CLIENT\"; };
  noverify = { protocol = \"PROTOCOL_TLS_CLIENT\"; check_hostname = false;
    verify_mode = \"CERT_NONE\"; };" \
"$(ctx_listener "$P1" default named)
$(ctx_listener "$P2" default byip)
$(ctx_listener "$P3" default wrongname)
$(ctx_listener "$P4" default untrusted)
$(ctx_listener "$P5" default system)
$(ctx_listener "$P6" default noverify)
$(ctx_listener "$P7" default mtls)
$(ctx_listener "$P8" default mtlsnocert)
$(ctx_listener "$P9" default pp)
$(ctx_listener "$P10" default stall)
$(ctx_listener "$P11" default mtls13nocert)" \
"  named = { servers = ( { address = \"127.0.0.1:$NOK\";
    server_hostname = \"localhost\"; } ); tls = \"up\"; };
  byip = { servers = [ \"127.0.0.1:$NOK\" ]; tls = \"up\"; };
  wrongname = { servers = [ \"127.0.0.1:$NOK\" ];
    server_hostname = \"wrong.example\"; tls = \"up\"; };
  untrusted = { servers = [ \"127.0.0.1:$NOTHER\" ]; $LH tls = \"up\"; };
  system = { servers = [ \"127.0.0.1:$NOK\" ]; $LH tls = \"system\"; };
  noverify = { servers = [ \"127.0.0.1:$NOTHER\" ];
    server_hostname = \"wrong.example\"; tls = \"noverify\"; };
  mtls = { servers = [ \"127.0.0.1:$SMTLS\" ]; $LH tls = \"upcert\"; };
  mtlsnocert = { servers = [ \"127.0.0.1:$SMTLS\" ]; $LH tls = \"up\"; };
  pp = { servers = [ \"127.0.0.1:$NPP\" ]; $LH tls = \"up\";
    proxy_protocol = \"v2\"; proxy_protocol_tlvs = [ \"unique_id\" ]; };
  mtls13nocert = { servers = [ \"127.0.0.1:$SMTLS13\" ]; $LH tls = \"up\"; };
  stall = { servers = [ \"127.0.0.1:$SINK\", \"127.0.0.1:$NOK\" ];
    $LH tls = \"up\"; };"
"$TF_DAEMON" -t -c tlsfront.conf >"$WORK/t.out" 2>&1 ||
    fail "-t refuses the configuration: $(cat "$WORK/t.out")"
grep -q 'warning: context "noverify": verify_mode CERT_NONE: backend certificates are not verified' \
    "$WORK/t.out" || fail "-t does not warn of noverify: $(cat "$WORK/t.out")"
[ "$(grep -c 'warning: context' "$WORK/t.out")" = 1 ] ||
    fail "-t warns of more than noverify: $(cat "$WORK/t.out")"
start_tlsfront tlsfront.conf

# get PORT: the body curl gets through tlsfrontd (empty if refused).
get() {
	timeout -k 5 "$(scale 30)" curl -s --max-time "$(scale 20)" \
	    --cacert "$C/ca.pem" "https://localhost:$1/" 2>/dev/null
}

# refused PORT BACKEND DETAIL: nothing reaches the client, which is closed
# cleanly (close_notify, no error), and the access line and a warning
# say DETAIL.
NREFUSED=0
refused() {
	_out=$(echo | timeout -k 5 "$(scale 30)" openssl s_client -quiet \
	    -connect "127.0.0.1:$1" -servername localhost \
	    -CAfile "$C/ca.pem" 2>&1)
	echo "$_out" | grep -q "errno\|alert" &&
	    fail "$2: the client was not closed cleanly: $_out"
	NREFUSED=$((NREFUSED + 1))
	wait_grep "backend=$2 .*end=connect_failed" "$DAEMON_LOG" ||
	    fail "$2: no connect_failed access line"
	_line=$(access_lines "backend=$2 ")
	echo "$_line" | grep -qF "$3" ||
	    fail "$2: access line without \"$3\": $_line"
	grep -F "backend $2: server" "$DAEMON_LOG" | grep -qF "$3" ||
	    fail "$2: no warning saying \"$3\""
	log "$2 refused: $3"
}

# 1. Verified against the test CA, with the name of the server's group:
# sent as SNI (nginx's $ssl_server_name), checked against the certificate.
body=$(get "$P1")
[ "$body" = "hello sni=[localhost]" ] || fail "named: got '$body'"
line=$(access_lines "backend=named ")
[ "$(field "$line" end)" = closed ] || fail "named: $line"
# The same with openssl s_client as the client.
out=$(printf 'GET / HTTP/1.0\r\n\r\n' | timeout -k 5 "$(scale 30)" \
    openssl s_client -quiet -connect "127.0.0.1:$P1" -servername localhost \
    -CAfile "$C/ca.pem" 2>/dev/null)
echo "$out" | grep -q "hello sni=\[localhost\]" ||
    fail "named via s_client: $out"
log "named: verified, SNI localhost (curl and s_client)"
# 8 MB relayed TLS to TLS, byte for byte.
timeout -k 5 "$(scale 30)" curl -s --max-time "$(scale 20)" \
    --cacert "$C/ca.pem" -o "$WORK/big.out" "https://localhost:$P1/big.bin" ||
    fail "named: the 8 MB download failed"
[ "$(sha256sum <"$WORK/big.out")" = "$(sha256sum <"$WORK/www/big.bin")" ] ||
    fail "named: the 8 MB download differs"
line=$(access_lines "backend=named " | tail -n 1)
[ "$(field "$line" end)" = closed ] || fail "named 8 MB: $line"
log "named: 8 MB relayed intact"
# The worker resumed its session with that server after the first
# connection: nginx saw one full handshake for SNI localhost, then "r".
wait_count "^$NOK .*sni=localhost" "$WORK/ngx/access.log" 3 ||
    fail "named: nginx logged fewer than 3 requests"
reuse=$(grep "^$NOK .*sni=localhost" "$WORK/ngx/access.log" |
    sed 's/.*reused=//' | tr -d '\n')
[ "$reuse" = ".rr" ] ||
    fail "named: sessions reused '$reuse', expected '.rr' (full, then resumed)"
log "named: backend sessions resumed after the first ($reuse)"

# 2. An IP address and no server_hostname: checked against the IP (the
# certificate has IP:127.0.0.1), no SNI sent, as Python does.
body=$(get "$P2")
[ "$body" = "hello sni=[]" ] || fail "byip: got '$body'"
log "byip: verified against 127.0.0.1, no SNI"

# 3-5. Refused: a wrong name, another CA, the system CAs alone.
refused "$P3" wrongname \
    'backend certificate: hostname mismatch (server_hostname '
grep -qF 'hostname mismatch (server_hostname "wrong.example")' "$DAEMON_LOG" ||
    fail "wrongname: the warning does not name wrong.example"
refused "$P4" untrusted \
    'backend certificate: unable to get local issuer certificate'
refused "$P5" system \
    'backend certificate: unable to get local issuer certificate'
[ -z "$(get "$P3")" ] || fail "wrongname: curl got a body"

# 6. check_hostname = false, CERT_NONE: neither name nor CA checked.
body=$(get "$P6")
[ "$body" = "other" ] || fail "noverify: got '$body'"
log "noverify: another CA's certificate and a wrong name accepted"

# 7. mTLS: the client context's cert_chain is sent and accepted; without
# one the backend fails the handshake.
body=$(get "$P7")
echo "$body" | grep -q "Subject: CN=tlsfront test client" ||
    fail "mtls: the backend saw no client certificate: $body"
log "mtls: client certificate CN=tlsfront test client sent"
refused "$P8" mtlsnocert \
    'backend TLS handshake: sslv3 alert handshake failure'
# TLS 1.3: the server's certificate_required alert ends the relay at its
# first read (backend_error), not the handshake.
[ -z "$(get "$P11")" ] || fail "mtls13nocert: curl got a body"
wait_grep "backend=mtls13nocert .*end=backend_error" "$DAEMON_LOG" ||
    fail "mtls13nocert: no backend_error access line"
access_lines "backend=mtls13nocert " | grep -q 'certificate required' ||
    fail "mtls13nocert: $(access_lines "backend=mtls13nocert ")"
log "mtls13nocert: the server's certificate_required alert, end=backend_error"

# 8. PROXY v2, then TLS: nginx takes the header, then the handshake. (An
# nginx ssl listener peeks at most 107 header bytes: the TLVs of the
# client's TLS would not fit, unique_id does.)
body=$(get "$P9")
[ "$body" = "pp=127.0.0.1 TLSv1.3" ] || fail "pp: got '$body'"
grep -q "^$NPP pp=127.0.0.1 sni=localhost proto=TLSv1.3" \
    "$WORK/ngx/access.log" || fail "pp: nginx log: $(cat "$WORK/ngx/access.log")"
log "pp: PROXY v2 header, then TLS 1.3 with SNI localhost"

# 9. A server silent after the TCP connect: its handshake times out at the
# end of its share of timeouts.connect (1 s for both servers: 0.5 s) and
# the next server serves the client, all within timeouts.connect.
t0=$(date +%s%N)
body=$(get "$P10")
t1=$(date +%s%N)
[ "$body" = "hello sni=[localhost]" ] || fail "stall: got '$body'"
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -ge 450 ] || fail "stall: answered after $ms ms, before the timeout"
[ "$ms" -lt 1000 ] || fail "stall: answered after $ms ms, past timeouts.connect"
grep -qF "backend stall: server 127.0.0.1:$SINK: connect timed out" \
    "$DAEMON_LOG" || fail "stall: no timeout logged for the silent server"
line=$(access_lines "backend=stall ")
[ "$(field "$line" server)" = "127.0.0.1:$NOK" ] || fail "stall: $line"
log "stall: the silent server timed out, the next one served ($ms ms)"

stop_tlsfront

# 10. -t: what is refused, at its line.
cat >"$WORK/bad.conf" <<EOF
contexts = {
  default = { $CERT_RSA };
  up = { protocol = "PROTOCOL_TLS_CLIENT"; };
};
listeners = (
  { listen = "127.0.0.1:$P1"; context = "up"; backend = "a"; },
  { listen = "127.0.0.1:$P2"; context = "default"; backend = "b";
    routes = ( { names = [ "x.example" ]; backend = "b"; passthrough = true; } ); }
);
backends = {
  a = { servers = [ "127.0.0.1:$NOK" ];
    tls = "default"; };
  b = { servers = [ "unix:/nonexistent" ]; tls = "up"; };
};
EOF
"$TF_DAEMON" -t -c "$WORK/bad.conf" >"$WORK/bad.out" 2>&1 &&
    fail "-t accepts bad.conf"
for want in \
    'bad.conf:12: backend "a": tls names context "default", a server context' \
    'bad.conf:13: backend "b": server "unix:/nonexistent" has no name to check' \
    'bad.conf:3: PROTOCOL_TLS_CLIENT is a client protocol' \
    'bad.conf:8: a passthrough route cannot go to backend "b", which has tls'
do
	grep -qF "$want" "$WORK/bad.out" ||
	    fail "-t did not say '$want': $(cat "$WORK/bad.out")"
done
log "-t: 4 refusals at file:line"
exit 0
