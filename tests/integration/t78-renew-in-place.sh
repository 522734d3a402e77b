#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Certificates renewed in place (daemon.watch_files): the configuration
# names certbot's live/ links; a renewal writes new archive/ files and
# swaps the links, while a client loop runs against two workers. New
# handshakes get the new serial within a second, no connection fails, a
# connection held open across the swap goes on. A broken renewal (a key
# that does not match, a half-written certificate) is logged and ignored,
# the last good certificate keeps serving, and the next good one is
# picked up. Tickets issued before the renewal still resume. A
# Kubernetes secret's ..data swap is seen, and so is a linked directory
# swapped under the files. A changed session_ticket_keys
# file is used without SIGHUP.
# With watch_files = false nothing changes until SIGHUP.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
C=$WORK/certs
mkdir -p le/archive/site le/live/site
cat >ext.cnf <<'EOC'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
EOC

# issue N SERIAL: archive/site/{fullchainN,privkeyN}.pem, a P-256 leaf for
# localhost signed by the test CA with serial SERIAL (hex).
issue() {
	openssl ecparam -name prime256v1 -genkey -noout \
	    -out "le/archive/site/privkey$1.pem" 2>/dev/null &&
	openssl req -new -key "le/archive/site/privkey$1.pem" \
	    -subj /CN=localhost -out "le/archive/site/$1.csr" 2>/dev/null &&
	openssl x509 -req -in "le/archive/site/$1.csr" -CA "$C/ca.pem" \
	    -CAkey "$C/ca.key" -set_serial "0x$2" -days 30 -sha256 \
	    -extfile ext.cnf -out "le/archive/site/cert$1.pem" \
	    2>/dev/null || hard_error "cannot issue certificate $1"
	cat "le/archive/site/cert$1.pem" "$C/ca.pem" \
	    >"le/archive/site/fullchain$1.pem"
	chmod 600 "le/archive/site/privkey$1.pem"
}

# link NAME TARGET: point live/site/NAME at TARGET the way certbot does,
# by renaming a new link over the old one.
link() {
	ln -s "../../archive/site/$2" "le/live/site/$1.new" &&
	    mv -T "le/live/site/$1.new" "le/live/site/$1" ||
	    hard_error "cannot swap le/live/site/$1"
}

mono() {
	"$PYTHON" -c 'import time; print("%.6f" % time.monotonic())'
}

issue 1 a001
link fullchain.pem fullchain1.pem
link privkey.pem privkey1.pem

start_backend echo
P=$(free_port)
conf() {
	TF_WORKERS=2 TF_DAEMON_EXTRA=$1 write_conf tlsfront.conf \
	    "$(listener "$P" app)" \
	    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
	sed -i 's|certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key";|certfile = "le/live/site/fullchain.pem"; keyfile = "le/live/site/privkey.pem";|' \
	    tlsfront.conf
	grep -q le/live/site/fullchain.pem tlsfront.conf ||
	    hard_error "the config does not name the live links"
}
conf ""
start_tlsfront tlsfront.conf

# serial_now: the serial a new connection gets.
serial_now() {
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$P" \
	    -servername localhost 2>/dev/null |
	    openssl x509 -noout -serial 2>/dev/null | sed 's/serial=//' |
	    tr 'A-F' 'a-f' | sed 's/^0*//'
}
[ "$(serial_now)" = a001 ] || fail "not serving serial a001 at start"

# sclient12 [SESS_IN]: a TLS 1.2 connection saving its session into
# s.pem; prints Reused or New.
sclient12() {
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$P" \
	    -servername localhost -tls1_2 ${1:+-sess_in "$1"} -sess_out s.pem \
	    2>/dev/null | sed -n 's/^\(Reused\|New\), .*/\1/p' | head -n 1
}
[ "$(sclient12)" = New ] || fail "no TLS 1.2 session at start"
cp s.pem before.pem

# 1. A renewal under a client loop.
"$PYTHON" "$TF_SRCDIR/tests/helpers/certloop.py" --port "$P" \
    --cafile "$CAFILE" --seconds "$(scale 4)" >loop.out 2>loop.err &
LOOP=$!
track $LOOP
wait_grep ' ok a001' loop.out || fail "the client loop does not run"
sleep 1
issue 2 a002
swapped=$(mono)
link fullchain.pem fullchain2.pem
link privkey.pem privkey2.pem
wait $LOOP || fail "the client loop failed: $(cat loop.err)"
fails=$(grep -c ' FAIL ' loop.out)
total=$(grep -c ' ok \| FAIL ' loop.out)
first_new=$(awk '$2 == "ok" && $3 == "a002" { print $1; exit }' loop.out)
[ -n "$first_new" ] || fail "serial a002 never served ($total connections)"
late=$(awk -v s="$swapped" '$2 == "ok" && $3 == "a001" && $1 > s + 0.05' \
    loop.out | wc -l)
took=$(awk -v a="$swapped" -v b="$first_new" \
    'BEGIN { printf "%.3f", b - a }')
log "renewal: $total connections, $fails failed, new serial after ${took} s," \
    "$late old-serial handshakes started after the swap"
[ "$fails" -eq 0 ] || fail "$fails of $total connections failed: $(grep FAIL loop.out | head -3)"
awk -v t="$took" 'BEGIN { exit !(t < 1.0) }' ||
    fail "the new serial came after ${took} s, not within 1 s"
grep -q '^held ok a001$' loop.out ||
    fail "the connection held across the swap: $(grep '^held' loop.out)"
# Both workers rebuilt, each once, naming the changed file.
n=$(grep -c 'context "default": rebuilt after .*le/live/site/.* changed' \
    "$DAEMON_LOG")
[ "$n" -eq 2 ] || fail "expected one rebuild line per worker, got $n"
# Every new handshake after the rebuild: a002 only.
for i in 1 2 3 4 5 6; do
	[ "$(serial_now)" = a002 ] || fail "an old certificate after the swap"
done
# The rebuilt context kept the random ticket keys both workers share.
for i in 1 2 3 4; do
	[ "$(sclient12 before.pem)" = Reused ] ||
	    fail "a ticket from before the renewal does not resume"
done

# 2. A broken renewal: the new certificate's key is not swapped in.
issue 3 a003
link fullchain.pem fullchain3.pem
wait_grep 'le/live/site/fullchain.pem changed, but the context cannot be rebuilt' \
    "$DAEMON_LOG" || fail "a mismatched key is not reported"
grep -q 'worker [01]: .*tlsfront.conf:[0-9]*: .*' "$DAEMON_LOG" ||
    fail "the reason has no file:line"
[ "$(serial_now)" = a002 ] || fail "a002 not kept after a broken renewal"
# ... then the key: now it builds.
link privkey.pem privkey3.pem
wait_count 'rebuilt after .* changed' "$DAEMON_LOG" 4 ||
    fail "the completed renewal was not picked up"
[ "$(serial_now)" = a003 ] || fail "a003 not served after the key came"

# 3. A half-written certificate (written in place, cut short).
head -c 300 le/archive/site/fullchain3.pem >half.pem
cat half.pem >le/archive/site/fullchain3.pem
wait_count 'changed, but the context cannot be rebuilt' "$DAEMON_LOG" 4 ||
    fail "a truncated certificate is not reported by both workers"
[ "$(serial_now)" = a003 ] || fail "a003 not kept after a truncated file"
grep -q 'AddressSanitizer\|runtime error' "$DAEMON_LOG" &&
    fail "sanitizer report"
stop_tlsfront

# 4. A Kubernetes secret: sec/tls.crt -> ..data/tls.crt, and ..data is
# a link to a dated directory, swapped by renaming a new link over it.
# Neither sec/ (the file's directory) nor the dated one (where it
# resolves) sees that rename's event: sec/'s link does.
secret() { # DIR N: sec/DIR holds archive N's certificate and key
	mkdir -p "sec/$1"
	cp "le/archive/site/fullchain$2.pem" "sec/$1/tls.crt"
	cp "le/archive/site/privkey$2.pem" "sec/$1/tls.key"
	ln -s "$1" sec/..data.new && mv -T sec/..data.new sec/..data ||
	    hard_error "cannot swap sec/..data"
}
issue 7 a007
issue 8 a008
secret ..2026_1 7
ln -s ..data/tls.crt sec/tls.crt
ln -s ..data/tls.key sec/tls.key
sed 's|le/live/site/fullchain.pem|sec/tls.crt|; s|le/live/site/privkey.pem|sec/tls.key|' \
    tlsfront.conf >k8s.conf
: >"$DAEMON_LOG"
start_tlsfront k8s.conf
[ "$(serial_now)" = a007 ] || fail "not serving a007 from the secret"
secret ..2026_2 8
wait_count 'rebuilt after .*sec/tls' "$DAEMON_LOG" 2 ||
    fail "the secret's ..data swap was not picked up by both workers"
[ "$(serial_now)" = a008 ] || fail "a008 not served after the ..data swap"
stop_tlsfront
# ... and a linked directory named in the path (cur -> v1, then v2): the
# file's own directory is the link, which follows the old target.
mkdir -p v1 v2
cp le/archive/site/fullchain7.pem v1/tls.crt
cp le/archive/site/privkey7.pem v1/tls.key
cp le/archive/site/fullchain8.pem v2/tls.crt
cp le/archive/site/privkey8.pem v2/tls.key
ln -s v1 cur
sed 's|sec/tls|cur/tls|g' k8s.conf >dirlink.conf
: >"$DAEMON_LOG"
start_tlsfront dirlink.conf
[ "$(serial_now)" = a007 ] || fail "not serving a007 from cur/"
ln -s v2 cur.new && mv -T cur.new cur || hard_error "cannot swap cur"
wait_count 'rebuilt after .*cur/tls' "$DAEMON_LOG" 2 ||
    fail "the directory link's swap was not picked up by both workers"
[ "$(serial_now)" = a008 ] || fail "a008 not served after the cur swap"
stop_tlsfront

# 5. A session_ticket_keys file rotated without SIGHUP (doc/fleet.md):
# new tickets carry the new encrypting key, old ones still resume.
(umask 077 && { newkey; newkey; newkey; } >tk.key)
issue 4 a004
link fullchain.pem fullchain4.pem
link privkey.pem privkey4.pem
sed -i 's|keyfile = "le/live/site/privkey.pem"; } );|&\n    session_ticket_keys = "tk.key";|' \
    tlsfront.conf
grep -q 'session_ticket_keys = "tk.key"' tlsfront.conf ||
    hard_error "cannot add session_ticket_keys"
: >"$DAEMON_LOG"
start_tlsfront tlsfront.conf
[ "$(sclient12)" = New ] || fail "no TLS 1.2 session with tk.key"
cp s.pem old.pem
[ "$(ticketname old.pem)" = "$(keyname 2 tk.key)" ] ||
    fail "ticket key $(ticketname old.pem), expected line 2's"
newkey >>tk.key
wait_count 'rebuilt after .*tk.key changed' "$DAEMON_LOG" 2 ||
    fail "the rotated key file was not picked up by both workers"
for i in 1 2 3 4; do
	[ "$(sclient12)" = New ] || fail "no new session after the rotation"
	[ "$(ticketname s.pem)" = "$(keyname 3 tk.key)" ] ||
	    fail "new ticket key $(ticketname s.pem), expected line 3's"
	[ "$(sclient12 old.pem)" = Reused ] ||
	    fail "a ticket of the previous key does not resume"
done
stop_tlsfront

# 6. watch_files = false: nothing changes until SIGHUP.
issue 5 a005
link fullchain.pem fullchain5.pem
link privkey.pem privkey5.pem
conf "watch_files = false;"
: >"$DAEMON_LOG"
start_tlsfront tlsfront.conf
[ "$(serial_now)" = a005 ] || fail "not serving a005 at start"
issue 6 a006
link fullchain.pem fullchain6.pem
link privkey.pem privkey6.pem
sleep 1
[ "$(serial_now)" = a005 ] || fail "watch_files = false still rebuilt"
grep -q 'rebuilt after' "$DAEMON_LOG" && fail "a rebuild with watch_files off"
kill -HUP "$TLSFRONT_PID"
wait_grep 'notice: reloaded: ' "$DAEMON_LOG" || fail "SIGHUP did not reload"
[ "$(serial_now)" = a006 ] || fail "a006 not served after SIGHUP"
stop_tlsfront
