#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Access log: JSON lines parse and carry SNI, ALPN, protocol, cipher, the
# verified client certificate's subject, issuer, serial and fingerprint,
# and bytes; a hostile SNI stays on one line in both formats; floods of
# handshake errors and of backend connect failures are rate limited, and
# every suppressed line is counted in a summary line.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl
make_certs
start_backend echo
DEAD=$(free_port)	# nothing listens here
P1=$(free_port)
P2=$(free_port)

# conf FILE FORMAT [ALPN-LINE]: listener P1 -> echo, P2 -> a dead backend.
conf() {
	cat >"$1" <<EOF2
daemon = {
  workers = 1;
  timeouts = { handshake = 10; connect = 5; idle = 300; drain = 30; };
  log = { level = "info"; access = "$2"; };
};
contexts = {
  default = {
    cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } );
    verify_mode = "CERT_OPTIONAL";
    verify_locations = { cafile = "certs/ca.pem"; };
    ${3:-}
  };
};
listeners = (
$(listener "$P1" echo),
$(listener "$P2" dead)
);
backends = {
  echo = { servers = [ "127.0.0.1:$BACKEND_PORT" ]; };
  dead = { servers = [ "127.0.0.1:$DEAD" ]; };
};
EOF2
}

# ALPN needs the context key alpn_protocols; without it, alpn is "-".
ALPN_LINE='alpn_protocols = [ "h2", "http/1.1" ];'
conf probe.conf json "$ALPN_LINE"
if "$TF_DAEMON" -t -c probe.conf >probe.out 2>&1; then
	WANT_ALPN=h2
else
	log "alpn_protocols not accepted yet; expecting alpn \"-\":" \
	    "$(cat probe.out)"
	ALPN_LINE=
	WANT_ALPN=-
fi

# ---- JSON format -------------------------------------------------------
conf json.conf json "$ALPN_LINE"
"$TF_DAEMON" -t -c json.conf >t.out 2>&1 ||
    { cat t.out >&2; fail "json.conf refused"; }
start_tlsfront json.conf

# A Python client with SNI localhost, ALPN h2 and a client certificate.
"$PYTHON" - "$P1" "$CAFILE" certs/client.pem certs/client.key <<'PY' ||
import socket, ssl, sys
port, ca, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
ctx.set_alpn_protocols(["h2", "http/1.1"])
ctx.load_cert_chain(cert, key)
with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        s.sendall(b"hello\n")
        got = b""
        while len(got) < 6:
            d = s.recv(64)
            if not d:
                break
            got += d
        assert got == b"hello\n", got
        s.unwrap()
PY
    fail "python client with ALPN and client certificate failed"

# One JSON access line per connection, on the line after the log prefix.
json_lines() {
	sed -n 's/^[^{]* info: \({"conn":.*\)$/\1/p' "$DAEMON_LOG"
}
wait_grep "\"listen\":\"127.0.0.1:$P1\".*\"end\":\"closed\"" "$DAEMON_LOG" ||
    fail "no JSON access line for the python client"
json_lines >json1.txt
# The client certificate as openssl prints it: serial, SHA-256 fingerprint.
CLIENT_SERIAL=$(openssl x509 -in certs/client.pem -noout -serial |
    sed 's/^serial=//')
CLIENT_FP=$(openssl x509 -in certs/client.pem -noout -fingerprint -sha256 |
    sed 's/^.*Fingerprint=//')
"$PYTHON" - json1.txt "$P1" "$WANT_ALPN" "$CLIENT_SERIAL" "$CLIENT_FP" \
    <<'PY' || fail "JSON access line wrong"
import json, sys
path, port, want_alpn = sys.argv[1], sys.argv[2], sys.argv[3]
serial, fingerprint = sys.argv[4], sys.argv[5]
objs = [json.loads(l) for l in open(path, encoding="ascii")]
ok = [o for o in objs if o["listen"] == "127.0.0.1:" + port
      and o["end"] == "closed"]
assert len(ok) == 1, objs
o = ok[0]
want = {"sni": "localhost", "alpn": want_alpn, "proto": "TLSv1.3",
        "bytes_in": 6, "bytes_out": 6, "backend": "echo",
        "client_subject": "CN=tlsfront test client", "detail": "",
        "client_issuer": "CN=tlsfront test CA", "client_serial": serial,
        "client_fingerprint": fingerprint}
for k, v in want.items():
    assert o[k] == v, (k, o[k], v)
assert o["cipher"].startswith("TLS_"), o
assert o["client"].startswith("127.0.0.1:"), o
assert isinstance(o["conn"], int) and isinstance(o["hs_ms"], int), o
assert 0 <= o["hs_ms"] <= o["duration_ms"], o
keys = list(o)
assert keys == ["conn", "client", "listen", "backend", "server", "proto",
                "cipher", "sni", "alpn", "client_subject", "hs_ms",
                "duration_ms", "bytes_in", "bytes_out", "end", "detail",
                "client_issuer", "client_serial", "client_fingerprint"], keys
print("json access line ok:", json.dumps(o))
PY

# A hostile SNI (quote, backslash, newline, tab, a byte >= 0x80) from
# openssl s_client: still one line, valid JSON, the name intact.
HOSTILE=$(printf 'a"b\\c\nd\te\351f')
s_client_sni() {
	printf 'x\n' | timeout -k 5 $(scale 20) openssl s_client -quiet \
	    -no_ign_eof -connect "127.0.0.1:$1" -servername "$HOSTILE" \
	    >s_client.out 2>&1 || true
}
s_client_sni "$P1"
wait_count '"conn":' "$DAEMON_LOG" 2 || fail "no access line for s_client"
json_lines >json2.txt
[ "$(wc -l <json2.txt)" -eq 2 ] || fail "expected 2 JSON access lines"
"$PYTHON" - json2.txt "$DAEMON_LOG" <<'PY' ||
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="ascii")]
sni = objs[1]["sni"]
assert sni == 'a"b\\c\nd\te\u00e9f', repr(sni)
# No line of the log starts with the part after the newline.
for l in open(sys.argv[2], encoding="ascii", errors="replace"):
    assert not l.startswith("d\te"), l
print("hostile sni logged as", json.dumps(sni))
PY
    fail "hostile SNI broke the JSON line"
stop_tlsfront

# ---- text format, and the floods ----------------------------------------
: >"$DAEMON_LOG"
conf text.conf text "$ALPN_LINE"
start_tlsfront text.conf
s_client_sni "$P1"
wait_count ' access conn=' "$DAEMON_LOG" 1 || fail "no text access line"
line=$(access_lines "listen=127.0.0.1:$P1")
[ "$(access_lines . | wc -l)" -eq 1 ] || fail "expected one text access line"
case $line in
*' sni="a\"b\\c\u000ad\u0009e\u00e9f" '*) ;;
*) fail "text line does not quote the hostile SNI: $line" ;;
esac
grep -q '^d	e' "$DAEMON_LOG" && fail "hostile SNI split the text line"
log "text line: $line"

# 500 garbage connections: at most 10 handshake_error lines per second,
# and the lines plus the summaries' counts add up to every connection.
N0=$(access_lines 'end=handshake_error' | wc -l)
secs=$("$PYTHON" - "$P1" <<'PY'
import socket, sys, time
t0 = time.monotonic()
for i in range(500):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
    try:
        s.sendall(b"\x00garbage, not TLS\xff" * 8)
        while s.recv(4096):
            pass
    except (ConnectionResetError, BrokenPipeError):
        pass
    s.close()
print(int(time.monotonic() - t0) + 1)
PY
) || fail "flood client failed"
log "500 garbage connections in under $secs s"

# total KIND-PATTERN SUMMARY-NAME: logged lines plus suppressed counts.
total() {
	_l=$(grep -Ec -- "$1" "$DAEMON_LOG")
	_s=$(sed -n "s/.*: suppressed \([0-9]*\) $2 lines in the last [0-9]*\.[0-9] s\$/\1/p" \
	    "$DAEMON_LOG" | awk '{ s += $1 } END { print s + 0 }')
	echo $((_l + _s))
}
# wait_total KIND-PATTERN SUMMARY-NAME N: until the sum reaches N (the last
# summary comes at the end of its one-second window).
wait_total() {
	_n=$(( $(scale 10) * 10 ))
	while [ "$(total "$1" "$2")" -lt "$3" ] && [ $_n -gt 0 ]; do
		_n=$((_n - 1))
		sleep 0.1
	done
	[ "$(total "$1" "$2")" -eq "$3" ] ||
	    fail "$2: lines + suppressed = $(total "$1" "$2"), expected $3"
}
wait_total 'end=handshake_error' 'handshake_error access' $((500 + N0))
lines=$(grep -c 'end=handshake_error' "$DAEMON_LOG")
summaries=$(grep -c 'suppressed [0-9]* handshake_error access lines' \
    "$DAEMON_LOG")
log "handshake_error: $lines lines, $summaries summary lines"
[ "$lines" -le $((10 * (secs + 1))) ] ||
    fail "$lines handshake_error lines for a flood of $secs s (limit 10/s)"
[ "$summaries" -ge 1 ] && [ "$summaries" -le $((secs + 1)) ] ||
    fail "$summaries summary lines for a flood of $secs s"

# 100 TLS clients to a dead backend: backend warnings and connect_failed
# lines are limited the same way.
secs=$("$PYTHON" - "$P2" "$CAFILE" <<'PY'
import socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2])
t0 = time.monotonic()
for i in range(100):
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])),
                                  timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            try:
                while s.recv(4096):
                    pass
            except (ssl.SSLError, OSError):
                pass
print(int(time.monotonic() - t0) + 1)
PY
) || fail "dead-backend client failed"
log "100 connections to a dead backend in under $secs s"
wait_total 'end=connect_failed' 'connect_failed access' 100
wait_total "backend dead: server 127.0.0.1:$DEAD: " 'backend connect warning' 100
for p in 'end=connect_failed' "backend dead: server 127.0.0.1:$DEAD: "; do
	n=$(grep -c -- "$p" "$DAEMON_LOG")
	[ "$n" -le $((10 * (secs + 1))) ] ||
	    fail "$n lines matching '$p' in $secs s (limit 10/s)"
done

# The daemon still serves, and exits cleanly.
out=$(client request --port "$P1" --cafile "$CAFILE" --data 'still here\n' \
    --expect-echo) || fail "good client failed after the floods"
[ "$out" = "still here" ] || fail "got '$out'"
stop_tlsfront
exit 0
