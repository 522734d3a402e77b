#!/bin/sh
# Differential proof: for every case of tests/differential/corpus.json,
# tlsfrontd --explain --json must report the context Python's ssl module
# builds from the same settings (options, versions, security level, cipher
# order, verify mode/flags, num_tickets, post_handshake_auth), and a case
# Python refuses must be refused by tlsfrontd -t (and the other way round).
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
mkdir -p cases
timeout -k 5 $(scale 600) "$PYTHON" "$TF_SRCDIR/tests/helpers/differential.py" \
    --daemon "$TF_DAEMON" --corpus "$TF_SRCDIR/tests/differential/corpus.json" \
    --certs "$WORK/certs" --work "$WORK/cases" --timeout "$(scale 60)" \
    >out 2>err
st=$?
cat out >&2
[ -s err ] && { echo "---- stderr ----" >&2; cat err >&2; }
grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' out err &&
    fail "sanitizer report while explaining"
summary=$(grep -E '^# [0-9]+ cases, [0-9]+ equal, [0-9]+ differ$' out) ||
    fail "differential.py printed no summary (exit $st)"
log "$summary"
n=$(echo "$summary" | sed 's/^# \([0-9]*\) cases.*/\1/')
[ "$n" -ge 40 ] || fail "corpus has only $n cases, need at least 40"
[ "$st" -eq 0 ] || fail "tlsfront and Python differ: $(grep '^not ok' out | tr '\n' ' ')"
exit 0
