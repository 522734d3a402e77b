#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# -t, the log and --explain give the same warnings: one context per kind of
# warning (a certificate expiring in 5 days, PROTOCOL_TLSv1 that completes
# no handshake, TLS 1.0 enabled beside TLS 1.2+, OP_ENABLE_KTLS) and one
# clean context; each warning at its file:line, in all three places.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl
make_certs
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout soon.key -out soon.pem -days 5 -subj /CN=soon.example \
    2>/dev/null || hard_error "cannot make a certificate"
chmod 600 soon.key
P1=$(free_port)
cat >tlsfront.conf <<EOF2
contexts = {
  soon = { cert_chain = ( { certfile = "soon.pem"; keyfile = "soon.key"; } ); };
  old = { protocol = "PROTOCOL_TLSv1";
    cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } ); };
  mixed = { minimum_version = "TLSv1";
    cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } ); };
  ktls = { options = [ "OP_ENABLE_KTLS" ];
    cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } ); };
  clean = { cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } ); };
};
listeners = ( { listen = "127.0.0.1:$P1"; context = "clean"; backend = "b"; } );
backends = { b = { servers = [ "127.0.0.1:1" ]; }; };
EOF2

# "FILE:LINE: warning: context "NAME": TEXT" -> "NAME|TEXT (FILE:LINE)"
"$TF_DAEMON" -t -c tlsfront.conf >t.out 2>t.err ||
    fail "-t refused a configuration with warnings only: $(cat t.err)"
grep -q '^configuration OK$' t.out || fail "-t did not say configuration OK"
sed -n 's/^\([^:]*:[0-9]*\): warning: context "\([^"]*\)": \(.*\)$/\2|\3 (\1)/p' \
    t.err | sort >t.warnings
[ "$(wc -l <t.warnings)" -eq "$(wc -l <t.err)" ] ||
    fail "-t wrote something else on stderr: $(cat t.err)"

# --explain: "context "NAME" (line N)" blocks with "  warning: TEXT (FILE:LINE)".
"$TF_DAEMON" --explain -c tlsfront.conf >explain.out 2>explain.err ||
    fail "--explain failed: $(cat explain.err)"
awk '/^context "/ { split($0, q, "\""); name = q[2] }
    /^  warning: / { sub(/^  warning: /, ""); print name "|" $0 }' \
    explain.out | sort >explain.warnings
cat t.warnings >&2
diff -u t.warnings explain.warnings >&2 ||
    fail "--explain's warnings differ from -t's"

# One of each kind, at the line of its context (soon, old, mixed) or of
# its options (ktls); none for the clean context.
for want in \
    'soon|certificate CN=soon.example expires within 30 days .*(tlsfront.conf:2)' \
    'old|PROTOCOL_TLSv1 completes no handshake .*ciphers = "DEFAULT:@SECLEVEL=0".*(tlsfront.conf:3)' \
    'old|no client can connect to this context: every handshake failed (tlsfront.conf:3)' \
    'mixed|TLS 1.0/1.1 are enabled but no TLS 1.0/1.1 client can connect at security level 2.*(tlsfront.conf:5)' \
    'ktls|OP_ENABLE_KTLS has no effect.*(tlsfront.conf:7)'; do
	grep -Eq -- "^$(printf '%s' "$want" | sed 's/[|()]/\\&/g')\$" t.warnings ||
	    fail "no warning '$want'"
done
grep -q '^clean|' t.warnings && fail "a warning for the clean context"
[ "$(wc -l <t.warnings)" -eq 5 ] || fail "expected 5 warnings, got $(wc -l <t.warnings)"

# The log at start repeats them.
start_tlsfront tlsfront.conf
for n in soon old mixed ktls; do
	wait_grep "warning: context \"$n\"" "$DAEMON_LOG" ||
	    fail "the log at start lacks the warnings of context $n"
done
[ "$(grep -c 'warning: context "' "$DAEMON_LOG")" -eq 5 ] ||
    fail "the log at start has not exactly the 5 warnings"
stop_tlsfront
