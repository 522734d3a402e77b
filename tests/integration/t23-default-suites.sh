#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# default_suites on the wire. The daemon runs under an OpenSSL system
# configuration made here (OPENSSL_CONF: a cipher string of one TLS 1.2
# suite CPython's string lacks, security level 1, MinProtocol TLSv1.2), so
# that what "left to OpenSSL's system configuration" means is known. A
# default_suites "openssl" context must take exactly that: its one suite,
# not CPython's; a "python" context the reverse. Seen by openssl s_client,
# gnutls-cli and every python3 as clients; the explained contexts must
# equal what every python3 builds for the profile under the same system
# configuration (tests/helpers/pyref.py); -t and the log name the profile;
# a reload that switches a context's profile switches the wire behaviour.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl gnutls-cli
make_certs
start_backend echo
pythons >/dev/null

# In OpenSSL's DEFAULT list, not in CPython's (no ECDHE: plain RSA).
ONLY_SYSTEM=AES128-GCM-SHA256
# In CPython's list, not in the system one made here.
ONLY_PYTHON=ECDHE-RSA-AES128-GCM-SHA256
cat >system.cnf <<EOF
openssl_conf = tf_init
[tf_init]
ssl_conf = tf_ssl
[tf_ssl]
system_default = tf_system
[tf_system]
CipherString = $ONLY_SYSTEM:@SECLEVEL=1
MinProtocol = TLSv1.2
EOF

PP=$(free_port)
PO=$(free_port)
PS=$(free_port)
contexts() {
	echo "  py = { $CERT_RSA };
  os = { default_suites = \"openssl\"; $CERT_RSA };
  sw = { default_suites = \"$1\"; $CERT_RSA };"
}
LISTENERS="$(ctx_listener "$PP" py app)
$(ctx_listener "$PO" os app)
$(ctx_listener "$PS" sw app)"
BACKENDS="  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
write_conf_ctx tlsfront.conf "$(contexts python)" "$LISTENERS" "$BACKENDS"

export OPENSSL_CONF="$WORK/system.cnf"
"$TF_DAEMON" -t -c tlsfront.conf >check.out 2>&1 ||
    { cat check.out >&2; fail "tlsfrontd -t refused the configuration"; }
grep -q "^context \"os\" (tlsfront.conf:[0-9]*): PROTOCOL_TLS_SERVER, default_suites openssl (cipher list and minimum version from OpenSSL's system configuration, $WORK/system.cnf)\$" check.out ||
    { cat check.out >&2; fail "-t does not name context os's profile and file"; }
grep -q '^context "py" (tlsfront.conf:[0-9]*): PROTOCOL_TLS_SERVER, default_suites python ' check.out ||
    { cat check.out >&2; fail "-t does not name context py's profile"; }
"$TF_DAEMON" --explain --json -c tlsfront.conf >explain.json ||
    fail "--explain failed"
start_tlsfront tlsfront.conf
unset OPENSSL_CONF
grep -q 'context "os" (tlsfront.conf:[0-9]*): PROTOCOL_TLS_SERVER, default_suites openssl' \
    "$DAEMON_LOG" || fail "the start-up log does not name context os's profile"

# The explained contexts against every python3's, same system configuration.
for py in $(pythons); do
	OPENSSL_CONF="$WORK/system.cnf" "$py" - "$TF_SRCDIR/tests/helpers" \
	    explain.json >compare.out 2>&1 <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[1])
import pyref
with open(sys.argv[2]) as f:
    ctxs = json.load(f)["contexts"]
bad = 0
for name, profile in (("py", "python"), ("os", "openssl"), ("sw", "python")):
    ref = pyref.reference_context("PROTOCOL_TLS_SERVER", profile)
    for note in ref.notes:
        print("# %s" % note)
    want = {"default_suites": profile,
            "ciphers": pyref.cipher_names(ref.ctx),
            "minimum_version": int(ref.ctx.minimum_version),
            "security_level": ref.ctx.security_level,
            "options": int(ref.ctx.options)}
    got = {k: ctxs[name][k] for k in want}
    print("%s %s: %s" % (name, "equal" if got == want else "DIFFER",
                         json.dumps(got)))
    if got != want:
        print("  python: %s" % json.dumps(want))
        bad += 1
sys.exit(1 if bad else 0)
EOF
	st=$?
	sed "s/^/[$TEST_NAME]   /" compare.out >&2
	[ $st -eq 0 ] || fail "$(python_label "$py"): --explain differs"
	log "$(python_label "$py"): the explained contexts are Python's"
done
# What that means here: the system configuration's one suite, its level
# and minimum for "openssl"; CPython's for "python".
"$PYTHON" - explain.json "$ONLY_SYSTEM" <<'EOF' || fail "--explain: $(cat explain.json)"
import json, sys
c = json.load(open(sys.argv[1]))["contexts"]
tls12 = [x for x in c["os"]["ciphers"] if not x.startswith("TLS_")]
assert tls12 == [sys.argv[2]], tls12
assert c["os"]["security_level"] == 1 and c["os"]["minimum_version"] == 0x303
assert c["py"]["security_level"] == 2 and len(c["py"]["ciphers"]) == 17
EOF

# expect PORT CIPHER yes|no: every client stack, TLS 1.2 with that one suite.
expect() {
	_got=no
	echo | timeout -k 5 $(scale 20) openssl s_client -connect \
	    "127.0.0.1:$1" -tls1_2 -cipher "$2" 2>&1 |
	    grep -q "Cipher is $2" && _got=yes
	[ "$_got" = "$3" ] || fail "s_client, port $1, $2: $_got, want $3"
	_got=no
	_prio="NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:-CIPHER-ALL:+AES-128-GCM"
	case $2 in
	ECDHE-RSA-*) _prio="$_prio:+ECDHE-RSA" ;;
	*) _prio="$_prio:+RSA" ;;
	esac
	timeout -k 5 $(scale 20) gnutls-cli --insecure --port "$1" \
	    --priority "$_prio" 127.0.0.1 </dev/null >gnutls.out 2>&1 &&
	    grep -q 'Handshake was completed' gnutls.out && _got=yes
	[ "$_got" = "$3" ] || fail "gnutls-cli, port $1, $2: $_got, want $3"
	each_python expect_python "$@"
}
expect_python() {
	_out=$(ctxprobe --port "$1" --tls-version 1.2 --ciphers "$2")
	_got=no
	[ "$(probe_get "$_out" cipher)" = "$2" ] &&
	    [ "$(probe_get "$_out" read)" = echo ] && _got=yes
	[ "$_got" = "$3" ] || fail "$(python_label "$PYTHON"), port $1, $2: $_out"
}
expect "$PO" "$ONLY_SYSTEM" yes
expect "$PO" "$ONLY_PYTHON" no
expect "$PP" "$ONLY_SYSTEM" no
expect "$PP" "$ONLY_PYTHON" yes
expect "$PS" "$ONLY_SYSTEM" no
log "openssl profile: $ONLY_SYSTEM only; python profile: CPython's list"

# A reload switches context sw to "openssl": new connections follow it.
write_conf_ctx tlsfront.conf "$(contexts openssl)" "$LISTENERS" "$BACKENDS"
kill -HUP "$TLSFRONT_PID"
wait_grep 'notice: reloaded: ' "$DAEMON_LOG" || fail "reload not done"
wait_grep 'context "sw" .*default_suites openssl' "$DAEMON_LOG" ||
    fail "the reload log does not name context sw's new profile"
expect "$PS" "$ONLY_SYSTEM" yes
expect "$PS" "$ONLY_PYTHON" no
log "after the reload, context sw takes the system configuration's suite"
stop_tlsfront
