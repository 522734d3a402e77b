#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# tests/package/chroot.sh ROOT DEB CERTS: the Debian package in ROOT, a
# fresh Debian root (make check-package unpacks one), as root:
#   install: tlsfrontd, the conffile, the units (only tlsfront.service
#     enabled), the tlsfront user, /etc/tlsfront root:tlsfront 0750;
#   no certificate: the unit's start condition is not met (a skipped start,
#     not a failed unit) and "tlsfrontd -t" says what to do next;
#   serve: with CERTS/rsa.pem and rsa.key in place, the unit's
#     ExecStartPre= and ExecStart= commands run as the unit would run them
#     (see serve below), and a page is fetched through tlsfrontd;
#   upgrade: a next version whose shipped tlsfront.conf changed keeps the
#     administrator's edited one (dpkg keeps it, the new one as .dpkg-dist);
#   purge: nothing is left but the administrator's certificate and key and
#     the tlsfront user and group, as Debian policy has it.
# Ends with "chroot: PASS". "chroot.sh --unmount ROOT" undoes its mounts.
set -eu

unmount() {
	n=0
	while [ $n -lt 3 ] && umount -l "$1" 2>/dev/null; do
		n=$((n + 1))
	done
	for m in dev/pts dev proc; do
		umount -l "$1/$m" 2>/dev/null || true
	done
}

fail() {
	echo "chroot: FAIL: $*" >&2
	exit 1
}

step() {
	echo "chroot: $*"
}

in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"
}

# unit_cmd KEY: the command of KEY= in the installed tlsfront.service.
unit_cmd() {
	sed -n "s/^$1=//p" "$root/lib/systemd/system/tlsfront.service"
}

# as_unit COMMAND...: COMMAND in ROOT as tlsfront.service runs it, as far
# as that can be had without systemd as PID 1: User= and Group= (with the
# user's groups), UMask=0077, NoNewPrivileges=yes, AmbientCapabilities=
# and CapabilityBoundingSet=CAP_NET_BIND_SERVICE, and an empty environment.
# It execs: call it in a subshell, whose pid is then tlsfrontd's.
# ProtectSystem=strict, PrivateTmp= and ProtectHome= are the mounts that
# serve makes. SystemCallFilter=, MemoryDenyWriteExecute=,
# RestrictAddressFamilies= and the Protect*Kernel* settings are not had.
as_unit() {
	exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    /bin/sh -c 'umask 0077; exec "$@"' sh \
	    setpriv --reuid=tlsfront --regid=tlsfront --init-groups \
	    --inh-caps=-all,+net_bind_service \
	    --ambient-caps=-all,+net_bind_service \
	    --bounding-set=-all,+net_bind_service --no-new-privs "$@"
}

# snapshot: every path in ROOT but the caches, logs and runtime state
# that any package operation changes, and dpkg's statoverride database,
# which the first dpkg-statoverride call makes (its entries are checked).
snapshot() {
	in_root find / -xdev \( -path /tmp -o -path /run -o -path /proc \
	    -o -path /dev -o -path /sys -o -path /var/cache -o -path /var/log \
	    -o -path /var/lib/apt/lists -o -name '*-old' \
	    -o -path /var/lib/dpkg/statoverride \) -prune -o -print |
	    LC_ALL=C sort
}

# serve ROOT CERTS: run in a network and mount namespace of its own (see
# below): loopback only, a read-only ROOT with its own /tmp.
serve() {
	ip link set lo up
	# Mounts made here stay here. Inside a chroot (shared/tools/
	# fresh-debian), / is no mount point and cannot be made private; then
	# the rbind below may show in the outer namespace too, until
	# --unmount detaches it, and what is mounted on it after
	# --make-rprivate does not.
	mount --make-rprivate / 2>/dev/null || true
	mount --rbind "$root" "$root"
	mount --make-rprivate "$root"
	mount -o remount,bind,ro "$root"
	mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
	mount -t tmpfs -o ro,mode=0755 tmpfs "$root/root"
	mount -t tmpfs -o ro,mode=0755 tmpfs "$root/home"
	in_root touch /etc/tlsfront/probe 2>/dev/null &&
	    fail "the root is writable (ProtectSystem=strict not reproduced)"

	www=$certs/../www
	mkdir -p "$www"
	token="tlsfront package test $$"
	echo "$token" >"$www/index.html"
	daemon= backend=
	# On any exit (a failed check too), stop what serve started.
	trap 'kill $daemon $backend 2>/dev/null || true' EXIT
	(cd "$www" && exec python3 -m http.server 8080 --bind 127.0.0.1) \
	    >"$certs/../backend.log" 2>&1 &
	backend=$!

	# shellcheck disable=SC2046
	(as_unit $(unit_cmd ExecStartPre)) >pre.out 2>&1 ||
	    fail "ExecStartPre as tlsfront: $(cat pre.out)"
	grep -qx 'configuration OK' pre.out || fail "ExecStartPre: $(cat pre.out)"
	# shellcheck disable=SC2046
	(as_unit $(unit_cmd ExecStart)) >"$certs/../daemon.log" 2>&1 &
	daemon=$!

	n=0 body=
	while [ $n -lt 100 ]; do
		body=$(curl -sS --max-time 5 --cacert "$certs/ca.pem" \
		    --resolve localhost:443:127.0.0.1 \
		    https://localhost/index.html 2>curl.err) && break
		kill -0 "$daemon" 2>/dev/null ||
		    fail "tlsfrontd exited: $(cat "$certs/../daemon.log")"
		n=$((n + 1))
		sleep 0.2
	done
	[ "$body" = "$token" ] || fail "fetched '$body', expected '$token':" \
	    "$(cat curl.err)"
	step "serve: fetched https://localhost:443/index.html through" \
	    "tlsfrontd (shipped tlsfront.conf, backend 127.0.0.1:8080)"

	uid=$(in_root id -u tlsfront)
	pids="$daemon $(cat /proc/"$daemon"/task/*/children 2>/dev/null)"
	for p in $pids; do
		st=/proc/$p/status
		awk -v u="$uid" '/^Uid:/ { exit !($2 == u && $3 == u &&
		    $4 == u && $5 == u) }' "$st" ||
		    fail "process $p: $(grep '^Uid:' "$st"), not tlsfront ($uid)"
		grep -q '^NoNewPrivs:[[:space:]]*1$' "$st" ||
		    fail "process $p: no NoNewPrivs"
		for c in CapEff CapBnd CapAmb; do
			grep -q "^$c:[[:space:]]*0000000000000400$" "$st" ||
			    fail "process $p: $(grep "^$c:" "$st")," \
			    "not CAP_NET_BIND_SERVICE alone"
		done
	done
	step "serve: $(echo "$pids" | wc -w) processes (master and" \
	    "workers) as uid $uid, NoNewPrivs, CAP_NET_BIND_SERVICE only"

	kill -TERM "$daemon"
	n=0
	while kill -0 "$daemon" 2>/dev/null && [ $n -lt 100 ]; do
		n=$((n + 1))
		sleep 0.2
	done
	wait "$daemon" || fail "tlsfrontd exited $? on SIGTERM:" \
	    "$(tail -n 20 "$certs/../daemon.log")"
	kill "$backend" 2>/dev/null || true
	wait "$backend" 2>/dev/null || true
	daemon= backend=
	grep -q 'starting' "$certs/../daemon.log" ||
	    fail "no start in the daemon's log: $(cat "$certs/../daemon.log")"
	step "serve: SIGTERM, exit 0"
}

case ${1:-} in
--unmount)
	unmount "$2"
	exit 0
	;;
--serve)
	root=$2 certs=$3
	cd "$certs/.."
	serve
	exit 0
	;;
esac

root=$(cd "$1" && pwd) deb=$2 certs=$(cd "$3" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(cd "$certs/.." && pwd)
cd "$work"

# The machine's apt sources and name servers; the kernel's file systems.
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
	cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
	rm -f "$root/etc/apt/sources.list"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
trap 'unmount "$root"' EXIT

in_root apt-get update -q >apt.log 2>&1 || fail "apt-get update: $(tail -n 5 apt.log)"
# The dependencies first, so that the snapshot shows the package alone.
in_root apt-get satisfy -y -q --no-install-recommends \
    "$(dpkg-deb -f "$deb" Depends)" >>apt.log 2>&1 ||
    fail "apt-get satisfy: $(tail -n 5 apt.log)"
snapshot >before.list

# Install.
cp "$deb" "$root/tmp/tlsfront.deb"
in_root apt-get install -y -q --no-install-recommends /tmp/tlsfront.deb \
    >install.log 2>&1 || fail "apt-get install: $(tail -n 20 install.log)"
[ "$(in_root dpkg-query -W -f='${Status}' tlsfront)" = "install ok installed" ] ||
    fail "tlsfront is not installed"
in_root test -x /usr/sbin/tlsfrontd || fail "no /usr/sbin/tlsfrontd"
in_root /usr/sbin/tlsfrontd --version >version.out 2>&1 ||
    fail "tlsfrontd --version: $(cat version.out)"
for f in /usr/share/man/man8/tlsfrontd.8.gz \
    /usr/share/man/man5/tlsfront.conf.5.gz /lib/systemd/system/tlsfront.socket \
    /lib/systemd/system/tlsfront-socket.service; do
	in_root test -f "$f" || fail "no $f"
done
in_root dpkg-query -W -f='${Conffiles}\n' tlsfront | grep -q '^ /etc/tlsfront/tlsfront.conf ' ||
    fail "/etc/tlsfront/tlsfront.conf is not a conffile"
entry=$(in_root getent passwd tlsfront) || fail "no user tlsfront"
uid=$(echo "$entry" | cut -d: -f3)
shell=$(echo "$entry" | cut -d: -f7)
[ "$uid" -lt 1000 ] || fail "tlsfront is not a system user (uid $uid)"
case $shell in
*/nologin) ;;
*) fail "tlsfront's shell is $shell" ;;
esac
in_root getent group tlsfront >/dev/null || fail "no group tlsfront"
mode=$(in_root stat -c '%U:%G %a' /etc/tlsfront)
[ "$mode" = "root:tlsfront 750" ] || fail "/etc/tlsfront is $mode"
wants=$root/etc/systemd/system
[ -L "$wants/multi-user.target.wants/tlsfront.service" ] ||
    fail "tlsfront.service is not enabled"
if find "$wants" -name 'tlsfront.socket' -o -name 'tlsfront-socket.service' |
    grep -q .; then
	fail "a socket unit is enabled: $(find "$wants" -name 'tlsfront*')"
fi
step "install: $(head -n 1 version.out); user tlsfront (uid $uid, $shell);" \
    "/etc/tlsfront $mode; tlsfront.service enabled, socket units not"

# No certificate: a skipped start, and advice.
cond=$(sed -n 's/^ConditionPathExists=//p' "$root/lib/systemd/system/tlsfront.service")
[ "$cond" = /etc/tlsfront/site.pem ] || fail "tlsfront.service: ConditionPathExists=$cond"
in_root systemd-analyze condition "ConditionPathExists=$cond" >cond.out 2>&1 &&
    fail "the start condition holds without a certificate: $(cat cond.out)"
grep -q 'ConditionPathExists=/etc/tlsfront/site.pem' cond.out ||
    fail "systemd-analyze condition: $(cat cond.out)"
in_root /usr/sbin/tlsfrontd -t >t.out 2>&1 &&
    fail "tlsfrontd -t passes without a certificate: $(cat t.out)"
grep -q '^tlsfrontd: no certificate yet. Next:' t.out ||
    fail "tlsfrontd -t gives no next step: $(cat t.out)"
step "no certificate: start condition not met (a skipped start, not a" \
    "failure); tlsfrontd -t: $(grep -c . t.out) lines, the last: Next: ..."

# The certificate, as tlsfrontd(8) says to put it.
cp "$certs/rsa.pem" "$root/etc/tlsfront/site.pem"
cp "$certs/rsa.key" "$root/etc/tlsfront/site.key"
in_root chmod 0644 /etc/tlsfront/site.pem
in_root chown root:tlsfront /etc/tlsfront/site.key
in_root chmod 0640 /etc/tlsfront/site.key
in_root systemd-analyze condition "ConditionPathExists=$cond" >cond.out 2>&1 ||
    fail "the start condition fails with the certificate: $(cat cond.out)"

# Serve, in a network namespace (loopback only) and a mount namespace.
unshare --net --mount --propagation unchanged --fork \
    sh "$here/chroot.sh" --serve "$root" "$certs" ||
    fail "serve failed"

# Upgrade: the administrator edited tlsfront.conf, the next version ships
# a changed one.
echo "# edited by the administrator" >>"$root/etc/tlsfront/tlsfront.conf"
cp "$root/etc/tlsfront/tlsfront.conf" edited.conf
rm -rf next
dpkg-deb -R "$deb" next
version=$(dpkg-deb -f "$deb" Version)
sed -i "s/^Version: .*/Version: $version+next1/" next/DEBIAN/control
echo "# new in the next version" >>next/etc/tlsfront/tlsfront.conf
dpkg-deb -b next "$root/tmp/tlsfront-next.deb" >/dev/null ||
    fail "could not repack the next version"
in_root dpkg -i --force-confdef --force-confold /tmp/tlsfront-next.deb \
    >upgrade.log 2>&1 || fail "upgrade: $(tail -n 20 upgrade.log)"
grep -q "Configuration file '/etc/tlsfront/tlsfront.conf'" upgrade.log ||
    fail "dpkg did not handle tlsfront.conf as a changed conffile:" \
    "$(cat upgrade.log)"
cmp -s edited.conf "$root/etc/tlsfront/tlsfront.conf" ||
    fail "the upgrade replaced the edited tlsfront.conf"
cmp -s next/etc/tlsfront/tlsfront.conf "$root/etc/tlsfront/tlsfront.conf.dpkg-dist" ||
    fail "no tlsfront.conf.dpkg-dist with the new version's file"
mode=$(in_root stat -c '%U:%G %a' /etc/tlsfront)
[ "$mode" = "root:tlsfront 750" ] || fail "after the upgrade /etc/tlsfront is $mode"
step "upgrade to $version+next1: the edited tlsfront.conf kept, the new one" \
    "as tlsfront.conf.dpkg-dist; /etc/tlsfront still $mode"

# Purge.
in_root apt-get purge -y -q tlsfront >purge.log 2>&1 ||
    fail "apt-get purge: $(tail -n 20 purge.log)"
in_root dpkg-query -W -f='${Status}' tlsfront 2>/dev/null | grep -q 'installed' &&
    fail "tlsfront is still installed"
in_root dpkg-statoverride --list /etc/tlsfront >/dev/null 2>&1 &&
    fail "the statoverride of /etc/tlsfront is left"
snapshot >after.list
# What may stay: the administrator's files (dpkg never removes a file it
# did not install) and the directory holding them.
printf '%s\n' /etc/tlsfront /etc/tlsfront/site.key /etc/tlsfront/site.pem \
    >allowed.list
LC_ALL=C comm -13 before.list after.list >added.list
LC_ALL=C comm -23 before.list after.list >removed.list
[ ! -s removed.list ] || fail "purge removed what was there before:" \
    "$(cat removed.list)"
cmp -s allowed.list added.list || fail "left after purge: $(cat added.list)"
in_root getent passwd tlsfront >/dev/null ||
    fail "the user tlsfront was removed (files may still belong to it)"
step "purge: left $(tr '\n' ' ' <added.list)(the administrator's" \
    "certificate and key) and the user and group tlsfront, nothing else"
echo "chroot: PASS"
