#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Session ticket keys shared by a fleet (issue 13, items 1 and 2): two
# tlsfrontd instances (two processes, two configurations, one key file)
# behind HAProxy (mode tcp, balance roundrobin, send-proxy-v2; the
# listeners accept_proxy). A client resumes on the other instance every
# time (openssl s_client and Python's ssl, TLS 1.2 and 1.3), and does not
# with two different key files. A rotation (a key appended, SIGHUP) keeps
# old tickets resuming while new ones carry the next key's name; a second
# one retires the oldest. A broken key file is refused by -t at
# file:line and by a reload, which keeps the old keys serving. The access
# lines name the client as HAProxy saw it, and HAProxy as the peer.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool haproxy openssl
make_certs
start_backend echo
ROUNDS=6


umask 077
{ echo "# fleet ticket keys"; newkey; newkey; newkey; } >fleet.key
{ newkey; newkey; newkey; } >other.key

PA=$(free_port)
PB=$(free_port)
H=$(free_port)
# conf NAME PORT KEYFILE
conf() {
	cat >"$1.conf" <<EOF
daemon = {
  workers = 1;
  timeouts = { handshake = 10; connect = 5; idle = 300; drain = 30; };
  log = { level = "info"; access = "text"; };
};
contexts = {
  default = {
    cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } );
    session_ticket_keys = "$3";
  };
};
listeners = (
  { listen = "127.0.0.1:$2"; context = "default"; backend = "app";
    accept_proxy = true; }
);
backends = { app = { servers = [ "127.0.0.1:$BACKEND_PORT" ]; }; };
EOF
}
conf a "$PA" fleet.key
conf b "$PB" fleet.key

# start NAME PORT: one instance, its log in NAME.log; sets PID_NAME.
start() {
	"$TF_DAEMON" -f -c "$WORK/$1.conf" 2>>"$WORK/$1.log" &
	eval "PID_$1=$!"
	track $!
	wait_port "$2" || fail "instance $1 does not listen: $(cat "$WORK/$1.log")"
}
start a "$PA"
start b "$PB"

cat >haproxy.cfg <<EOF
global
  nbthread 1
  log stderr format short local0 info
defaults
  mode tcp
  log global
  option tcplog
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend fe
  bind 127.0.0.1:$H
  default_backend fleet
backend fleet
  balance roundrobin
  server a 127.0.0.1:$PA send-proxy-v2
  server b 127.0.0.1:$PB send-proxy-v2
EOF
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
track $!
wait_port "$H" || hard_error "haproxy does not listen: $(cat "$WORK/haproxy.log")"

# lines NAME: how many access lines instance NAME has written.
lines() {
	grep -c ' access conn=' "$WORK/$1.log"
}
# reload NAME: SIGHUP and wait for its outcome ("reloaded" or "failed").
reload() {
	_n=$(grep -Ec 'reloaded: |reload failed' "$WORK/$1.log")
	eval "kill -HUP \$PID_$1"
	wait_count 'reloaded: |reload failed' "$WORK/$1.log" $((_n + 1)) ||
	    fail "instance $1 did not finish its reload"
	RELOAD=$(grep -E 'reloaded: |reload failed' "$WORK/$1.log" | tail -n 1)
}

# sclient VERSION [SESS-IN]: one s_client connection through HAProxy,
# its session into s.pem; checks it was served by the instance other than
# the last one (in the file last: sclient runs in a subshell). Prints
# "Reused" or "New".
sclient() {
	_a=$(lines a) _b=$(lines b)
	(printf 'ping\n'; sleep 0.5) | timeout -k 5 "$(scale 20)" \
	    openssl s_client -connect "127.0.0.1:$H" -servername localhost \
	    "-tls$1" ${2:+-sess_in "$2"} -sess_out s.pem >sclient.out 2>&1 ||
	    fail "s_client failed: $(cat sclient.out)"
	_n=$(( $(scale 10) * 10 ))
	until [ $(( $(lines a) + $(lines b) )) -gt $((_a + _b)) ]; do
		[ $_n -gt 0 ] || fail "no access line for the connection"
		_n=$((_n - 1))
		sleep 0.1
	done
	if [ "$(lines a)" -gt "$_a" ]; then _on=a; else _on=b; fi
	[ "$_on" != "$(cat last 2>/dev/null)" ] ||
	    fail "two connections in a row on $_on"
	echo "$_on" >last
	grep -Eo '^(New|Reused), TLSv1\.[23]' sclient.out | head -n 1 |
	    sed 's/,.*//'
}

# rounds VERSION: a new session, then ROUNDS reconnections offering the
# last one, alternately on each instance; prints "reused=R of N".
rounds() {
	r=$(sclient "$1")
	[ "$r" = New ] || fail "first connection: $r"
	reused=0
	i=0
	while [ $i -lt $ROUNDS ]; do
		cp s.pem in.pem
		[ "$(sclient "$1" in.pem)" = Reused ] && reused=$((reused + 1))
		i=$((i + 1))
	done
	echo "reused=$reused of $ROUNDS"
}

for v in 1_2 1_3; do
	out=$(rounds "$v")
	log "s_client TLS ${v#1_}: $out"
	[ "$out" = "reused=$ROUNDS of $ROUNDS" ] ||
	    fail "s_client TLS $v, one key file: $out"
done

# Python's ssl, each python3: the client from 127.0.0.2, so that the
# access lines tell it from HAProxy; prints its ports.
pyrounds() {
	timeout -k 5 "$(scale 120)" "$PYTHON" - "$H" "$1" "$ROUNDS" "$CAFILE" <<'PY'
import socket, ssl, sys
port, version, n, cafile = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
ctx = ssl.create_default_context(cafile=cafile)
v = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
ctx.minimum_version = ctx.maximum_version = v
ports = []
def once(session):
    raw = socket.create_connection(("127.0.0.1", port), timeout=10,
                                   source_address=("127.0.0.2", 0))
    ports.append(raw.getsockname()[1])
    with ctx.wrap_socket(raw, server_hostname="localhost",
                         session=session) as s:
        s.sendall(b"ping\n")
        got = b""
        while len(got) < 5:
            chunk = s.recv(5 - len(got))
            if not chunk:
                raise SystemExit("closed early")
            got += chunk
        # The echo read has processed the TLS 1.3 tickets; a clean close
        # keeps the session valid.
        session, reused = s.session, s.session_reused
        s.unwrap()
        return session, reused
session, _ = once(None)
reused = fresh = 0
for i in range(n):
    new, r = once(session)
    reused += r
    # TLS 1.3: a resumed connection brings a new ticket, as libssl's own
    # keys do; a client that uses each ticket once (RFC 8446, C.4) needs
    # it to resume the next time too.
    fresh += new is not None and new.id != session.id
    if new is not None and (new.has_ticket or version == "1.2"):
        session = new
print("ports=%s" % ",".join(map(str, ports)))
print("reused=%d of %d" % (reused, n))
print("fresh=%d" % fresh)
PY
}
python_fleet() {
	for v in 1.2 1.3; do
		out=$(pyrounds "$v") || fail "python TLS $v: $out"
		res=$(echo "$out" | sed -n 's/^reused=//p')
		log "python TLS $v: reused=$res"
		[ "$res" = "$ROUNDS of $ROUNDS" ] ||
		    fail "python TLS $v, one key file: reused=$res"
		fresh=$(echo "$out" | sed -n 's/^fresh=//p')
		[ "$v" = 1.2 ] || [ "$fresh" = "$ROUNDS" ] ||
		    fail "python TLS 1.3: $fresh of $ROUNDS resumed connections brought a new ticket"
		ports=$(echo "$out" | sed -n 's/^ports=//p' | tr ',' ' ')
		on_a=0
		on_b=0
		for p in $ports; do
			pat=" access conn=[0-9]+ client=127\\.0\\.0\\.2:$p listen=[^ ]+ .*peer=127\\.0\\.0\\.1:[0-9]+"
			wait_grep "$pat" a.log 1 && { on_a=$((on_a + 1)); continue; }
			wait_grep "$pat" b.log 1 && { on_b=$((on_b + 1)); continue; }
			wait_grep "$pat" a.log && { on_a=$((on_a + 1)); continue; }
			fail "no access line with client 127.0.0.2:$p and HAProxy as the peer"
		done
		[ $on_a -ge $((ROUNDS / 2)) ] && [ $on_b -ge $((ROUNDS / 2)) ] ||
		    fail "python TLS $v: $on_a connection(s) on a, $on_b on b"
	done
}
each_python python_fleet
log "access line: $(grep ' access conn=.*client=127\.0\.0\.2:' a.log | head -n 1)"

# --- a broken key file: refused by -t at file:line, and by a reload ---
cp fleet.key fleet.good
{ cat fleet.good; echo "bm90IGEga2V5"; } >fleet.key
"$TF_DAEMON" -t -c "$WORK/a.conf" >t.out 2>&1 &&
    fail "-t accepted a key file with a short key: $(cat t.out)"
grep -q "a.conf:[0-9]*: session_ticket_keys $WORK/fleet.key:5: a key is 48 bytes" t.out ||
    fail "-t did not say where: $(cat t.out)"
reload a
case $RELOAD in
*"reload failed"*) ;;
*) fail "a reload with a broken key file: $RELOAD" ;;
esac
grep -q "a.conf:[0-9]*: session_ticket_keys $WORK/fleet.key:5: " a.log ||
    fail "the refused reload did not say where: $(tail -n 5 a.log)"
# The old keys serve on: a ticket resumes on both instances.
r=$(sclient 1_3)
cp s.pem in.pem
for i in 1 2; do
	r=$(sclient 1_3 in.pem)
	[ "$r" = Reused ] || fail "after a refused reload: $r"
done
log "a broken key file refused, the old keys serve on"
cp fleet.good fleet.key

# --- rotation: a key appended to every instance's file, SIGHUP ---
r=$(sclient 1_2)
cp s.pem old.pem
K2=$(keyname 3 fleet.key)
K3=$(keyname 4 fleet.key)
[ "$(ticketname old.pem)" = "$K2" ] ||
    fail "ticket key $(ticketname old.pem), expected the one before the last, $K2"
newkey >>fleet.key
reload a
case $RELOAD in *"reloaded: "*) ;; *) fail "reload a: $RELOAD" ;; esac
reload b
case $RELOAD in *"reloaded: "*) ;; *) fail "reload b: $RELOAD" ;; esac
for v in 1_2 1_3; do
	r=$(sclient "$v")
	[ "$(ticketname s.pem)" = "$K3" ] ||
	    fail "after the rotation, TLS $v ticket key $(ticketname s.pem), expected $K3"
done
for i in 1 2; do
	r=$(sclient 1_2 old.pem)
	[ "$r" = Reused ] || fail "an old ticket after the rotation: $r"
done
# Renewed: the ticket that came back is sealed with the new key.
[ "$(ticketname s.pem)" = "$K3" ] ||
    fail "renewed ticket key $(ticketname s.pem), expected $K3"
log "rotation: old tickets ($K2) resume, new ones carry $K3"
# A second rotation retires the oldest key: key 2's tickets are gone.
newkey >>fleet.key
reload a
reload b
for i in 1 2; do
	r=$(sclient 1_2 old.pem)
	[ "$r" = New ] || fail "a retired key's ticket resumed: $r"
done

# --- two different key files: nothing resumes on the other instance ---
conf b "$PB" other.key
reload b
case $RELOAD in *"reloaded: "*) ;; *) fail "reload b: $RELOAD" ;; esac
for v in 1_2 1_3; do
	out=$(rounds "$v")
	log "s_client TLS ${v#1_}, two key files: $out"
	[ "$out" = "reused=0 of $ROUNDS" ] ||
	    fail "s_client TLS $v, two key files: $out"
done

for n in a b; do
	grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' "$n.log" &&
	    fail "sanitizer report in $n.log"
	eval "kill -TERM \$PID_$n"
	eval "wait \$PID_$n"
	st=$?
	[ $st = 0 ] || fail "instance $n exited with status $st: $(tail -n 5 "$n.log")"
	grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' "$n.log" &&
	    fail "sanitizer report in $n.log"
done
exit 0
