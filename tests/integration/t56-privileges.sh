#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Started as root with daemon.user/group set: listeners (and the admin
# endpoint's unix socket, then given to the user) are bound and keys read
# as root, then every process (the admin process too) runs as the
# unprivileged user, and a reload that needs root (the key is root-only)
# fails without harm.
. "$TF_SRCDIR/tests/integration/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to drop privileges"
getent passwd nobody >/dev/null || hard_error "no user nobody"
group=$(id -gn nobody)

make_certs
chmod 600 "$WORK/certs/rsa.key"
chmod 755 "$WORK" "$WORK/certs"
start_backend echo
P=$(free_port)
TF_WORKERS=2 write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
# The admin endpoint on a unix socket (":" so that start_tlsfront does not
# take it for a port to wait for): bound as root, given to the user.
sed -i "s|^  workers = 2;|  workers = 2; user = \"nobody\"; group = \"$group\"; admin = { listen : \"unix:admin.sock\"; };|" \
    tlsfront.conf
start_tlsfront tlsfront.conf
wait_for 5 healthz_is 200 ok --unix-socket admin.sock http://x/healthz ||
    fail "no /healthz on admin.sock"
owner=$(stat -c '%U:%G %a' admin.sock)
[ "$owner" = "nobody:$group 660" ] || fail "admin.sock is $owner"
log "admin.sock: $owner, /healthz ok"

out=$(client request --port "$P" --cafile "$CAFILE" --data "hello\n" \
    --expect-echo) || fail "request failed"
[ "$out" = hello ] || fail "got '$out'"

uid=$(id -u nobody)
gid=$(getent group "$group" | cut -d: -f3)
for pid in "$TLSFRONT_PID" $(pgrep -P "$TLSFRONT_PID"); do
	u=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")
	g=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")
	groups=$(awk '/^Groups:/ { $1 = ""; print }' "/proc/$pid/status")
	[ "$u" = "$uid $uid $uid $uid" ] || fail "pid $pid uids: $u"
	[ "$g" = "$gid $gid $gid $gid" ] || fail "pid $pid gids: $g"
	[ "$(echo $groups)" = "$gid" ] || fail "pid $pid groups: $groups"
done

# The key is readable by root only: a reload as nobody must fail cleanly.
kill -HUP "$TLSFRONT_PID"
wait_grep 'reload failed, still on the previous configuration' \
    "$DAEMON_LOG" || fail "reload as nobody did not fail"
out=$(client request --port "$P" --cafile "$CAFILE" --data "again\n" \
    --expect-echo) || fail "request after the failed reload failed"
[ "$out" = again ] || fail "got '$out'"
stop_tlsfront
