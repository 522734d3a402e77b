#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# PROXY protocol with real peers (issue 12, items 5 and 6): nginx behind
# tlsfrontd (listen ... proxy_protocol, real_ip_header proxy_protocol)
# logs the client address a PROXY header gave tlsfrontd, through v1 and
# v2; HAProxy in mode tcp with send-proxy-v2 in front of tlsfrontd
# (accept_proxy) passes its own client's address, and its health checks
# (check-send-proxy: the LOCAL command) are served as the balancer's own.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool nginx haproxy
PP=$TF_SRCDIR/tests/helpers/pphelper.py
make_certs

# --- nginx behind tlsfrontd ---
N1=$(free_port)
N2=$(free_port)
mkdir -p "$WORK/ngx/logs"
{ nginx_conf_head; cat <<EOF
http {
  log_format pp '\$proxy_protocol_addr:\$proxy_protocol_port '
      'remote=\$remote_addr '
      'server=\$proxy_protocol_server_addr:\$proxy_protocol_server_port '
      'port=\$server_port';
  access_log $WORK/ngx/access.log pp;
  client_body_temp_path $WORK/ngx/body;
  proxy_temp_path $WORK/ngx/proxy;
  fastcgi_temp_path $WORK/ngx/fastcgi;
  uwsgi_temp_path $WORK/ngx/uwsgi;
  scgi_temp_path $WORK/ngx/scgi;
  server {
    listen 127.0.0.1:$N1 proxy_protocol;
    listen 127.0.0.1:$N2 proxy_protocol;
    set_real_ip_from 127.0.0.1;
    real_ip_header proxy_protocol;
    location / { return 200 "hello \$remote_addr\n"; }
  }
}
EOF
} >"$WORK/nginx.conf"
nginx -p "$WORK/ngx" -e "$WORK/ngx/error.log" -c "$WORK/nginx.conf" \
    2>"$WORK/backend-nginx.log" &
track $!
wait_port "$N1" || hard_error "nginx does not listen: $(cat "$WORK/ngx/error.log")"

# --- tlsfrontd: behind HAProxy (P4) and a made-up balancer (P1, P2), in
# front of nginx (v1 and v2) and the header-logging backend ---
"$PYTHON" "$PP" backend --port-file "$WORK/pp.port" --log "$WORK/pp.log" \
    --lifetime "$(scale 120)" 2>"$WORK/backend-pp.err" &
track $!
wait_file "$WORK/pp.port" 10 || hard_error "pphelper backend did not start"
B=$(cat "$WORK/pp.port")
: >"$WORK/pp.log"
P1=$(free_port)
P2=$(free_port)
P3=$(free_port)
P4=$(free_port)
write_conf tlsfront.conf \
    "  { listen = \"127.0.0.1:$P1\"; context = \"default\"; backend = \"ngx1\";
    accept_proxy = true; },
  { listen = \"127.0.0.1:$P2\"; context = \"default\"; backend = \"ngx2\";
    accept_proxy = true; },
  { listen = \"127.0.0.1:$P3\"; context = \"default\"; backend = \"ngx2\"; },
  { listen = \"127.0.0.1:$P4\"; context = \"default\"; backend = \"pp\";
    accept_proxy = true; accept_proxy_from = [ \"127.0.0.1/32\" ]; }" \
    "  ngx1 = { servers = [ \"127.0.0.1:$N1\" ]; proxy_protocol = \"v1\"; };
  ngx2 = { servers = [ \"127.0.0.1:$N2\" ]; proxy_protocol = \"v2\"; };
  pp = { servers = [ \"127.0.0.1:$B\" ]; proxy_protocol = \"v1\"; };"
start_tlsfront tlsfront.conf

GET='GET / HTTP/1.0\r\nHost: www.example.com\r\n\r\n'
NG=0
# via_nginx PORT WANT-ADDR WANT-LOG ARGS...: an HTTP request through
# tlsfrontd to nginx, which must answer "hello WANT-ADDR" and log a line
# matching WANT-LOG.
via_nginx() {
	_port=$1 _addr=$2 _want=$3
	shift 3
	_out=$(timeout -k 5 "$(scale 60)" "$PYTHON" "$PP" client --port "$_port" \
	    --timeout "$(scale 20)" --data "$GET" --expect "hello $_addr" "$@") ||
	    fail "through $_port ($*): $_out"
	NG=$((NG + 1))
	wait_count . "$WORK/ngx/access.log" "$NG" ||
	    fail "nginx logged no request ($*)"
	_line=$(sed -n "${NG}p" "$WORK/ngx/access.log")
	echo "$_line" | grep -Eqx "$_want" ||
	    fail "nginx logged '$_line', expected '$_want'"
	log "nginx: $_line"
}

via_nginx "$P1" 203.0.113.7 \
    "203\\.0\\.113\\.7:51234 remote=203\\.0\\.113\\.7 server=192\\.0\\.2\\.1:443 port=$N1" \
    --v1 'PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n'
H=$("$PYTHON" "$PP" header --version 2 --src 203.0.113.7 --dst 192.0.2.1 \
    --sport 51235 --dport 443)
via_nginx "$P2" 203.0.113.7 \
    "203\\.0\\.113\\.7:51235 remote=203\\.0\\.113\\.7 server=192\\.0\\.2\\.1:443 port=$N2" \
    --hex "$H"
H6=$("$PYTHON" "$PP" header --version 2 --src 2001:db8::7 --dst 2001:db8::1 \
    --sport 4000 --dport 443)
via_nginx "$P2" 2001:db8::7 \
    "2001:db8::7:4000 remote=2001:db8::7 server=2001:db8::1:443 port=$N2" \
    --hex "$H6" --bytewise 0.01
# Without a header: the TLS client's own address and tlsfrontd's listener.
via_nginx "$P3" 127.0.0.1 \
    "127\\.0\\.0\\.1:[0-9]+ remote=127\\.0\\.0\\.1 server=127\\.0\\.0\\.1:$P3 port=$N2"

# --- HAProxy in front of tlsfrontd ---
H1=$(free_port)
cat >"$WORK/haproxy.cfg" <<EOF
global
  log stderr format short local0 info
defaults
  mode tcp
  log global
  option tcplog
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend fe
  bind 127.0.0.1:$H1
  default_backend tf
backend tf
  server tf 127.0.0.1:$P4 send-proxy-v2 check check-send-proxy inter 300ms
EOF
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/backend-haproxy.log" 2>&1 &
track $!
wait_port "$H1" || hard_error "haproxy does not listen: $(cat "$WORK/backend-haproxy.log")"

# A client from 127.0.0.2: tlsfrontd logs it, with HAProxy as the peer,
# and passes it on to its backend.
out=$(timeout -k 5 "$(scale 60)" "$PYTHON" "$PP" client --port "$H1" \
    --source 127.0.0.2 --timeout "$(scale 20)" --sni www.example.com) ||
    fail "client through HAProxy: $out"
wait_grep " access conn=[0-9]+ client=127\\.0\\.0\\.2:[0-9]+ listen=127\\.0\\.0\\.1:$P4 .* peer=127\\.0\\.0\\.1:[0-9]+ .* end=closed" \
    "$DAEMON_LOG" || fail "no access line with HAProxy's client: $(access_lines "listen=127.0.0.1:$P4")"
line=$(access_lines "client=127\\.0\\.0\\.2:.* listen=127\\.0\\.0\\.1:$P4 " | head -n 1)
sport=$(field "$line" client | sed 's/.*://')
wait_grep "\"raw\": \"PROXY TCP4 127\\.0\\.0\\.2 127\\.0\\.0\\.1 $sport $H1\"" \
    "$WORK/pp.log" || fail "the backend did not get HAProxy's client: $(cat "$WORK/pp.log")"
log "through HAProxy: $line"

# HAProxy's health checks: the LOCAL command, the balancer's own address,
# no PROXY protocol complaint.
wait_grep " access conn=[0-9]+ client=127\\.0\\.0\\.1:[0-9]+ listen=127\\.0\\.0\\.1:$P4 " \
    "$DAEMON_LOG" || fail "no health check reached tlsfrontd"
access_lines "listen=127\\.0\\.0\\.1:$P4 " | grep -q 'PROXY' &&
    fail "a health check was refused: $(access_lines "listen=127.0.0.1:$P4")"
grep -E 'PROXY|accept_proxy' "$DAEMON_LOG" | grep -v ' access ' | grep -q . &&
    fail "PROXY protocol warnings: $(grep -E 'PROXY|accept_proxy' "$DAEMON_LOG")"
log "health check: $(access_lines "client=127\\.0\\.0\\.1:.* listen=127\\.0\\.0\\.1:$P4 " | head -n 1)"

check_daemon_log
stop_tlsfront
