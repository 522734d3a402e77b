#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# make check-package DEB: the built Debian package on a fresh Debian 12
# (issue 15, item 3). Needs root, debootstrap, piuparts, unshare, curl,
# openssl and python3 (scripts/deps), and the Debian mirror the machine's
# apt uses.
#
#   1. A base root made with debootstrap (minbase plus systemd, which every
#      server tlsfront is for has, and which piuparts would otherwise
#      install and purge with the package, blaming it for what systemd's
#      purge leaves), cached as a tarball in $TF_PACKAGE_CACHE
#      (~/.cache/tlsfront-package).
#   2. piuparts: install, remove, purge; nothing left behind.
#   3. tests/package/chroot.sh: install in a fresh copy of that root, no
#      failed start without a certificate, serve a page through the unit's
#      command as the tlsfront user with the hardening that can be had
#      without systemd as PID 1, an upgrade that keeps an edited conffile,
#      purge, and nothing left but what Debian policy allows.
# Prints the time of each part, and "check-package: PASS" at the end.
set -eu

[ $# -eq 1 ] && [ -f "$1" ] || {
	echo "usage: check-package.sh tlsfront_VERSION_ARCH.deb" >&2
	exit 2
}
deb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "check-package: needs root (chroot, mounts)" >&2; exit 1; }
for tool in debootstrap piuparts unshare curl openssl python3 tar; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "check-package: no $tool (scripts/deps installs it)" >&2
		exit 1
	}
done

# The machine's own Debian mirror (as shared/tools/fresh-debian does).
mirror=$(sed -n 's/^URIs: //p' /etc/apt/sources.list.d/debian.sources \
    2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(http[^ ]*\) .*/\1/p' \
    /etc/apt/sources.list 2>/dev/null | head -n 1)
[ -n "$mirror" ] || { echo "check-package: no Debian mirror in /etc/apt" >&2; exit 1; }

now() { date +%s; }
took() { echo "check-package: $1: $(( $(now) - $2 )) s"; }

work=$(mktemp -d -t tlsfront-package.XXXXXX)
cleanup() {
	st=$?
	sh "$here/chroot.sh" --unmount "$work/root" 2>/dev/null || true
	if [ "$st" -ne 0 ] || [ -n "${TF_KEEP:-}" ]; then
		echo "check-package: logs kept in $work" >&2
		find "$work" -mindepth 1 -maxdepth 1 ! -name '*.log' \
		    -exec rm -rf --one-file-system {} +
	else
		rm -rf --one-file-system "$work"
	fi
	exit "$st"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# 1. The base root.
cache=${TF_PACKAGE_CACHE:-${HOME:-/root}/.cache/tlsfront-package}
base=$cache/bookworm-systemd.tgz
t0=$(now)
if ! [ -s "$base" ]; then
	mkdir -p "$cache"
	rm -rf "$cache/root"
	echo "check-package: making the base root with debootstrap (once)"
	timeout 900 debootstrap --variant=minbase --include=systemd bookworm \
	    "$cache/root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
		tail -n 20 "$work/debootstrap.log" >&2
		echo "check-package: debootstrap failed" >&2
		exit 1
	}
	tar -C "$cache/root" -czf "$base.tmp" . && mv "$base.tmp" "$base"
	rm -rf --one-file-system "$cache/root"
fi
took "base root" "$t0"

# 2. piuparts.
t0=$(now)
if timeout 900 piuparts --basetgz="$base" --distribution=bookworm \
    --mirror="$mirror" --no-upgrade-test "$deb" >"$work/piuparts.log" 2>&1; then
	grep -E 'PASS:' "$work/piuparts.log" | sed 's/^[0-9m.s]* INFO: /piuparts: /'
else
	grep -E -A 20 'ERROR|FAIL' "$work/piuparts.log" | head -n 60 >&2
	echo "check-package: piuparts failed; see $work/piuparts.log" >&2
	exit 1
fi
took "piuparts" "$t0"

# 3. Install, serve, upgrade, purge in a fresh root.
t0=$(now)
mkdir "$work/root"
tar -C "$work/root" -xzf "$base"
sh "$top/tests/mkcerts.sh" "$work/certs" >"$work/mkcerts.log" 2>&1 || {
	cat "$work/mkcerts.log" >&2
	exit 1
}
st=0
timeout 600 sh "$here/chroot.sh" "$work/root" "$deb" "$work/certs" \
    >"$work/chroot.log" 2>&1 || st=$?
cat "$work/chroot.log"
if [ "$st" -ne 0 ] || ! grep -q '^chroot: PASS$' "$work/chroot.log"; then
	echo "check-package: the chroot test failed (exit $st)" >&2
	exit 1
fi
took "chroot install-serve-purge" "$t0"
echo "check-package: PASS"
