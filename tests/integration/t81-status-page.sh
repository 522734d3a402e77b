#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# The admin endpoint's /status page (issue 14, item 3) as headless
# Chromium renders it; its DOM (--dump-dom) is read with python3's
# html.parser (tests/helpers/statusdom.py), never grepped:
# - the page of a synthetic view (tests/helpers/status_render): a subject
#   holding <script>&" arrives as text, no script element exists, no
#   resource is fetched; expiring/expired certificates, down servers and
#   listeners not counted carry their classes;
# - the daemon's own page (daemon.admin, GET /status) after the test made
#   its connections: one listener row per listener with the open and
#   accepted connections, handshakes and failures the test caused; the
#   certificates' subjects as openssl prints them (RFC 2253, one with
#   <&>" in it); a certificate made to expire in 10 days is "expiring"
#   with the days left computed from its notAfter, the other is not; a
#   backend server nothing listens on is down (health checks), the live
#   one up; each context's session_stats() count the test's clients
#   only (not the -t warnings' probe handshakes, which every worker
#   inherited from the master's context before lib/handshake.c noted them).
# A screenshot of each is written to tests/screenshots/ in the build
# directory (their paths are in the log) and must be a real PNG.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool chromium od
STATUSDOM=$TF_SRCDIR/tests/helpers/statusdom.py
STATUS_RENDER=$TF_BUILDDIR/tests/helpers/status_render
SHOTS=$TF_BUILDDIR/tests/screenshots
[ -x "$STATUS_RENDER" ] || hard_error "not built: $STATUS_RENDER"
mkdir -p "$SHOTS" || hard_error "cannot make $SHOTS"

# chrome ARGS... URL: headless Chromium with a profile of this test's own,
# nothing fetched in the background, bounded by timeout(1). Root needs
# --no-sandbox.
chrome() {
	timeout -k 5 $(scale 60) chromium --headless --no-sandbox \
	    --disable-gpu --disable-dev-shm-usage \
	    --user-data-dir="$WORK/chromium" --no-first-run \
	    --no-default-browser-check --disable-extensions \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --disable-domain-reliability \
	    --hide-scrollbars "$@" 2>>"$WORK/chromium.log"
}

# render URL DOMFILE PNG: Chromium renders URL once, dumping the DOM and
# taking a 1280x1600 screenshot; the DOM must not be empty, the screenshot
# must be a PNG of more than 10 kB (a blank page is about 5 kB).
render() {
	rm -f "$3"
	chrome --dump-dom --screenshot="$3" --window-size=1280,1600 "$1" \
	    >"$2" || {
		tail -n 20 "$WORK/chromium.log" >&2
		fail "chromium failed to render $1"
	}
	[ -s "$2" ] || fail "chromium dumped an empty DOM for $1"
	[ -s "$3" ] || fail "no screenshot written to $3"
	_size=$(wc -c <"$3")
	[ "$_size" -gt 10240 ] ||
	    fail "screenshot $3 is $_size bytes: a blank page?"
	_magic=$(od -An -tx1 -N8 "$3" | tr -d ' \n')
	[ "$_magic" = 89504e470d0a1a0a ] ||
	    fail "screenshot $3 is not a PNG (starts $_magic)"
	log "screenshot: $3 ($_size bytes)"
}

# statusdom DOMFILE ARGS...: the checks of tests/helpers/statusdom.py.
statusdom() {
	_dom=$1
	shift
	"$PYTHON" "$STATUSDOM" "$_dom" "$@" >"$_dom.checks" 2>&1
	_rc=$?
	cat "$_dom.checks" >&2
	[ $_rc -eq 0 ] || fail "the DOM of the status page is not as expected"
}

# Part 1: the synthetic view (tests/unit/status_fixture.c).
HOSTILE='CN=<script>alert(1)</script>&",O=Soon'
"$STATUS_RENDER" >"$WORK/synthetic.html" ||
    fail "status_render failed"
render "file://$WORK/synthetic.html" "$WORK/synthetic.dom" \
    "$SHOTS/t81-synthetic.png"
statusdom "$WORK/synthetic.dom" \
    --rows listeners=3 --rows certificates=3 --rows backends=2 \
    --rows contexts=2 --rows limits=6 \
    --expect 'listeners|data-listener=127.0.0.1:8443|state@class|up' \
    --expect 'listeners|data-listener=127.0.0.1:8443|open|3' \
    --expect 'listeners|data-listener=127.0.0.1:8443|accepted|1234567' \
    --expect 'listeners|data-listener=0.0.0.0:9443|state@class|down' \
    --expect 'listeners|data-listener=0.0.0.0:9443|text|~not counted' \
    --expect 'certificates|data-file=/etc/tlsfront/soon.pem|class|expiring' \
    --expect 'certificates|data-file=/etc/tlsfront/soon.pem|cell.days|10' \
    --expect "certificates|data-file=/etc/tlsfront/soon.pem|subject|$HOSTILE" \
    --expect 'certificates|data-file=/etc/tlsfront/site.pem|class|' \
    --expect 'certificates|data-file=/etc/tlsfront/site.pem|cell.days|400' \
    --expect 'certificates|data-file=/etc/tlsfront/old".pem|class|expired' \
    --expect 'contexts|data-context=legacy<&>|text|~not counted' \
    --expect 'backends|data-server=unix:/run/app.sock|state@class|down' \
    --expect 'backends|data-server=unix:/run/app.sock|connect_failures|17' \
    --expect 'limits|data-limit=per_address_rate|setting|off'

# Part 2: the daemon's own page.
require_tool openssl curl
make_certs
# A certificate that expires in 10 days, with characters HTML escapes.
(umask 077 && openssl req -x509 -newkey ec \
    -pkeyopt ec_paramgen_curve:P-256 -nodes -days 10 \
    -keyout "$WORK/certs/soon.key" -out "$WORK/certs/soon.pem" \
    -subj '/CN=soon.t81.test/O=t81 <&> "expiring"' \
    -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
    >"$WORK/soon.log" 2>&1) || hard_error "openssl req failed"
# subject_of PEM: as RFC 2253 writes it (the page's form).
subject_of() {
	openssl x509 -in "$1" -noout -subject -nameopt RFC2253 |
	    sed 's/^subject=//'
}
# enddate_of PEM: notAfter in seconds since the epoch.
enddate_of() {
	date -u -d "$(openssl x509 -in "$1" -noout -enddate |
	    sed 's/^notAfter=//')" +%s
}
# days_left END NOW: whole days, rounded down.
days_left() {
	echo $(( ($1 - $2) / 86400 ))
}
SOON_SUBJECT=$(subject_of "$WORK/certs/soon.pem")
RSA_SUBJECT=$(subject_of "$WORK/certs/rsa.pem")
SOON_END=$(enddate_of "$WORK/certs/soon.pem")
RSA_END=$(enddate_of "$WORK/certs/rsa.pem")
log "soon.pem: $SOON_SUBJECT, notAfter $SOON_END"

start_backend echo
P1=$(free_port); P2=$(free_port); P3=$(free_port)
ADMIN=$(free_port)
DEAD=$(free_port)	# nothing listens here
cat >"$WORK/t81.conf" <<EOF
daemon = {
  workers = 2;
  admin = { listen = "127.0.0.1:$ADMIN"; };
  timeouts = { handshake = 5; connect = 2; idle = 60; drain = 5; };
  log = { level = "info"; access = "text"; };
};
contexts = {
  default = { $CERT_RSA };
  soon = { cert_chain = ( { certfile = "certs/soon.pem";
                            keyfile = "certs/soon.key"; } ); };
};
listeners = (
  { listen = "127.0.0.1:$P1"; context = "default"; backend = "app"; },
  { listen = "127.0.0.1:$P2"; context = "soon"; backend = "app"; },
  { listen = "127.0.0.1:$P3"; context = "default"; backend = "gone"; }
);
backends = {
  app = { servers = [ "127.0.0.1:$BACKEND_PORT" ]; };
  gone = { servers = [ "127.0.0.1:$DEAD" ];
           health_check = { interval = 0.5; timeout = 0.5; }; };
};
EOF
start_tlsfront "$WORK/t81.conf"
wait_port "$ADMIN" || fail "the admin endpoint does not listen on $ADMIN"
wait_grep "server 127.0.0.1:$DEAD is down" "$DAEMON_LOG" ||
    fail "the dead server was never found down"

# N1 requests on P1, N2 on P2 and one client there that does not speak
# TLS; then HELD TLS connections left open on P1.
N1=4; N2=3; HELD=2
i=0
while [ $i -lt $N1 ]; do
	client request --port "$P1" --cafile "$CAFILE" --data 'p1\n' \
	    --expect-echo >/dev/null || fail "request $i on P1 failed"
	i=$((i + 1))
done
i=0
while [ $i -lt $N2 ]; do
	client request --port "$P2" --cafile "$WORK/certs/soon.pem" \
	    --data 'p2\n' --expect-echo >/dev/null ||
	    fail "request $i on P2 failed"
	i=$((i + 1))
done
garbage_clients "$P2" 1
"$PYTHON" - "$P1" "$CAFILE" "$HELD" "$WORK/held.ready" "$WORK/held.stop" \
    <<'PY' &
import os, socket, ssl, sys, time
port, cafile, n, ready, stop = (int(sys.argv[1]), sys.argv[2],
                                int(sys.argv[3]), sys.argv[4], sys.argv[5])
ctx = ssl.create_default_context(cafile=cafile)
held = []
for _ in range(n):
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port),
                                                 timeout=10),
                        server_hostname="localhost")
    s.sendall(b"held\n")
    s.recv(100)
    held.append(s)
with open(ready + ".tmp", "w") as f:
    f.write("%d\n" % len(held))
os.rename(ready + ".tmp", ready)
deadline = time.monotonic() + 60
while not os.path.exists(stop) and time.monotonic() < deadline:
    time.sleep(0.05)
for s in held:
    s.close()
PY
track $!
wait_file "$WORK/held.ready" 15 || fail "the held connections did not open"

# The admin process sees the workers' counters within its refresh: wait
# (bounded) until the page says so, then read what Chromium renders.
URL=http://127.0.0.1:$ADMIN/status
n=0
until curl -fsS --max-time 5 "$URL" >"$WORK/status.raw" \
    2>>"$WORK/curl.log" &&
    "$PYTHON" "$STATUSDOM" "$WORK/status.raw" \
    --expect "listeners|data-listener=127.0.0.1:$P1|open|$HELD" \
    --expect "listeners|data-listener=127.0.0.1:$P2|failures|1" \
    --expect "contexts|data-context=soon|accept|$((N2 + 1))" \
    >"$WORK/status.raw.checks" 2>&1; do
	n=$((n + 1))
	if [ $n -ge $(( $(scale 10) * 5 )) ]; then
		cat "$WORK/status.raw.checks" "$WORK/curl.log" >&2
		fail "/status never showed the test's connections"
	fi
	sleep 0.2
done
before=$(date +%s)
render "$URL" "$WORK/status.dom" "$SHOTS/t81-status.png"
after=$(date +%s)
# Days left as of the moment the page was made, between before and after.
SOON_DAYS=$(days_left "$SOON_END" "$after")
[ "$SOON_DAYS" = "$(days_left "$SOON_END" "$before")" ] ||
    hard_error "a day boundary of soon.pem passed while rendering: run again"
[ "$SOON_DAYS" -lt 30 ] || hard_error "soon.pem has $SOON_DAYS days left"
RSA_DAYS=$(days_left "$RSA_END" "$after")
[ "$RSA_DAYS" -ge 30 ] || hard_error "rsa.pem has only $RSA_DAYS days left"
log "days left: soon.pem $SOON_DAYS, rsa.pem $RSA_DAYS"
L1="listeners|data-listener=127.0.0.1:$P1"
L2="listeners|data-listener=127.0.0.1:$P2"
L3="listeners|data-listener=127.0.0.1:$P3"
CS="certificates|data-context=soon"
CD="certificates|data-context=default"
statusdom "$WORK/status.dom" \
    --rows listeners=3 --rows certificates=2 --rows backends=2 \
    --rows contexts=2 --rows limits=6 \
    --expect "$L1|state@class|up" \
    --expect "$L1|open|$HELD" \
    --expect "$L1|accepted|$((N1 + HELD))" \
    --expect "$L1|handshakes|$((N1 + HELD))" \
    --expect "$L1|failures|0" \
    --expect "$L2|open|0" \
    --expect "$L2|accepted|$((N2 + 1))" \
    --expect "$L2|handshakes|$N2" \
    --expect "$L2|failures|1" \
    --expect "$L3|accepted|0" \
    --expect "$L3|text|~| default | gone |" \
    --expect "contexts|data-context=default|accept|$((N1 + HELD))" \
    --expect "contexts|data-context=default|accept_good|$((N1 + HELD))" \
    --expect "contexts|data-context=soon|accept|$((N2 + 1))" \
    --expect "contexts|data-context=soon|accept_good|$N2" \
    --expect "$CS|subject|$SOON_SUBJECT" \
    --expect "$CS|class|expiring" \
    --expect "$CS|cell.days|$SOON_DAYS" \
    --expect "$CS|text|~EC P-256" \
    --expect "$CD|subject|$RSA_SUBJECT" \
    --expect "$CD|class|" \
    --expect "$CD|cell.days|$RSA_DAYS" \
    --expect "backends|data-server=127.0.0.1:$DEAD|state@class|down" \
    --expect "backends|data-server=127.0.0.1:$DEAD|text|~gone |" \
    --expect "backends|data-server=127.0.0.1:$BACKEND_PORT|state@class|up"
touch "$WORK/held.stop"
stop_tlsfront

log "ok"
