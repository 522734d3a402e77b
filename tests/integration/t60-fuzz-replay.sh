#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Every fuzz input in the tree stays a regression test (fuzz/README.md):
# each target's seed corpus (fuzz/corpus/TARGET) and saved crash inputs
# (fuzz/regress/TARGET) run through fuzz/replay_TARGET, built with the
# normal compiler and sanitizers. Each must run every input (its count
# matches the files) and exit 0 with no sanitizer report.
. "$TF_SRCDIR/tests/integration/lib.sh"

# libconfig's own leak on some syntax errors, and only that, is suppressed
# by tests/lsan.supp, which make check sets (AM_TESTS_ENVIRONMENT).

# files DIR: the number of inputs in DIR (dot files are not inputs).
files() {
	find "$1" -maxdepth 1 -type f ! -name '.*' | wc -l
}

total=0
for t in config access_line handshake proxy_header; do
	replay=$TF_BUILDDIR/fuzz/replay_$t
	[ -x "$replay" ] || hard_error "not built: $replay"
	for kind in corpus regress; do
		dir=$TF_SRCDIR/fuzz/$kind/fuzz_$t
		[ -d "$dir" ] || hard_error "no directory $dir"
		want=$(files "$dir")
		if [ "$kind" = corpus ] && [ "$want" -eq 0 ]; then
			fail "fuzz_$t has no seed corpus in $dir"
		fi
		st=0
		timeout -k 5 "$(scale 120)" "$replay" "$dir" >out 2>err || st=$?
		if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' err
		then
			cat err >&2
			fail "replay_$t $kind: sanitizer report"
		fi
		[ "$st" -eq 0 ] || { cat err >&2; fail "replay_$t $kind exited $st"; }
		got=$(sed -n 's/^replay: \([0-9]*\) inputs$/\1/p' out)
		[ "$got" = "$want" ] ||
		    fail "replay_$t $kind: ran ${got:-no} inputs of $want"
		log "fuzz_$t $kind: $got inputs replayed"
		total=$((total + got))
	done
done
log "$total inputs replayed"
