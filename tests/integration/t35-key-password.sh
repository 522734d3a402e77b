#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# An encrypted key: the right password (inline or from password_file)
# passes tlsfrontd -t, a wrong one is refused at the entry's line.
. "$TF_SRCDIR/tests/integration/lib.sh"

make_certs
P=$(free_port)
printf 'wrong\n' >wrong.pass
conf() { # FILE PASSWORD-SETTING
	write_conf_ctx "$1" "  default = {
    cert_chain = (
      { certfile = \"certs/enc.pem\"; keyfile = \"certs/enc.key\"; $2 }
    );
  };" "$(ctx_listener "$P" default app)" \
	    '  app = { servers = [ "127.0.0.1:9" ]; };'
}
check() { # FILE EXIT
	# shellcheck disable=SC2086
	timeout -k 5 $(scale 20) $TF_WRAPPER "$TF_DAEMON" -t -c "$1" >out 2>err
	_st=$?
	log "-t $1: exit $_st: $(cat out err)"
	[ "$_st" -eq "$2" ] || fail "tlsfrontd -t -c $1 exited $_st, expected $2"
}
conf good.conf 'password = "secret";'
check good.conf 0
grep -qx 'configuration OK' out || fail "good.conf not OK"
conf goodfile.conf 'password_file = "certs/enc.pass";'
check goodfile.conf 0
conf bad.conf 'password = "not-the-password";'
check bad.conf 1
# The cert_chain entry is on line 9 of the file write_conf_ctx writes.
grep -Eq '(^|/)bad\.conf:9: cannot load private key .*bad password' err ||
    fail "bad.conf: no 'bad.conf:9: ... bad password' error"
conf badfile.conf 'password_file = "wrong.pass";'
check badfile.conf 1
grep -Eq '(^|/)badfile\.conf:9: cannot load private key' err ||
    fail "badfile.conf: no line-9 error"
conf none.conf ''
check none.conf 1
grep -Eq '(^|/)none\.conf:9: .*encrypted and no password' err ||
    fail "none.conf: no line-9 'encrypted' error"
exit 0
