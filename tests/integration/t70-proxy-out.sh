#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# PROXY protocol to backends (issue 12, item 5): backends.NAME.proxy_protocol
# = "v1" | "v2" and proxy_protocol_tlvs. The backend is
# tests/helpers/pphelper.py, whose parser is its own (not lib/proxyproto.c):
# it logs every field and TLV it received as JSON, then echoes.
. "$TF_SRCDIR/tests/integration/lib.sh"

PP=$TF_SRCDIR/tests/helpers/pphelper.py
make_certs

# The backend that parses headers.
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
P5=$(free_port)
P6=$(free_port)
P7=$(free_port)
write_conf_ctx tlsfront.conf "  mtls = { $CERT_RSA
    verify_mode = \"CERT_OPTIONAL\";
    verify_locations = { cafile = \"certs/ca.pem\"; };
    alpn_protocols = [ \"h2\", \"http/1.1\" ]; };
  ec = { cert_chain = ( { certfile = \"certs/ecdsa.pem\"; keyfile = \"certs/ecdsa.key\"; } ); };" \
    "$(ctx_listener "$P1" mtls v2)
$(ctx_listener "$P2" mtls v1)
$(ctx_listener "$P3" mtls v2auth)
$(ctx_listener "$P4" mtls v2none)
$(ctx_listener "$P5" ec v2)
  { listen = \"127.0.0.1:$P6\"; context = \"mtls\"; backend = \"v2none\";
    routes = ( { names = [ \"v1.example.com\" ]; backend = \"v1\"; } ); },
  { listen = \"127.0.0.1:$P7\"; context = \"mtls\"; backend = \"v2\";
    routes = ( { names = [ \"pass.example.com\" ]; backend = \"v2\";
      passthrough = true; } ); }," \
    "  v2 = { servers = [ \"127.0.0.1:$B\" ]; proxy_protocol = \"v2\"; };
  v1 = { servers = [ \"127.0.0.1:$B\" ]; proxy_protocol = \"v1\"; };
  v2auth = { servers = [ \"127.0.0.1:$B\" ]; proxy_protocol = \"v2\";
    proxy_protocol_tlvs = [ \"authority\" ]; };
  v2none = { servers = [ \"127.0.0.1:$B\" ]; proxy_protocol = \"v2\";
    proxy_protocol_tlvs = [ ]; };"
start_tlsfront tlsfront.conf

N=0
# run PORT CLIENT-ARGS...: one connection through tlsfrontd; sets OUT (the
# client's output), HDR (the backend's JSON line for it), LINE (its access
# line).
run() {
	_port=$1
	shift
	N=$((N + 1))
	OUT=$(timeout -k 5 "$(scale 60)" "$PYTHON" "$PP" client --port "$_port" \
	    --timeout "$(scale 20)" "$@") || fail "client $N ($*): $OUT"
	echo "$OUT" | grep -qx 'echo ok' || fail "client $N: $OUT"
	wait_count . "$WORK/pp.log" "$N" || fail "backend logged no header $N"
	HDR=$(sed -n "${N}p" "$WORK/pp.log")
	wait_count ' access conn=' "$DAEMON_LOG" "$N" ||
	    fail "no access line for connection $N"
	LINE=$(access_lines | sed -n "${N}p")
	log "header $N: $HDR"
}

# hv KEY: the value of KEY (a dotted path) in HDR; "null" if absent.
hv() {
	echo "$HDR" | "$PYTHON" -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("null" if v is None else v if not isinstance(v, list) else ",".join(v))' "$1"
}

# expect KEY VALUE
expect() {
	_got=$(hv "$1")
	[ "$_got" = "$2" ] || fail "header $N: $1 is '$_got', expected '$2': $HDR"
}

# 1. v2, every TLV: client certificate, SNI, ALPN, TLS 1.3.
run "$P1" --sni www.example.com --alpn "http/1.1" --tls13 \
    --cert certs/client.pem --key certs/client.key
cipher=$(echo "$OUT" | sed -n 's/.*cipher=\([^ ]*\).*/\1/p')
expect version 2
expect ver 2
expect command 1
expect fam 17
expect src 127.0.0.1
expect dst 127.0.0.1
expect dport "$P1"
[ "$(hv sport)" -gt 0 ] || fail "no source port: $HDR"
expect alpn http/1.1
expect authority www.example.com
expect unique_id "$(field "$LINE" conn)"
expect tlv_order alpn,authority,unique_id,ssl
expect ssl.client 7
expect ssl.verify 0
expect ssl.version TLSv1.3
expect ssl.cn "tlsfront test client"
expect ssl.cipher "$cipher"
expect ssl.sig_alg RSA-SHA256
expect ssl.key_alg RSA2048
expect ssl.order version,cn,cipher,sig_alg,key_alg
# The client's source port is the one the access log shows.
[ "$(field "$LINE" client)" = "127.0.0.1:$(hv sport)" ] ||
    fail "access line client $(field "$LINE" client), header port $(hv sport)"
echo "$LINE" | grep -q ' peer=' && fail "peer= without a PROXY header: $LINE"

# 2. v2 without certificate, SNI or ALPN: those TLVs are left out, and
# verify is non-zero (no certificate was verified).
run "$P1"
expect alpn null
expect authority null
expect tlv_order unique_id,ssl
expect ssl.client 1
expect ssl.verify 1
expect ssl.cn null
expect ssl.version TLSv1.3
expect unique_id "$(field "$LINE" conn)"

# 3. v1: the text line.
run "$P2" --sni www.example.com
expect version 1
expect proto TCP4
expect src 127.0.0.1
expect dst 127.0.0.1
expect dport "$P2"
expect raw "PROXY TCP4 127.0.0.1 127.0.0.1 $(hv sport) $P2"

# 4. proxy_protocol_tlvs = [ "authority" ]: that group only.
run "$P3" --sni api.example.com --alpn h2 --cert certs/client.pem \
    --key certs/client.key
expect tlv_order authority
expect authority api.example.com
expect ssl null

# 5. proxy_protocol_tlvs = [ ]: addresses only.
run "$P4" --sni api.example.com --alpn h2
expect tlv_order ""
expect len 12

# 6. An ECDSA certificate: the key algorithm as HAProxy names it.
run "$P5"
expect ssl.key_alg EC256
expect ssl.sig_alg RSA-SHA256

# 7. A resumed TLS 1.3 session: the client certificate came with the
# session, not on this connection (PP2_CLIENT_CERT_SESS without _CONN).
OUT=$(timeout -k 5 "$(scale 60)" "$PYTHON" "$PP" client --port "$P1" \
    --timeout "$(scale 20)" --tls13 --resume --cert certs/client.pem \
    --key certs/client.key) || fail "resumption: $OUT"
echo "$OUT" | grep -q 'reused=True' || fail "not resumed: $OUT"
N=$((N + 1))
wait_count . "$WORK/pp.log" "$N" || fail "no header $N"
HDR=$(sed -n "${N}p" "$WORK/pp.log")
expect ssl.client 7
N=$((N + 1))
wait_count . "$WORK/pp.log" "$N" || fail "no header $N"
HDR=$(sed -n "${N}p" "$WORK/pp.log")
log "header $N (resumed): $HDR"
expect ssl.client 5
expect ssl.verify 0
expect ssl.cn "tlsfront test client"

# 8. A route's backend (listeners[].routes) decides the header, not the
# listener's.
run "$P6" --sni v1.example.com
expect version 1
expect dport "$P6"
run "$P6" --sni other.example.com
expect version 2
expect tlv_order ""
expect next "$(printf 'hello' | od -An -tx1 -N1 | tr -d ' ')"

# 9. A connection passed through (a passthrough route): the header comes
# first, then the client's ClientHello untouched; no TLS facts (tlsfrontd
# did not end that TLS), the unique id only.
OUT=$(timeout -k 5 "$(scale 60)" "$PYTHON" "$PP" client --port "$P7" \
    --timeout "$(scale 10)" --sni pass.example.com) &&
    fail "a passed-through TLS was answered by the echo backend: $OUT"
N=$((N + 1))
wait_count . "$WORK/pp.log" "$N" || fail "no header $N"
HDR=$(sed -n "${N}p" "$WORK/pp.log")
log "header $N (passed through): $HDR"
expect version 2
expect dport "$P7"
expect next 16
expect tlv_order unique_id

check_daemon_log
stop_tlsfront
