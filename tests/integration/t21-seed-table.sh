#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# Issue 3, proof 1: the protocol table of the ssl.SSLContext documentation
# (../shared/seed/), black box. One daemon, one listener per server column;
# clients pinned to each version (and a version-flexible one) with three
# independent stacks (Python ssl, openssl s_client, gnutls-cli), plus
# hand-built SSLv2, SSLv3 and SSLv2-format ClientHellos. Every cell must
# match the expected tables below for every stack, and for Python itself:
# the helper also runs the same clients in memory against an ssl.SSLContext
# server that python3 builds from the same column settings ("pyref", as
# tests/helpers/pyref.py makes a context of the column's default_suites
# profile). The Python stacks run once per python3 on the machine (the
# first also runs openssl, gnutls and the hand-built hellos).
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl gnutls-cli
SEEDTABLE=$TF_SRCDIR/tests/helpers/seedtable.py
make_certs
start_backend echo

# Server columns: NAME PROTOCOL MINIMUM MAXIMUM CIPHERS OPTIONS [SUITES]
# ("-": unset; options as in tlsfront.conf, comma separated, "!" clears;
# SUITES: default_suites, "python" when not given).
LEGACY='DEFAULT:@SECLEVEL=0'
cat >columns.txt <<EOF
TLS          PROTOCOL_TLS        -       -       -        -
TLS_SERVER   PROTOCOL_TLS_SERVER -       -       -        -
TLSv1        PROTOCOL_TLSv1      -       -       -        -
TLSv1_1      PROTOCOL_TLSv1_1    -       -       -        -
TLSv1_2      PROTOCOL_TLSv1_2    -       -       -        -
L:TLS        PROTOCOL_TLS        TLSv1   -       $LEGACY  -
L:TLS_SERVER PROTOCOL_TLS_SERVER TLSv1   -       $LEGACY  -
L:TLSv1      PROTOCOL_TLSv1      -       -       $LEGACY  -
L:TLSv1_1    PROTOCOL_TLSv1_1    -       -       $LEGACY  -
L:TLSv1_2    PROTOCOL_TLSv1_2    -       -       $LEGACY  -
max1_2       PROTOCOL_TLS        -       TLSv1_2 -        -
min1_3       PROTOCOL_TLS        TLSv1_3 -       -        -
noTLSv1_3    PROTOCOL_TLS_SERVER -       -       -        OP_NO_TLSv1_3
L:max1_2     PROTOCOL_TLS        TLSv1   TLSv1_2 $LEGACY  -
L:only1_1    PROTOCOL_TLS_SERVER TLSv1_1 TLSv1_1 $LEGACY  -
L:noTLSv1    PROTOCOL_TLS        TLSv1   -       $LEGACY  OP_NO_TLSv1
L:noTLSv1_2  PROTOCOL_TLS        TLSv1   -       $LEGACY  OP_NO_TLSv1_2
L:noTLSv1_3  PROTOCOL_TLS        TLSv1   -       $LEGACY  OP_NO_TLSv1_3
L:TLSv1+NO   PROTOCOL_TLSv1      -       -       $LEGACY  OP_NO_TLSv1
L:TLS+SSLv3  PROTOCOL_TLS  MINIMUM_SUPPORTED -   $LEGACY  !OP_NO_SSLv3
O:TLS        PROTOCOL_TLS        -       -       -        -     openssl
O:TLS_SERVER PROTOCOL_TLS_SERVER -       -       -        -     openssl
O:TLSv1      PROTOCOL_TLSv1      -       -       -        -     openssl
O:TLSv1_1    PROTOCOL_TLSv1_1    -       -       -        -     openssl
O:TLSv1_2    PROTOCOL_TLSv1_2    -       -       -        -     openssl
OL:TLS       PROTOCOL_TLS        -       -       $LEGACY  -     openssl
OL:TLSv1     PROTOCOL_TLSv1      -       -       $LEGACY  -     openssl
L:TLS-nomin  PROTOCOL_TLS        -       -       $LEGACY  -
EOF

# Rows are clients, columns servers. "yes": the pinned client completed a
# handshake at its version; a version: what a flexible client or a
# hand-built hello got (a ServerHello for the SSLv2-format TLS 1.0 hello);
# "no": refused (for hand-built hellos: an alert, never a ServerHello).
cat >expected.txt <<'EOF'
# (a) Python's defaults: only TLS 1.2 and 1.3, and a PROTOCOL_TLSv1 or
# TLSv1_1 server completes no handshake at all (SECLEVEL 2, minimum 1.2).
client\server TLS TLS_SERVER TLSv1 TLSv1_1 TLSv1_2
SSLv2          no  no  no  no  no
SSLv3          no  no  no  no  no
v2hello-TLSv1  no  no  no  no  no
TLS            1.3 1.3 no  no  1.2
TLSv1          no  no  no  no  no
TLSv1.1        no  no  no  no  no
TLSv1.2        yes yes no  no  yes
TLSv1.3        yes yes no  no  no

# (b) Legacy enabled (ciphers "DEFAULT:@SECLEVEL=0", minimum TLSv1 on
# TLS/TLS_SERVER): the seed's table cell for cell (its SSLv2 and SSLv3
# columns cannot be built with this OpenSSL), plus the TLS 1.3 row and the
# SSLv2-format hello of old SSLv23 clients (TLS 1.0 over plain RSA).
client\server L:TLS L:TLS_SERVER L:TLSv1 L:TLSv1_1 L:TLSv1_2
SSLv2          no  no  no  no  no
SSLv3          no  no  no  no  no
v2hello-TLSv1  1.0 1.0 1.0 no  no
TLS            1.3 1.3 1.0 1.1 1.2
TLSv1          yes yes yes no  no
TLSv1.1        yes yes no  yes no
TLSv1.2        yes yes no  no  yes
TLSv1.3        yes yes no  no  no

# (c) Version pins and OP_NO_TLSv* on the TLS column; SSLv3 stays out even
# with OP_NO_SSLv3 cleared and minimum MINIMUM_SUPPORTED. A sharp edge of
# Python's that tlsfront shares: OP_NO_TLSv1 does not stop PROTOCOL_TLSv1
# (a fixed-version method ignores the OP_NO_TLSv* bits).
client\server max1_2 min1_3 noTLSv1_3 L:max1_2 L:only1_1 L:noTLSv1 L:noTLSv1_2 L:noTLSv1_3 L:TLSv1+NO L:TLS+SSLv3
SSLv2          no  no  no  no  no  no  no  no  no  no
SSLv3          no  no  no  no  no  no  no  no  no  no
v2hello-TLSv1  no  no  no  1.0 no  no  1.0 1.0 1.0 1.0
TLS            1.2 1.3 1.2 1.2 1.1 1.3 1.3 1.2 1.0 1.3
TLSv1          no  no  no  yes no  no  yes yes yes yes
TLSv1.1        no  no  no  yes yes yes yes yes no  yes
TLSv1.2        yes no  yes yes no  yes no  yes no  yes
TLSv1.3        no  yes no  no  no  yes yes no  no  yes

# (d) default_suites "openssl", as Debian, Ubuntu and Fedora build python3:
# the cipher list and minimum version are OpenSSL's system defaults (on
# Debian 12: its DEFAULT list at security level 2, and no minimum). Still
# TLS 1.2 and 1.3 only, cell for cell as (a): TLS 1.0 and 1.1 stay enabled,
# but at level 2 (1 would do) the server has no signature algorithm for
# them (OpenSSL 3 rates their MD5+SHA-1 and SHA-1 below level 1) and
# refuses every such client, even a plain-RSA one ("no suitable signature
# algorithm"; the SSLv2-format hello gets alert internal_error where (a)
# sends protocol_version). With ciphers "DEFAULT:@SECLEVEL=0" (OL:) the
# missing minimum shows: TLS 1.0 works without the minimum_version (b)
# needs, while the python profile with the same ciphers and no minimum
# (L:TLS-nomin) keeps CPython's TLS 1.2. (These cells are Debian 12's
# /etc/ssl/openssl.cnf; one that sets MinProtocol or another CipherString
# makes other ones: t23 checks the profile under a configuration of its own.)
client\server O:TLS O:TLS_SERVER O:TLSv1 O:TLSv1_1 O:TLSv1_2 OL:TLS OL:TLSv1 L:TLS-nomin
SSLv2          no  no  no  no  no  no  no  no
SSLv3          no  no  no  no  no  no  no  no
v2hello-TLSv1  no  no  no  no  no  1.0 1.0 no
TLS            1.3 1.3 no  no  1.2 1.3 1.0 1.3
TLSv1          no  no  no  no  no  yes yes no
TLSv1.1        no  no  no  no  no  yes no  no
TLSv1.2        yes yes no  no  yes yes no  yes
TLSv1.3        yes yes no  no  no  yes no  yes
EOF

ncols=$(grep -c . columns.txt)
"$PYTHON" "$SEEDTABLE" ports "$ncols" >ports.txt ||
    hard_error "seedtable.py ports failed"
FIRST_PORT=$(head -n 1 ports.txt)

"$PYTHON" "$SEEDTABLE" conf columns.txt --ports ports.txt \
    --backend-port "$BACKEND_PORT" --certfile certs/rsa.pem \
    --keyfile certs/rsa.key >tlsfront.conf || hard_error "seedtable.py conf"
"$TF_DAEMON" -t -c tlsfront.conf >check.out 2>&1 ||
    { cat check.out >&2; fail "tlsfrontd -t refused the seed-table config"; }
start_tlsfront tlsfront.conf

# Once per python3: its ssl as a client ("py") and as the in-memory
# reference ("pyref"); openssl, gnutls and the hand-built hellos ("raw") with
# the first only. counts-N.txt: what pass N's connections must leave in the
# daemon's access log.
seed_pass() {
	if [ "$PY_PASS" -eq 1 ]; then
		stacks=raw,py,openssl,gnutls,pyref
	else
		stacks=py,pyref
	fi
	timeout -k 5 $(scale 120) "$PYTHON" "$SEEDTABLE" table columns.txt \
	    expected.txt --ports ports.txt --certfile certs/rsa.pem \
	    --keyfile certs/rsa.key --cafile "$CAFILE" \
	    --timeout "$(scale 10)" --stacks "$stacks" \
	    --counts-out "counts-$PY_PASS.txt" >"table-$PY_PASS.txt"
	st=$?
	log "measured table, pass $PY_PASS (rows: clients; columns: servers;" \
	    "stacks $stacks):"
	sed "s/^/[$TEST_NAME]   /" "table-$PY_PASS.txt" >&2
	[ $st -eq 0 ] || fail "pass $PY_PASS ($(python_label "$PYTHON")):" \
	    "the seed table differs from the expected one (seedtable.py" \
	    "exit $st; '!' cells above, MISMATCH lines give details)"
}
each_python seed_pass
# Per column, the sums over all passes.
cat counts-*.txt | awk '{ p[$1] = $2; e[$1] += $3; c[$1] += $4 }
    END { for (n in p) print n, p[n], e[n], c[n] }' | sort >counts.txt

# Every completed handshake is logged as end=closed on its listener. Every
# refused or abandoned one is logged as end=handshake_error, or counted in
# the daemon's rate-limit summary ("suppressed N handshake_error access
# lines", at most 10 lines a second pass), which names no listener: so per
# listener at most the expected number, and in total exactly.
hs_logged() {
	echo $(( $(access_lines 'end=handshake_error' | wc -l) +
	    $(sed -n 's/.*suppressed \([0-9]*\) handshake_error access lines.*/+ \1/p' \
	    "$DAEMON_LOG" | tr '\n' ' ' | sed 's/^+//;s/^ *$/0/') ))
}
# One pass over the access log, once every completed handshake is in it.
closed=$(awk '{ c += $4 } END { print c + 0 }' counts.txt)
wait_count ' access conn=.* end=closed( |$)' "$DAEMON_LOG" "$closed" ||
    fail "expected $closed end=closed access lines in all"
bad=$(access_lines . | awk -v counts=counts.txt '
BEGIN {
	while ((getline l < counts) > 0) {
		split(l, f, " ")
		name[f[2]] = f[1]; hs[f[2]] = f[3]; cl[f[2]] = f[4]
	}
}
{
	port = ""; end = ""
	for (i = 1; i <= NF; i++) {
		if ($i ~ /^listen=/) {
			port = $i
			sub(/.*:/, "", port)
		} else if ($i ~ /^end=/) {
			end = substr($i, 5)
			break
		}
	}
	if (!(port in name))
		stray++
	else if (end == "closed")
		nc[port]++
	else if (end == "handshake_error")
		nh[port]++
	else
		no[port]++
}
END {
	for (p in name) {
		c = "column " name[p] " (port " p "): "
		if (nc[p] + 0 != cl[p])
			print c (nc[p] + 0) " end=closed lines, want " cl[p]
		if (nh[p] + 0 > hs[p])
			print c nh[p] " end=handshake_error lines, more than the " \
			    hs[p] " refused handshakes"
		if (no[p] + 0 > 0)
			print c no[p] " access lines with another end"
	}
	if (stray > 0)
		print stray " access lines on no column'"'"'s listener"
}')
[ -z "$bad" ] || fail "daemon log: $bad"
want=$(awk '{ e += $3; c += $4 } END { print e }' counts.txt)
_n=$(( $(scale 10) * 10 ))
while [ "$(hs_logged)" -lt "$want" ] && [ $_n -gt 0 ]; do
	_n=$((_n - 1))
	sleep 0.1
done
[ "$(hs_logged)" -eq "$want" ] ||
    fail "$want handshakes refused, the daemon logged or summarized" \
    "$(hs_logged) as end=handshake_error"
log "daemon log: $want handshakes refused, each logged as" \
    "end=handshake_error or counted in a rate-limit summary;" \
    "$(access_lines 'end=closed' | wc -l) end=closed, as expected per listener"

out=$(client request --port "$FIRST_PORT" --cafile "$CAFILE" \
    --data 'still serving\n' --expect-echo) ||
    fail "good request failed after the refused handshakes"
[ "$out" = "still serving" ] || fail "final request: got '$out'"
stop_tlsfront
exit 0
