#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# The Debian packaging's promises that hold in the source tree (issue 15;
# make check-package tests the built package itself): debian/changelog's
# version is configure.ac's (and the daemon's); tlsfront.service waits for
# the certificate that the shipped tlsfront.conf names; the package's
# system user is the units' User=; and "tlsfrontd -t" on the shipped
# configuration without its certificate says what to do next, while other
# errors get no such advice.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool sed grep
S=$TF_SRCDIR

# 1. One version: AC_INIT, the daemon built from it, debian/changelog.
ac=$(sed -n 's/^AC_INIT(\[tlsfront\], \[\([^]]*\)\].*/\1/p' "$S/configure.ac")
[ -n "$ac" ] || hard_error "no AC_INIT version in configure.ac"
"$TF_DAEMON" --version >version.out 2>&1 || fail "--version: $(cat version.out)"
grep -qx "tlsfrontd $ac.*" version.out ||
    fail "tlsfrontd --version says '$(head -n 1 version.out)', configure.ac $ac"
deb=$(sed -n '1s/^tlsfront (\([^)]*\)) .*/\1/p' "$S/debian/changelog")
log "configure.ac $ac, debian/changelog $deb"
[ "$deb" = "$ac" ] || fail "debian/changelog's top entry is $deb," \
    "configure.ac's AC_INIT is $ac: add a changelog entry (dch -v $ac)"

# 2. The unit waits for the certificate the shipped configuration names.
cert=$(sed -n 's/^[[:space:]]*certfile = "\([^"]*\)";.*/\1/p' \
    "$S/conf/tlsfront.conf")
[ -n "$cert" ] || hard_error "no certfile in conf/tlsfront.conf"
grep -qx "ConditionPathExists=$cert" "$S/systemd/tlsfront.service" ||
    fail "tlsfront.service has no ConditionPathExists=$cert" \
    "(the shipped tlsfront.conf's certfile)"

# 3. The package's user is the units' user and group.
user=$(sed -n 's/^u \([^ ]*\) .*/\1/p' "$S/debian/tlsfront.sysusers")
[ -n "$user" ] || fail "debian/tlsfront.sysusers makes no user"
for u in tlsfront.service tlsfront-socket.service; do
	grep -qx "User=$user" "$S/systemd/$u" &&
	    grep -qx "Group=$user" "$S/systemd/$u" ||
	    fail "$u: not User=$user and Group=$user"
done

# 4. tlsfrontd -t on the shipped configuration, its certificate and key
# moved to a directory that does not have them: both named, exit 1, and
# the next step, once.
sed "s|\"/etc/tlsfront/|\"$WORK/etc/|" "$S/conf/tlsfront.conf" >shipped.conf
mkdir -p "$WORK/etc"
# shellcheck disable=SC2086
timeout -k 5 $(scale 20) $TF_WRAPPER "$TF_DAEMON" -t -c shipped.conf \
    >out 2>err
st=$?
log "tlsfrontd -t (no certificate): exit $st; stderr: $(cat err)"
[ "$st" -eq 1 ] || fail "tlsfrontd -t without a certificate exited $st"
grep -q "cannot read certfile \"$WORK/etc/site.pem\": No such file" err ||
    fail "tlsfrontd -t does not name the missing certificate"
[ "$(grep -c '^tlsfrontd: no certificate yet. Next: put the certificate chain' err)" -eq 1 ] ||
    fail "tlsfrontd -t does not say (once) what to do next"
grep -q 'systemctl start tlsfront.*FIRST START' err ||
    fail "the next step names neither systemctl nor tlsfrontd(8)"
grep -q '^FIRST START\|^\.SH FIRST START' "$S/man/tlsfrontd.8" ||
    fail "tlsfrontd(8) has no FIRST START section"

# With the certificate in place (any good pair), the same file is OK.
make_certs
cp "$WORK/certs/rsa.pem" "$WORK/etc/site.pem"
cp "$WORK/certs/rsa.key" "$WORK/etc/site.key"
chmod 0600 "$WORK/etc/site.key"
# shellcheck disable=SC2086
timeout -k 5 $(scale 20) $TF_WRAPPER "$TF_DAEMON" -t -c shipped.conf \
    >out 2>err || fail "tlsfrontd -t with the certificate: $(cat err)"
grep -qx 'configuration OK' out || fail "no 'configuration OK': $(cat out)"
! grep -q 'Next:' err || fail "advice printed for a good configuration"

# A configuration error of another kind gets no first-start advice.
printf 'listeners = ();\n' >nolistener.conf
# shellcheck disable=SC2086
timeout -k 5 $(scale 20) $TF_WRAPPER "$TF_DAEMON" -t -c nolistener.conf \
    >out 2>err
[ $? -eq 1 ] || fail "a configuration without listeners passed -t"
grep -q 'no listeners configured' err || fail "unexpected: $(cat err)"
! grep -q 'Next:' err || fail "first-start advice for an unrelated error"
exit 0
