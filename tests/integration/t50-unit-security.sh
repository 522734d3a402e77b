#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# The systemd units: "systemd-analyze security --offline=true" rates
# tlsfront.service 2.0 or lower and the socket-activated
# tlsfront-socket.service 1.3 or lower; "systemd-analyze verify" accepts
# all three units without a warning; the settings the daemon relies on
# (Type=notify, reload by SIGHUP, a stop timeout above the drain timeout,
# no capability in the socket-activated variant) are there. Needs no
# running systemd.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool systemd-analyze man awk sed
UNITS=$TF_SRCDIR/systemd

# exposure FILE: prints the overall exposure level (e.g. "1.4"), from
# "→ Overall exposure level for NAME: 1.4 OK 🙂".
exposure() {
	timeout -k 5 $(scale 60) systemd-analyze security --offline=true \
	    --no-pager "$1" >security.out 2>security.err
	_st=$?
	[ "$_st" -eq 0 ] || hard_error "systemd-analyze security $1:" \
	    "exit $_st: $(cat security.err)"
	awk '/Overall exposure level for/ {
		sub(/.*Overall exposure level for [^:]*: */, "")
		print $1
	}' security.out
}

# check_exposure FILE MAX: the rating is a number and at most MAX.
check_exposure() {
	_e=$(exposure "$1")
	log "$(basename "$1"): exposure $_e (at most $2)"
	echo "$_e" | grep -Eq '^[0-9]+\.[0-9]$' ||
	    fail "$(basename "$1"): no exposure level in: $(cat security.out)"
	awk -v e="$_e" -v m="$2" 'BEGIN { exit !(e + 0 <= m + 0) }' || {
		grep '✗' security.out >&2
		fail "$(basename "$1"): exposure $_e is above $2"
	}
}

check_exposure "$UNITS/tlsfront.service" 2.0
check_exposure "$UNITS/tlsfront-socket.service" 1.3

# The rating must depend on the hardening: without it the same unit
# rates far above the limit (so the parsing above reads a real figure).
grep -E '^(\[|Description=|Type=|Exec)' "$UNITS/tlsfront.service" >bare.service
grep -q '^ExecStart=' bare.service || hard_error "bare.service lost ExecStart"
grep -q '^ProtectSystem=' bare.service && hard_error "bare.service kept hardening"
_e=$(exposure "$PWD/bare.service")
log "bare.service (no hardening): exposure $_e"
awk -v e="$_e" 'BEGIN { exit !(e + 0 > 5.0) }' ||
    fail "an unhardened copy rates $_e: the rating does not see the hardening"

# setting FILE KEY: the values KEY= has in FILE, one a line.
setting() {
	sed -n "s/^$2=//p" "$1"
}

# What tlsfrontd relies on, in both service variants.
for u in tlsfront.service tlsfront-socket.service; do
	f=$UNITS/$u
	[ "$(setting "$f" Type)" = notify ] || fail "$u: Type= is not notify"
	[ "$(setting "$f" NotifyAccess)" = main ] ||
	    fail "$u: NotifyAccess= is not main"
	setting "$f" ExecStart | grep -Eq '^/usr/sbin/tlsfrontd -f -c /etc/tlsfront/tlsfront\.conf$' ||
	    fail "$u: ExecStart= is not tlsfrontd -f -c /etc/tlsfront/tlsfront.conf"
	setting "$f" ExecStartPre | grep -q ' -t -c /etc/tlsfront/tlsfront\.conf$' ||
	    fail "$u: ExecStartPre= does not check the configuration"
	setting "$f" ExecReload | grep -qx '/bin/kill -HUP \$MAINPID' ||
	    fail "$u: ExecReload= does not send SIGHUP to the main process"
	[ "$(setting "$f" KillMode)" = mixed ] || fail "$u: KillMode= is not mixed"
	[ "$(setting "$f" DynamicUser)" = yes ] || fail "$u: DynamicUser= is not yes"
	[ -n "$(setting "$f" WatchdogSec)" ] || fail "$u: no WatchdogSec="
	[ "$(setting "$f" LimitNOFILE)" -ge 100000 ] ||
	    fail "$u: LimitNOFILE= is below 100000"
	[ -z "$(setting "$f" PrivateNetwork)" ] ||
	    fail "$u: PrivateNetwork= would cut the proxy off its backends"
	# Stopping waits for the drain: TimeoutStopSec= must exceed the
	# default timeouts.drain of the installed tlsfront.conf.
	stop=$(setting "$f" TimeoutStopSec)
	drain=$(sed -n 's/^[[:space:]]*drain = \([0-9.]*\);.*/\1/p' \
	    "$TF_SRCDIR/conf/tlsfront.conf")
	[ -n "$stop" ] && [ -n "$drain" ] ||
	    hard_error "$u: TimeoutStopSec='$stop', conf drain='$drain'"
	awk -v s="$stop" -v d="$drain" 'BEGIN { exit !(s + 0 >= d + 10) }' ||
	    fail "$u: TimeoutStopSec=$stop leaves no margin over drain = $drain"
done
f=$UNITS/tlsfront.service
[ "$(setting "$f" AmbientCapabilities)" = CAP_NET_BIND_SERVICE ] ||
    fail "tlsfront.service: AmbientCapabilities= is not CAP_NET_BIND_SERVICE"
[ "$(setting "$f" CapabilityBoundingSet)" = CAP_NET_BIND_SERVICE ] ||
    fail "tlsfront.service: CapabilityBoundingSet= is not CAP_NET_BIND_SERVICE"
f=$UNITS/tlsfront-socket.service
[ -z "$(setting "$f" AmbientCapabilities)" ] ||
    fail "tlsfront-socket.service: has AmbientCapabilities="
setting "$f" CapabilityBoundingSet | grep -qx '' ||
    fail "tlsfront-socket.service: CapabilityBoundingSet= is not empty"
[ "$(setting "$f" CapabilityBoundingSet | wc -l)" -eq 1 ] ||
    fail "tlsfront-socket.service: more than one CapabilityBoundingSet="
[ "$(setting "$f" PrivateUsers)" = yes ] ||
    fail "tlsfront-socket.service: PrivateUsers= is not yes"
[ "$(setting "$UNITS/tlsfront.socket" Service)" = tlsfront-socket.service ] ||
    fail "tlsfront.socket does not start tlsfront-socket.service"
# The default tlsfront.conf listens on 0.0.0.0:443; the socket must carry
# the same address or tlsfrontd would have to bind it without privilege.
setting "$UNITS/tlsfront.socket" ListenStream | grep -qx '0.0.0.0:443' ||
    fail "tlsfront.socket: no ListenStream=0.0.0.0:443"
grep -Eq '^[[:space:]]*\{ listen = "0\.0\.0\.0:443";' \
    "$TF_SRCDIR/conf/tlsfront.conf" ||
    hard_error "conf/tlsfront.conf no longer listens on 0.0.0.0:443"

# systemd-analyze verify, offline: the units load without a warning, their
# commands exist and their Documentation= man pages resolve. Point the
# commands at the built daemon and man at the source pages.
mkdir -p units man/man5 man/man8
cp "$UNITS/tlsfront.service" "$UNITS/tlsfront-socket.service" \
    "$UNITS/tlsfront.socket" units/
sed -i "s|/usr/sbin/tlsfrontd|$TF_DAEMON|g" units/*.service
cp "$TF_SRCDIR/man/tlsfrontd.8" man/man8/
cp "$TF_SRCDIR/man/tlsfront.conf.5" man/man5/
# verify_units FILE...: exit 0 and nothing on stderr (verify reports
# unknown keys and bad values on stderr but still exits 0).
verify_units() {
	MANPATH=$PWD/man timeout -k 5 $(scale 60) systemd-analyze verify \
	    "$@" >verify.out 2>verify.err
	_st=$?
	log "systemd-analyze verify $*: exit $_st; $(cat verify.out verify.err)"
}
verify_units units/tlsfront.service units/tlsfront-socket.service \
    units/tlsfront.socket
[ "$_st" -eq 0 ] && [ ! -s verify.err ] ||
    fail "systemd-analyze verify: exit $_st: $(cat verify.err)"

# And verify does catch a broken unit (a misspelt key, a missing command).
sed -e 's/^KillMode=/KilMode=/' units/tlsfront.service >units/typo.service
verify_units units/typo.service
grep -q "Unknown key 'KilMode'" verify.err ||
    fail "systemd-analyze verify missed a misspelt key"
sed -e "s|^ExecStart=$TF_DAEMON|ExecStart=$PWD/no-such-daemon|" \
    units/tlsfront.service >units/nocmd.service
verify_units units/nocmd.service
[ "$_st" -ne 0 ] || fail "systemd-analyze verify missed a missing command"

exit 0
