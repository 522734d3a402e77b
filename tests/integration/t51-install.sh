#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# make install: into a DESTDIR it puts exactly tlsfrontd in sbin,
# tlsfront.conf in $(sysconfdir)/tlsfront, the three units in the systemd
# unit dir (naming the configured paths) and the two man pages; a second
# install keeps an edited tlsfront.conf; make uninstall removes all but
# an edited tlsfront.conf; prefix=, sysconfdir= and systemdsystemunitdir=
# given to make install are honoured.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool make find sort cmp sed
# This runs inside "make check": the inner makes must not join its
# jobserver or inherit its variables.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
MK=${MAKE:-make}

# mk ARGS...: make in the build dir, bounded, output kept in make.log.
mk() {
	timeout -k 5 $(scale 120) $MK -C "$TF_BUILDDIR" "$@" >make.log 2>&1
	_st=$?
	if [ "$_st" -ne 0 ]; then
		cat make.log >&2
		fail "make $*: exit status $_st"
	fi
}

# var NAME [ARGS...]: the value of a make variable in the build dir, fully
# expanded, with ARGS (e.g. prefix=/x) given to make.
var() {
	_n=$1
	shift
	printf 'tf-print-var:\n\t@echo $(%s)\n' "$_n" |
	    $MK -s -C "$TF_BUILDDIR" -f Makefile -f - "$@" tf-print-var ||
	    hard_error "cannot read make variable $_n"
}

# tree DIR: every file (and symlink) under DIR, relative, sorted.
tree() {
	(cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
}

# check_tree DESTDIR ARGS...: the install made with ARGS has exactly the
# expected files, each in its place and with the configured paths.
check_tree() {
	_d=$1
	shift
	sbindir=$(var sbindir "$@")
	sysconfdir=$(var sysconfdir "$@")
	mandir=$(var mandir "$@")
	unitdir=$(var systemdsystemunitdir "$@")
	log "sbindir=$sbindir sysconfdir=$sysconfdir mandir=$mandir" \
	    "unitdir=$unitdir"
	for v in "$sbindir" "$sysconfdir" "$mandir" "$unitdir"; do
		case $v in
		/*) ;;
		*) hard_error "not an absolute path: '$v'" ;;
		esac
	done
	{
		echo "${sbindir#/}/tlsfrontd"
		echo "${sysconfdir#/}/tlsfront/tlsfront.conf"
		echo "${mandir#/}/man5/tlsfront.conf.5"
		echo "${mandir#/}/man8/tlsfrontd.8"
		for u in tlsfront.service tlsfront-socket.service \
		    tlsfront.socket; do
			echo "${unitdir#/}/$u"
		done
	} | sed 's|//*|/|g' | LC_ALL=C sort >expected.list
	tree "$_d" >installed.list
	cmp -s expected.list installed.list || {
		diff -u expected.list installed.list >&2
		fail "installed files differ from the expected list"
	}
	[ -x "$_d$sbindir/tlsfrontd" ] || fail "$sbindir/tlsfrontd not executable"
	"$_d$sbindir/tlsfrontd" --version >version.out 2>&1 ||
	    fail "installed tlsfrontd --version: $(cat version.out)"
	grep -q '^tlsfrontd ' version.out || fail "--version: $(cat version.out)"
	cmp -s "$TF_SRCDIR/man/tlsfrontd.8" "$_d$mandir/man8/tlsfrontd.8" ||
	    fail "installed tlsfrontd.8 differs from man/tlsfrontd.8"
	cmp -s "$TF_SRCDIR/man/tlsfront.conf.5" \
	    "$_d$mandir/man5/tlsfront.conf.5" ||
	    fail "installed tlsfront.conf.5 differs from man/tlsfront.conf.5"
	# The installed units run the installed daemon on the installed
	# configuration, and differ from the source units only there.
	for u in tlsfront.service tlsfront-socket.service; do
		f=$_d$unitdir/$u
		for k in ExecStartPre ExecReload; do
			grep -qx "$k=$sbindir/tlsfrontd -t -c $sysconfdir/tlsfront/tlsfront.conf" \
			    "$f" || fail "$u: no $k= for $sbindir/tlsfrontd -t"
		done
		grep -qx "ExecStart=$sbindir/tlsfrontd -f -c $sysconfdir/tlsfront/tlsfront.conf" \
		    "$f" || fail "$u: ExecStart= does not run $sbindir/tlsfrontd" \
		    "on $sysconfdir/tlsfront/tlsfront.conf: $(grep '^Exec' "$f")"
		sed -e "s|$sbindir/tlsfrontd|/usr/sbin/tlsfrontd|g" \
		    -e "s|$sysconfdir/tlsfront/|/etc/tlsfront/|g" "$f" |
		    cmp -s - "$TF_SRCDIR/systemd/$u" ||
		    fail "$u: installed copy differs in more than the paths"
	done
	cmp -s "$TF_SRCDIR/systemd/tlsfront.socket" \
	    "$_d$unitdir/tlsfront.socket" ||
	    fail "installed tlsfront.socket differs from the source"
	conf=$_d$sysconfdir/tlsfront/tlsfront.conf
}

# 1. The configured paths, into a DESTDIR.
D=$WORK/root
mk install DESTDIR="$D"
check_tree "$D"
cmp -s "$TF_SRCDIR/conf/tlsfront.conf" "$conf" ||
    fail "installed tlsfront.conf differs from conf/tlsfront.conf"

# 2. An edited tlsfront.conf survives a second install, and the rest is
# installed again.
echo "# edited by the operator" >>"$conf"
cp "$conf" edited.conf
rm -f "$D$sbindir/tlsfrontd"
mk install DESTDIR="$D"
cmp -s edited.conf "$conf" || fail "a second make install overwrote tlsfront.conf"
grep -q 'keeping existing' make.log ||
    fail "make install did not say it kept tlsfront.conf"
check_tree "$D"

# 3. make uninstall removes everything but an edited tlsfront.conf...
mk uninstall DESTDIR="$D"
tree "$D" >left.list
echo "${sysconfdir#/}/tlsfront/tlsfront.conf" | sed 's|//*|/|g' >expected.list
cmp -s expected.list left.list || {
	diff -u expected.list left.list >&2
	fail "make uninstall left the wrong files"
}
cmp -s edited.conf "$conf" || fail "make uninstall changed tlsfront.conf"
# ... and removes an unedited one too, leaving no file at all.
cp "$TF_SRCDIR/conf/tlsfront.conf" "$conf"
mk install DESTDIR="$D"
mk uninstall DESTDIR="$D"
tree "$D" >left.list
[ ! -s left.list ] || fail "make uninstall left: $(cat left.list);" \
    "make said: $(cat make.log)"

# 4. prefix= and sysconfdir= on the make command line (as configure's
# --prefix and --sysconfdir would set them), into a second DESTDIR.
D2=$WORK/root2
mk install DESTDIR="$D2" prefix=/opt/tf sysconfdir=/opt/tf/etc
check_tree "$D2" prefix=/opt/tf sysconfdir=/opt/tf/etc
[ "$sbindir" = /opt/tf/sbin ] || fail "prefix=/opt/tf: sbindir is $sbindir"
[ "$sysconfdir" = /opt/tf/etc ] || fail "sysconfdir=/opt/tf/etc: got $sysconfdir"
[ -f "$D2/opt/tf/etc/tlsfront/tlsfront.conf" ] ||
    fail "prefix=/opt/tf: no /opt/tf/etc/tlsfront/tlsfront.conf"
# The unit dir comes from configure (systemd's own, from pkg-config) and
# can be overridden the same way.
mk install DESTDIR="$WORK/root3" systemdsystemunitdir=/opt/units
[ -f "$WORK/root3/opt/units/tlsfront.service" ] ||
    fail "systemdsystemunitdir=/opt/units not honoured"

exit 0
