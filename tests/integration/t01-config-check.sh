#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# tlsfrontd -t: a good config prints "configuration OK" and exits 0; broken
# configs print "FILE:LINE: message" for the offending line and exit 1.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
P=$(free_port)

write_conf good.conf "$(listener "$P" app)" \
    '  app = { servers = [ "127.0.0.1:9" ]; };'

# check_conf FILE EXPECTED-EXIT: runs -t, leaves stdout/stderr in out/err.
check_conf() {
	# shellcheck disable=SC2086
	timeout -k 5 $(scale 20) $TF_WRAPPER "$TF_DAEMON" -t -c "$1" \
	    >out 2>err
	_st=$?
	log "tlsfrontd -t -c $1: exit $_st; stdout: $(cat out); stderr: $(cat err)"
	if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|ERROR SUMMARY: [1-9]' err; then
		fail "tlsfrontd -t -c $1: sanitizer/valgrind report"
	fi
	[ "$_st" -eq "$2" ] || fail "tlsfrontd -t -c $1 exited $_st, expected $2"
}

check_conf good.conf 0
grep -qx 'configuration OK' out || fail "good.conf: stdout lacks 'configuration OK'"

# An unknown key on line 3 inside the daemon group.
cat >bad-key.conf <<EOC
daemon = {
  workers = 1;
  bogus_key = 1;
  timeouts = { handshake = 10; connect = 5; idle = 300; drain = 30; };
};
contexts = {
  default = {
    cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } );
  };
};
listeners = ( { listen = "127.0.0.1:$P"; context = "default"; backend = "app"; } );
backends = { app = { servers = [ "127.0.0.1:9" ]; }; };
EOC
check_conf bad-key.conf 1
grep -Eq '(^|/)bad-key\.conf:3: ' err ||
    fail "bad-key.conf: no 'bad-key.conf:3: ...' error on stderr"
grep -E '(^|/)bad-key\.conf:3: ' err | grep -q bogus_key ||
    fail "bad-key.conf: the line-3 error does not name 'bogus_key'"
grep -q 'configuration OK' out && fail "bad-key.conf: said configuration OK"

# A listener (line 11) naming a backend that does not exist.
cat >bad-backend.conf <<EOC
daemon = {
  workers = 1;
  timeouts = { handshake = 10; connect = 5; idle = 300; drain = 30; };
};
contexts = {
  default = {
    cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } );
  };
};
listeners = (
  { listen = "127.0.0.1:$P"; context = "default"; backend = "nosuch"; }
);
backends = { app = { servers = [ "127.0.0.1:9" ]; }; };
EOC
check_conf bad-backend.conf 1
grep -Eq '(^|/)bad-backend\.conf:11: ' err ||
    fail "bad-backend.conf: no 'bad-backend.conf:11: ...' error on stderr"
grep -E '(^|/)bad-backend\.conf:11: ' err | grep -q nosuch ||
    fail "bad-backend.conf: the line-11 error does not name 'nosuch'"
grep -q 'configuration OK' out &&
    fail "bad-backend.conf: said configuration OK"

# A syntax error on line 2.
printf 'daemon = {\n  workers = ;\n};\n' >bad-syntax.conf
check_conf bad-syntax.conf 1
grep -Eq '(^|/)bad-syntax\.conf:2: ' err ||
    fail "bad-syntax.conf: no 'bad-syntax.conf:2: ...' error on stderr"

# The admin endpoint (daemon.admin, issue 14): where it will be, in -t's
# summary; a unix path resolved against the config's directory; a public
# address refused at its line without allow_public.
TF_DAEMON_EXTRA='admin = { listen = "localhost:9100"; };' \
    write_conf admin.conf "$(listener "$P" app)" \
    '  app = { servers = [ "127.0.0.1:9" ]; };'
check_conf admin.conf 0
grep -qx 'admin endpoint on 127.0.0.1:9100' out ||
    fail "admin.conf: stdout lacks 'admin endpoint on 127.0.0.1:9100'"
mkdir sub
TF_DAEMON_EXTRA='admin = { listen = "unix:admin.sock"; };' \
    write_conf sub/admin-unix.conf "$(listener "$P" app)" \
    '  app = { servers = [ "127.0.0.1:9" ]; };'
sed -i 's|"certs/|"../certs/|g' sub/admin-unix.conf
check_conf sub/admin-unix.conf 0
grep -qx "admin endpoint on unix:$PWD/sub/admin.sock" out ||
    fail "admin-unix.conf: stdout lacks 'admin endpoint on unix:$PWD/sub/admin.sock'"
[ ! -e sub/admin.sock ] || fail "tlsfrontd -t made the admin socket"
TF_DAEMON_EXTRA='admin = { listen = "0.0.0.0:9100"; };' \
    write_conf admin-public.conf "$(listener "$P" app)" \
    '  app = { servers = [ "127.0.0.1:9" ]; };'
check_conf admin-public.conf 1
grep -Eq '(^|/)admin-public\.conf:3: daemon\.admin\.listen "0\.0\.0\.0:9100": 0\.0\.0\.0:9100 is not a loopback address; set allow_public = true' err ||
    fail "admin-public.conf: no 'admin-public.conf:3: ... not a loopback address' error"
grep -q 'admin endpoint' out && fail "admin-public.conf: printed the admin endpoint"

exit 0
