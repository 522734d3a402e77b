#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# A failed handshake's access line names the alert sent (a client offering
# no shared cipher: handshake_failure(40)) or received (a client refusing
# the certificate: unknown_ca(48)), in text and JSON. Logs journald
# understands: with JOURNAL_STREAM naming stderr, "<N>" priorities and no
# "tlsfrontd[pid]:" prefix; with log.target = "journal" (and by default
# under systemd) entries in journald's native protocol, read from the
# datagrams a socket of the test's receives at /run/systemd/journal/socket
# in a private mount namespace of the daemon (the host's /run is never
# touched): PRIORITY per line kind, TLSFRONT_* fields on access lines, the
# binary form for a value with a newline, one rate limit for all outputs.
# Then the same against a real systemd-journald run in namespaces of its
# own: journalctl TLSFRONT_END=handshake_error finds the failed handshake,
# and lines on its stream (systemd-cat) get their priorities.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl
require_tool stat
make_certs
start_backend echo
P=$(free_port)
DEAD=$(free_port)	# nothing listens here
P2=$(free_port)

# conf FILE FORMAT [LOG-EXTRA]: P -> echo, P2 -> a dead backend.
conf() {
	cat >"$1" <<EOF2
daemon = {
  workers = 1;
  log = { level = "info"; access = "$2"; ${3:-} };
};
contexts = {
  default = {
    cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } );
  };
};
listeners = (
$(listener "$P" echo),
$(listener "$P2" dead)
);
backends = {
  echo = { servers = [ "127.0.0.1:$BACKEND_PORT" ]; };
  dead = { servers = [ "127.0.0.1:$DEAD" ]; };
};
EOF2
}

# A TLS 1.2 client whose only cipher (RSA key exchange, SHA-1 MAC) the
# default suites leave out: the server sends handshake_failure.
no_shared_cipher() {
	printf '' | timeout -k 5 $(scale 20) openssl s_client \
	    -connect "127.0.0.1:$P" -tls1_2 -cipher AES128-SHA \
	    >s_client.out 2>&1 || true
}

# A client that does not trust the certificate (the system's CAs, not the
# test CA) and aborts the handshake with an unknown_ca alert.
refusing_client() {
	printf '' | timeout -k 5 $(scale 20) openssl s_client \
	    -connect "127.0.0.1:$P" -verify_return_error -CAfile "$1" \
	    >s_client.out 2>&1 || true
}

# Any certificate file that does not hold the test CA.
OTHER_CA=$WORK/other-ca.pem
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key \
    -subj "/CN=not the test CA" -days 2 -out "$OTHER_CA" >/dev/null 2>&1 ||
    hard_error "could not make another CA"

# ---- item: the alert in the access line, text and JSON -------------------
conf text.conf text
start_tlsfront text.conf
no_shared_cipher
refusing_client "$OTHER_CA"
wait_count ' end=handshake_error' "$DAEMON_LOG" 2 ||
    fail "no two handshake_error lines"
line=$(access_lines 'detail="no shared cipher"')
[ -n "$line" ] || fail "no line with detail=\"no shared cipher\""
[ "$(field "$line" alert_sent)" = "handshake_failure(40)" ] ||
    fail "no alert_sent=handshake_failure(40): $line"
echo "$line" | grep -q alert_received && fail "alert_received without one: $line"
line=$(access_lines 'alert_received=')
[ "$(field "$line" alert_received)" = "unknown_ca(48)" ] ||
    fail "no alert_received=unknown_ca(48): $line"
echo "$line" | grep -q 'end=handshake_error detail="[^"]*unknown ca"' ||
    fail "the reason of the refused certificate is not in detail: $line"
# A completed connection names no alert.
client request --port "$P" --cafile "$CAFILE" --data 'hi\n' --expect-echo \
    >/dev/null || fail "request failed"
wait_grep ' end=closed' "$DAEMON_LOG" || fail "no line for the request"
access_lines ' end=closed' | grep -q alert_ && fail "alert on a clean close"
stop_tlsfront

: >"$DAEMON_LOG"
conf json.conf json
start_tlsfront json.conf
no_shared_cipher
refusing_client "$OTHER_CA"
wait_count '"end":"handshake_error"' "$DAEMON_LOG" 2 ||
    fail "no two JSON handshake_error lines"
sed -n 's/^[^{]* info: \({"conn":.*\)$/\1/p' "$DAEMON_LOG" >json.txt
"$PYTHON" - json.txt <<'PY' || fail "JSON lines lack the alerts"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
sent = [o for o in objs if o["detail"] == "no shared cipher"]
assert len(sent) == 1 and sent[0]["alert_sent"] == "handshake_failure(40)", objs
assert "alert_received" not in sent[0], sent
recv = [o for o in objs if "alert_received" in o]
assert len(recv) == 1 and recv[0]["alert_received"] == "unknown_ca(48)", objs
assert list(recv[0])[-2:] == ["detail", "alert_received"], list(recv[0])
PY
stop_tlsfront

# ---- stderr connected to the journal: "<N>" priorities -------------------
: >"$DAEMON_LOG"
conf stderr.conf text 'target = "stderr";'
JOURNAL_STREAM=$(stat -L -c '%d:%i' "$DAEMON_LOG")
export JOURNAL_STREAM
start_tlsfront stderr.conf
unset JOURNAL_STREAM
no_shared_cipher
client expect-close --port "$P2" --cafile "$CAFILE" >/dev/null 2>&1 || true
wait_grep '^<6>access conn=.* end=connect_failed' "$DAEMON_LOG" ||
    fail "no <6> connect_failed access line"
stop_tlsfront
grep -q 'tlsfrontd\[' "$DAEMON_LOG" && fail "the ident[pid] prefix is still there"
grep -v '^<[0-7]>' "$DAEMON_LOG" | grep . &&
    fail "lines without a <N> priority on the journal's stream"
grep -q '^<6>access conn=.* end=handshake_error detail="no shared cipher" alert_sent=handshake_failure(40)$' \
    "$DAEMON_LOG" || fail "no <6> handshake_error access line"
grep -q '^<4>conn [0-9]*: backend dead: server ' "$DAEMON_LOG" ||
    fail "the backend warning is not at <4>"
grep -q '^<5>tlsfrontd .* starting' "$DAEMON_LOG" ||
    fail "the start notice is not at <5>"
grep -q '^<5>tlsfrontd stopped$' "$DAEMON_LOG" ||
    fail "the stop notice is not at <5>"
log "stderr to the journal: $(wc -l <"$DAEMON_LOG") lines, all with <N>"

# ---- journald's native protocol ----------------------------------------
if ! grep -q 'define HAVE_LIBSYSTEMD 1' "$TF_BUILDDIR/autoconf.h"; then
	# Without libsystemd the target is refused where it is named.
	conf nosd.conf text 'target = "journal";'
	"$TF_DAEMON" -t -c nosd.conf >t.out 2>&1 &&
	    fail "target journal accepted without libsystemd"
	grep -q 'nosd.conf:3: log target "journal" needs a build with libsystemd' \
	    t.out || fail "no file:line error: $(cat t.out)"
	skip "built without libsystemd: the native journal protocol is not there"
fi
unshare -m sh -c 'mount -t tmpfs tmpfs /mnt' 2>unshare.err ||
    skip "no private mount namespace here (unshare -m: $(cat unshare.err))"

# The receiver: one JSON object per datagram, decoded as journald does
# (KEY=VALUE lines; KEY, newline, 64-bit little-endian length, bytes).
mkdir journal
"$PYTHON" - "$WORK/journal/socket" "$WORK/journal.out" <<'PY' &
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(120)
def decode(b):
    d, i = {}, 0
    while i < len(b):
        nl = b.index(b"\n", i)
        eq = b.find(b"=", i, nl)
        if eq >= 0:
            k, v, i = b[i:eq], b[eq + 1:nl], nl + 1
        else:
            n = struct.unpack_from("<Q", b, nl + 1)[0]
            k, v = b[i:nl], b[nl + 9:nl + 9 + n]
            assert b[nl + 9 + n:nl + 10 + n] == b"\n", b
            i = nl + 10 + n
            d.setdefault("_binary", []).append(k.decode())
        d[k.decode()] = v.decode("latin-1")
    return d
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(json.dumps(decode(s.recv(1 << 20))) + "\n")
PY
track $!
n=100
until [ -S "$WORK/journal/socket" ]; do
	[ $n -gt 0 ] || hard_error "journal receiver did not start"
	n=$((n - 1))
	sleep 0.1
done

# The daemon in a mount namespace of its own where the receiver's
# directory is /run/systemd/journal (a tmpfs over /run there first, so
# the directory exists: nothing outside the namespace changes).
cat >nswrap.sh <<'EOF2'
#!/bin/sh
exec unshare -m sh -c 'mount -t tmpfs tmpfs /run &&
    mkdir -p /run/systemd/journal &&
    mount --bind "$0" /run/systemd/journal && exec "$@"' "$JDIR" "$@"
EOF2
chmod +x nswrap.sh
JDIR=$WORK/journal
export JDIR
SAVED_WRAPPER=${TF_WRAPPER:-}
TF_WRAPPER="$WORK/nswrap.sh${SAVED_WRAPPER:+ $SAVED_WRAPPER}"

: >"$DAEMON_LOG"
conf journal.conf text 'target = "journal";'
start_tlsfront journal.conf
client request --port "$P" --cafile "$CAFILE" --data 'hi\n' --expect-echo \
    >/dev/null || fail "request failed"
no_shared_cipher
# A name with a newline: the native protocol's binary form.
printf 'x\n' | timeout -k 5 $(scale 20) openssl s_client -quiet \
    -no_ign_eof -connect "127.0.0.1:$P" -servername "$(printf 'a\nb')" \
    >/dev/null 2>&1 || true
client expect-close --port "$P2" --cafile "$CAFILE" >/dev/null 2>&1 || true
wait_count 'TLSFRONT_END' journal.out 4 || fail "no 4 access entries"
# A flood of failed handshakes: 10 entries a second, then one summary.
garbage_clients "$P" 40 || fail "garbage client failed"
wait_grep 'suppressed [0-9]* handshake_error access lines' journal.out ||
    fail "no summary entry for the flood"
stop_tlsfront
TF_WRAPPER=$SAVED_WRAPPER
wait_grep '"MESSAGE": "tlsfrontd stopped"' journal.out ||
    fail "no stop entry"
grep -q . "$DAEMON_LOG" && fail "log lines on stderr with target journal: $(head -n 3 "$DAEMON_LOG")"

"$PYTHON" - journal.out "$P" <<'PY' || fail "journal entries wrong"
import json, sys
es = [json.loads(l) for l in open(sys.argv[1])]
port = sys.argv[2]
for e in es:
    assert e["SYSLOG_IDENTIFIER"] == "tlsfrontd", e
    assert not e["MESSAGE"].startswith("tlsfrontd["), e
    assert "CODE_FILE" not in e, e
def one(pred, what):
    m = [e for e in es if pred(e)]
    assert m, what
    return m
acc = [e for e in es if "TLSFRONT_END" in e]
for e in acc:
    assert e["PRIORITY"] == "6", e
    assert e["MESSAGE"].startswith("access conn=%s " % e["TLSFRONT_CONN_ID"]), e
ok = one(lambda e: e.get("TLSFRONT_END") == "closed" and
         e["TLSFRONT_SNI"] == "localhost", "no closed entry")[0]
assert ok["TLSFRONT_LISTEN"] == "127.0.0.1:" + port, ok
assert ok["TLSFRONT_PROTO"] == "TLSv1.3" and ok["TLSFRONT_BYTES_IN"] == "3", ok
assert ok["TLSFRONT_CLIENT"].startswith("127.0.0.1:"), ok
assert "TLSFRONT_ALERT_SENT" not in ok and "TLSFRONT_DETAIL" not in ok, ok
bad = one(lambda e: e.get("TLSFRONT_DETAIL") == "no shared cipher",
          "no failed-handshake entry")[0]
assert bad["TLSFRONT_END"] == "handshake_error", bad
assert bad["TLSFRONT_ALERT_SENT"] == "handshake_failure(40)", bad
assert bad["TLSFRONT_PROTO"] == "-" and bad["TLSFRONT_HS_MS"] == "-1", bad
nl = one(lambda e: e.get("TLSFRONT_SNI") == "a\nb", "no SNI with a newline")[0]
assert "TLSFRONT_SNI" in nl["_binary"], nl
assert "\n" not in nl["MESSAGE"], nl
one(lambda e: e.get("TLSFRONT_END") == "connect_failed", "no connect_failed")
one(lambda e: e["PRIORITY"] == "4" and " backend dead: server " in e["MESSAGE"],
    "the backend warning is not at priority 4")
one(lambda e: e["PRIORITY"] == "5" and e["MESSAGE"] == "tlsfrontd stopped",
    "the stop notice is not at priority 5")
# The rate limit: at most 10 handshake_error entries in the flood's first
# second (1 + 40 connections were made), the rest counted in a summary.
hs = [e for e in acc if e["TLSFRONT_END"] == "handshake_error"]
summ = one(lambda e: "handshake_error access lines" in e["MESSAGE"],
           "no summary")
assert all(e["PRIORITY"] == "6" for e in summ), summ
suppressed = sum(int(e["MESSAGE"].split()[1]) for e in summ)
assert len(hs) + suppressed == 41, (len(hs), suppressed)
assert suppressed > 0, suppressed
print("journal: %d entries, %d access, %d handshake_error + %d suppressed"
      % (len(es), len(acc), len(hs), suppressed))
PY

# ---- no target set, under systemd: the native protocol by default -------
: >journal.out
: >"$DAEMON_LOG"
conf auto.conf text
JOURNAL_STREAM=$(stat -L -c '%d:%i' "$DAEMON_LOG")
export JOURNAL_STREAM
TF_WRAPPER="$WORK/nswrap.sh${SAVED_WRAPPER:+ $SAVED_WRAPPER}"
start_tlsfront auto.conf
TF_WRAPPER=$SAVED_WRAPPER
unset JOURNAL_STREAM
no_shared_cipher
wait_grep '"TLSFRONT_ALERT_SENT": "handshake_failure\(40\)"' journal.out ||
    fail "no access entry in the journal without log.target"
stop_tlsfront
grep -q . "$DAEMON_LOG" && fail "lines on stderr under systemd: $(head -n 3 "$DAEMON_LOG")"
log "default under systemd: $(wc -l <journal.out) journal entries"

# ---- a real journal: systemd-journald in the namespace -------------------
# journald runs in a mount namespace with its own /run and /var/log, no
# /dev/kmsg and a volatile configuration, and in a user and network
# namespace of its own (so it cannot reach the kernel's audit or log);
# the daemon joins its mount namespace (nsenter), journalctl reads its
# files through /proc/PID/root.
JOURNALD=/lib/systemd/systemd-journald
for t in nsenter journalctl systemd-cat; do
	command -v "$t" >/dev/null 2>&1 ||
	    skip "no $t for the real journal (util-linux, systemd)"
done
[ -x "$JOURNALD" ] || skip "no $JOURNALD for the real journal (systemd)"
cat >journald.conf <<'EOF2'
[Journal]
Storage=volatile
ReadKMsg=no
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
EOF2
cat >journald-ns.sh <<'EOF2'
#!/bin/sh
set -e
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/log
mount --bind /dev/null /dev/kmsg
mount --bind "$1" /etc/systemd/journald.conf
mkdir -p /run/systemd/journal
exec unshare -U -r -n "$2"
EOF2
unshare -m sh journald-ns.sh "$WORK/journald.conf" "$JOURNALD" \
    >journald.log 2>&1 &
JPID=$!
track $JPID
n=100
until [ -S "/proc/$JPID/root/run/systemd/journal/socket" ] &&
    [ -S "/proc/$JPID/root/run/systemd/journal/stdout" ]; do
	[ $n -gt 0 ] || fail "systemd-journald did not start: $(cat journald.log)"
	n=$((n - 1))
	sleep 0.1
done
JDIR=/proc/$JPID/root/run/log/journal
# jcount MATCH...: how many entries journalctl finds; jwait MATCH...:
# waits (bounded) for at least one.
jcount() {
	journalctl -D "$JDIR" --no-pager -o json "$@" 2>/dev/null | grep -c .
}
jwait() {
	n=$(( $(scale 10) * 10 ))
	until [ "$(jcount "$@")" -gt 0 ]; do
		[ $n -gt 0 ] || return 1
		n=$((n - 1))
		sleep 0.1
	done
}

# The native protocol, log.target = "journal".
: >"$DAEMON_LOG"
TF_WRAPPER="nsenter -m -t $JPID --wd=$WORK${SAVED_WRAPPER:+ $SAVED_WRAPPER}"
start_tlsfront journal.conf
TF_WRAPPER=$SAVED_WRAPPER
client request --port "$P" --cafile "$CAFILE" --data 'hi\n' --expect-echo \
    >/dev/null || fail "request failed"
no_shared_cipher
jwait TLSFRONT_END=handshake_error ||
    fail "journalctl TLSFRONT_END=handshake_error finds nothing"
jwait TLSFRONT_END=closed || fail "journalctl TLSFRONT_END=closed finds nothing"
stop_tlsfront
jwait SYSLOG_IDENTIFIER=tlsfrontd "MESSAGE=tlsfrontd stopped" ||
    fail "no stop entry in the journal"
journalctl -D "$JDIR" --no-pager -o json TLSFRONT_END=handshake_error \
    >hs.json
journalctl -D "$JDIR" --no-pager -o json SYSLOG_IDENTIFIER=tlsfrontd \
    >all.json
"$PYTHON" - hs.json all.json <<'PY' || fail "real journal entries wrong"
import json, sys
hs = [json.loads(l) for l in open(sys.argv[1])]
assert len(hs) == 1, hs
e = hs[0]
assert e["TLSFRONT_ALERT_SENT"] == "handshake_failure(40)", e
assert e["TLSFRONT_DETAIL"] == "no shared cipher", e
assert e["PRIORITY"] == "6" and e["_TRANSPORT"] == "journal", e
assert e["MESSAGE"].startswith("access conn=%s " % e["TLSFRONT_CONN_ID"]), e
al = [json.loads(l) for l in open(sys.argv[2])]
prios = {x["MESSAGE"]: x["PRIORITY"] for x in al}
assert prios["tlsfrontd stopped"] == "5", prios
assert not [x for x in al if x["MESSAGE"].startswith("tlsfrontd[")], al
print("real journal: %d tlsfrontd entries" % len(al))
PY

# The stream: systemd-cat connects stderr to journald's stdout socket as
# systemd does for a service; JOURNAL_STREAM names it, target stderr.
cat >stream.sh <<'EOF2'
#!/bin/sh
JOURNAL_STREAM=$(stat -L -c '%d:%i' /proc/self/fd/2)
export JOURNAL_STREAM
exec "$@"
EOF2
TF_WRAPPER="nsenter -m -t $JPID --wd=$WORK systemd-cat -t tlsfront-stream --level-prefix=true sh $WORK/stream.sh${SAVED_WRAPPER:+ $SAVED_WRAPPER}"
start_tlsfront stderr.conf
TF_WRAPPER=$SAVED_WRAPPER
no_shared_cipher
client expect-close --port "$P2" --cafile "$CAFILE" >/dev/null 2>&1 || true
jwait -t tlsfront-stream -p warning..warning ||
    fail "no warning-priority entry from the stream"
stop_tlsfront
jwait -t tlsfront-stream "MESSAGE=tlsfrontd stopped" ||
    fail "the stream's last line did not reach the journal"
journalctl -D "$JDIR" --no-pager -o json -t tlsfront-stream >stream.json
"$PYTHON" - stream.json <<'PY' || fail "stream entries wrong"
import json, sys
es = [json.loads(l) for l in open(sys.argv[1])]
assert es and all(e["_TRANSPORT"] == "stdout" for e in es), es
for e in es:
    assert not e["MESSAGE"].startswith("tlsfrontd["), e
    assert not e["MESSAGE"].startswith("<"), e
    # stderr is the journal here: what check_daemon_log looks for.
    for bad in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
        assert bad not in e["MESSAGE"], e
def prio(pred):
    m = [e["PRIORITY"] for e in es if pred(e["MESSAGE"])]
    assert m, "no such line"
    return set(m)
assert prio(lambda m: m.startswith("access conn=") and
            "alert_sent=handshake_failure(40)" in m) == {"6"}, es
assert prio(lambda m: " backend dead: server " in m) == {"4"}, es
assert prio(lambda m: m == "tlsfrontd stopped") == {"5"}, es
print("real journal, stream: %d entries" % len(es))
PY
exit 0
