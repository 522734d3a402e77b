#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# The admin endpoint's /status page (issue 14, item 3) as headless
# Chromium renders it; its DOM (--dump-dom) is read with python3's
# html.parser (tests/helpers/statusdom.py), never grepped:
# - the page of a synthetic view (tests/helpers/status_render): a subject
#   holding <script>&" arrives as text, no script element exists, no
#   resource is fetched; expiring/expired certificates, down servers and
#   listeners not counted carry their classes;
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

# dump_dom URL FILE: the DOM after rendering.
dump_dom() {
	chrome --dump-dom "$1" >"$2" || {
		tail -n 20 "$WORK/chromium.log" >&2
		fail "chromium --dump-dom $1 failed"
	}
	[ -s "$2" ] || fail "chromium dumped an empty DOM for $1"
}

# screenshot URL PNG: a 1280x1600 screenshot; checks it is a PNG of more
# than 10 kB (a blank page is about 5 kB).
screenshot() {
	rm -f "$2"
	chrome --screenshot="$2" --window-size=1280,1600 "$1" >/dev/null || {
		tail -n 20 "$WORK/chromium.log" >&2
		fail "chromium --screenshot $1 failed"
	}
	[ -s "$2" ] || fail "no screenshot written to $2"
	_size=$(wc -c <"$2")
	[ "$_size" -gt 10240 ] ||
	    fail "screenshot $2 is $_size bytes: a blank page?"
	_magic=$(od -An -tx1 -N8 "$2" | tr -d ' \n')
	[ "$_magic" = 89504e470d0a1a0a ] ||
	    fail "screenshot $2 is not a PNG (starts $_magic)"
	log "screenshot: $2 ($_size bytes)"
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
"$STATUS_RENDER" >"$WORK/synthetic.html" ||
    fail "status_render failed"
dump_dom "file://$WORK/synthetic.html" "$WORK/synthetic.dom"
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
    --expect 'certificates|data-file=/etc/tlsfront/soon.pem|subject|CN=<script>alert(1)</script>&",O=Soon' \
    --expect 'certificates|data-file=/etc/tlsfront/site.pem|class|' \
    --expect 'certificates|data-file=/etc/tlsfront/site.pem|cell.days|400' \
    --expect 'certificates|data-file=/etc/tlsfront/old".pem|class|expired' \
    --expect 'contexts|data-context=legacy<&>|text|~not counted' \
    --expect 'backends|data-server=unix:/run/app.sock|state@class|down' \
    --expect 'backends|data-server=unix:/run/app.sock|connect_failures|17' \
    --expect 'limits|data-limit=per_address_rate|setting|off'
screenshot "file://$WORK/synthetic.html" "$SHOTS/t81-synthetic.png"

log "ok"
