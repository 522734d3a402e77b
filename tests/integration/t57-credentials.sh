#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# systemd credentials: with the key and its passphrase in
# $CREDENTIALS_DIRECTORY (as LoadCredential= provides them), a config that
# names "${CREDENTIALS_DIRECTORY}/..." loads an encrypted key without a
# console, serves, and reloads; without the variable -t says why.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
mkdir -p "$WORK/creds"
cp "$WORK/certs/enc.key" "$WORK/creds/site.key"
printf 'secret\n' >"$WORK/creds/site.pass"
chmod 700 "$WORK/creds"
chmod 600 "$WORK/creds/site.key" "$WORK/creds/site.pass"
start_backend echo
P=$(free_port)
write_conf tlsfront.conf "$(listener "$P" app)" \
    "  app = { servers = [ \"127.0.0.1:$BACKEND_PORT\" ]; };"
sed -i 's|certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key";|certfile = "certs/enc.pem";\n      keyfile = "${CREDENTIALS_DIRECTORY}/site.key";\n      password_file = "${CREDENTIALS_DIRECTORY}/site.pass";|' \
    tlsfront.conf
grep -q 'CREDENTIALS_DIRECTORY}/site.pass' tlsfront.conf ||
    hard_error "could not write the credentials config"

# Without the variable: a clear error at the line of the keyfile.
line=$(grep -n 'site.key' tlsfront.conf | cut -d: -f1)
out=$(env -u CREDENTIALS_DIRECTORY "$TF_DAEMON" -t -c tlsfront.conf 2>&1) &&
    fail "-t accepted \${CREDENTIALS_DIRECTORY} while it is unset"
echo "$out" | grep -q "^tlsfront.conf:$line: .*CREDENTIALS_DIRECTORY is not set" ||
    fail "no file:line error for the unset variable: $out"

CREDENTIALS_DIRECTORY=$WORK/creds
export CREDENTIALS_DIRECTORY
out=$("$TF_DAEMON" -t -c tlsfront.conf 2>&1) || fail "-t refused: $out"
start_tlsfront tlsfront.conf
for round in 1 2; do
	got=$(client request --port "$P" --cafile "$CAFILE" \
	    --data "round $round\n" --expect-echo) || fail "round $round failed"
	[ "$got" = "round $round" ] || fail "got '$got'"
	if [ $round -eq 1 ]; then
		kill -HUP "$TLSFRONT_PID"
		wait_grep 'notice: reloaded: ' "$DAEMON_LOG" ||
		    fail "reload with credentials failed"
	fi
done
grep -q secret "$DAEMON_LOG" && fail "the passphrase appears in the log"
stop_tlsfront
