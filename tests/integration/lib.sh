# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# tlsfront integration tests: shared helpers, sourced by each tNN-*.sh.
# Each test runs in its own temporary directory; a trap kills the daemon and
# every backend it started. Exit codes follow automake: 0 pass, 1 fail,
# 77 skip, 99 hard error.
#
# Environment: TF_SRCDIR, TF_BUILDDIR (set by "make check"); optional
# TF_WRAPPER (e.g. "valgrind --error-exitcode=66 --leak-check=full"),
# TF_SLOW (timeout multiplier; 10 by default under TF_WRAPPER),
# TF_DAEMON (daemon binary), TF_KEEP=1 (keep the temporary directory).

set -u

if [ -z "${TF_SRCDIR:-}" ] || [ -z "${TF_BUILDDIR:-}" ]; then
	echo "ERROR: TF_SRCDIR and TF_BUILDDIR must be set (run via make check)" >&2
	exit 99
fi

TF_DAEMON=${TF_DAEMON:-$TF_BUILDDIR/daemon/tlsfrontd}
TF_ECHO=${TF_ECHO:-$TF_BUILDDIR/tests/helpers/tf_echo}
TF_CLIENT=$TF_SRCDIR/tests/helpers/tlsclient.py
TF_WRAPPER=${TF_WRAPPER:-}
if [ -n "$TF_WRAPPER" ]; then
	TF_SLOW=${TF_SLOW:-10}
else
	TF_SLOW=${TF_SLOW:-1}
fi
PYTHON=${PYTHON:-python3}

TEST_NAME=$(basename "$0" .sh)
TLSFRONT_PID=
BACKEND_PIDS=
BG_PIDS=
BACKEND_N=0
DAEMON_LOG=
_tf_status=0

# scale N: N seconds times the slowness factor.
scale() {
	echo $(($1 * TF_SLOW))
}

log() {
	echo "[$TEST_NAME] $*" >&2
}

_tf_dump_logs() {
	if [ -n "$DAEMON_LOG" ] && [ -s "$DAEMON_LOG" ]; then
		echo "---- daemon.log (last 150 lines) ----" >&2
		tail -n 150 "$DAEMON_LOG" >&2
	fi
	for f in "$WORK"/backend-*.log; do
		[ -s "$f" ] || continue
		echo "---- $(basename "$f") (last 10 lines) ----" >&2
		tail -n 10 "$f" >&2
	done
}

# fail MESSAGE: the behaviour under test is wrong.
fail() {
	echo "FAIL: [$TEST_NAME] $*" >&2
	_tf_status=1
	_tf_dump_logs
	exit 1
}

# hard_error MESSAGE: the test itself could not run.
hard_error() {
	echo "ERROR: [$TEST_NAME] $*" >&2
	_tf_status=99
	_tf_dump_logs
	exit 99
}

skip() {
	echo "SKIP: [$TEST_NAME] $*" >&2
	exit 77
}

# require_tool NAME...: the test scripts install every tool, so a missing
# one is an error, not a skip.
require_tool() {
	for _t in "$@"; do
		command -v "$_t" >/dev/null 2>&1 ||
		    hard_error "required tool '$_t' not found in PATH"
	done
}

_tf_kill() {
	# _tf_kill PID: TERM, up to 2 s grace, then KILL.
	kill -TERM "$1" 2>/dev/null || return 0
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt 20 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$1" 2>/dev/null || true
}

_tf_cleanup() {
	_rc=$?
	[ "$_tf_status" -ne 0 ] || _tf_status=$_rc
	trap - EXIT INT TERM HUP
	if [ -n "$TLSFRONT_PID" ]; then
		_tf_kill "$TLSFRONT_PID"
	fi
	for _p in $BG_PIDS $BACKEND_PIDS; do
		_tf_kill "$_p"
	done
	cd /
	if [ "${TF_KEEP:-0}" = 1 ]; then
		echo "[$TEST_NAME] kept $WORK" >&2
	else
		rm -rf "$WORK"
	fi
	exit "$_tf_status"
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tlsfront-$TEST_NAME.XXXXXX") ||
    { echo "ERROR: mktemp failed" >&2; exit 99; }
trap _tf_cleanup EXIT
trap 'exit 99' INT TERM HUP
cd "$WORK" || exit 99
DAEMON_LOG=$WORK/daemon.log

require_tool "$PYTHON" timeout
# Resolve python3 from PATH once (a pyenv shim costs most of a second).
PYTHON=$("$PYTHON" -c 'import sys; print(sys.executable)') ||
    hard_error "$PYTHON does not run"
[ -x "$TF_DAEMON" ] || hard_error "daemon not built: $TF_DAEMON"
[ -x "$TF_ECHO" ] || hard_error "backend not built: $TF_ECHO"

TF_PYREF=$TF_SRCDIR/tests/helpers/pyref.py

# pythons: the executables of every python3 on this machine (python3 of each
# PATH entry and /usr/bin/python3, one per real interpreter; $TF_PYTHONS
# replaces the search), one a line, $PYTHON's first. Tests whose client or
# reference is Python's ssl run it with each (tests/helpers/pyref.py).
pythons() {
	if [ ! -s "$WORK/pythons.txt" ]; then
		"$PYTHON" "$TF_PYREF" list >"$WORK/pythons.txt" ||
		    hard_error "tests/helpers/pyref.py list failed"
	fi
	cut -d' ' -f1 "$WORK/pythons.txt"
}

# python_label PYTHON: "EXECUTABLE VERSION (FLAVOUR suites)" for messages.
python_label() {
	pythons >/dev/null
	awk -v p="$1" '$1 == p { printf "%s %s (%s suites)\n", $1, $2, $3 }' \
	    "$WORK/pythons.txt"
}

# client SUBCOMMAND ARGS...: runs tlsclient.py (its own timeouts are bounded
# by --timeout; timeout(1) is a safety net).
client() {
	_sub=$1
	shift
	timeout -k 5 $(scale 120) "$PYTHON" "$TF_CLIENT" "$_sub" \
	    --timeout "$(scale 60)" "$@"
}

# track PID: kill this background process at cleanup.
track() {
	BG_PIDS="$BG_PIDS $1"
}

# free_port: prints a TCP port on 127.0.0.1 that was free a moment ago.
# The kernel may hand out the same ephemeral port again once it is free,
# so a port given to this test before is never given twice.
free_port() {
	_fp_n=0
	while :; do
		_fp=$("$PYTHON" "$TF_CLIENT" free-port) ||
		    hard_error "free_port failed"
		grep -qx "$_fp" "$WORK/ports.given" 2>/dev/null || break
		_fp_n=$((_fp_n + 1))
		[ $_fp_n -lt 50 ] || hard_error "free_port: no new port"
	done
	echo "$_fp" >>"$WORK/ports.given"
	echo "$_fp"
}

# make_certs: makes certs/ (ca.pem, rsa.pem/key, ecdsa.pem/key, ...).
make_certs() {
	sh "$TF_SRCDIR/tests/mkcerts.sh" "$WORK/certs" >&2 ||
	    hard_error "tests/mkcerts.sh failed"
	for _f in ca.pem rsa.pem rsa.key ecdsa.pem ecdsa.key; do
		[ -s "$WORK/certs/$_f" ] ||
		    hard_error "tests/mkcerts.sh did not make certs/$_f"
	done
	CAFILE=$WORK/certs/ca.pem
}

# wait_port PORT [SECONDS]: waits until something listens on PORT.
wait_port() {
	client wait-port --port "$1" --timeout "${2:-$(scale 10)}" ||
	    return 1
}

# wait_file FILE [SECONDS]: waits until FILE exists and is not empty.
wait_file() {
	_n=$(( ${2:-$(scale 10)} * 10 ))
	while [ ! -s "$1" ]; do
		[ $_n -gt 0 ] || return 1
		_n=$((_n - 1))
		sleep 0.1
	done
}

# wait_grep PATTERN FILE [SECONDS]: waits until FILE has a line matching the
# extended regular expression PATTERN.
wait_grep() {
	_n=$(( ${3:-$(scale 10)} * 10 ))
	while ! grep -Eq -- "$1" "$2" 2>/dev/null; do
		[ $_n -gt 0 ] || return 1
		_n=$((_n - 1))
		sleep 0.1
	done
}

# wait_count PATTERN FILE COUNT [SECONDS]: waits until FILE has at least
# COUNT lines matching PATTERN.
wait_count() {
	_n=$(( ${4:-$(scale 10)} * 10 ))
	while [ "$(grep -Ec -- "$1" "$2" 2>/dev/null)" -lt "$3" ]; do
		[ $_n -gt 0 ] || return 1
		_n=$((_n - 1))
		sleep 0.1
	done
}

# wait_for SECONDS COMMAND [ARGS...]: runs COMMAND every 0.1 s until it
# succeeds; false if it has not within SECONDS.
wait_for() {
	_wf_n=$(( $1 * 10 ))
	shift
	until "$@"; do
		[ $_wf_n -gt 0 ] || return 1
		_wf_n=$((_wf_n - 1))
		sleep 0.1
	done
}

# healthz_is CODE BODY CURL-ARGS...: the admin endpoint's GET /healthz
# answers CODE with BODY; CURL-ARGS name it (a URL, or --unix-socket PATH
# http://x/healthz). The body is left in healthz.out.
healthz_is() {
	_hc=$1 _hb=$2
	shift 2
	[ "$(curl -s --max-time 2 -o "$WORK/healthz.out" -w '%{http_code}' \
	    "$@")" = "$_hc" ] && [ "$(cat "$WORK/healthz.out")" = "$_hb" ]
}

# start_backend MODE: starts tf_echo; sets BACKEND_PORT, BACKEND_LOG,
# BACKEND_PID.
start_backend() {
	BACKEND_N=$((BACKEND_N + 1))
	_pf=$WORK/backend-$BACKEND_N.port
	BACKEND_LOG=$WORK/backend-$BACKEND_N.log
	: >"$BACKEND_LOG"
	"$TF_ECHO" -m "$1" -a 127.0.0.1 -p 0 -P "$_pf" -l "$BACKEND_LOG" \
	    2>>"$WORK/backend-$BACKEND_N.err" &
	BACKEND_PID=$!
	BACKEND_PIDS="$BACKEND_PIDS $BACKEND_PID"
	wait_file "$_pf" 10 || hard_error "tf_echo -m $1 did not start"
	BACKEND_PORT=$(cat "$_pf")
	log "backend $BACKEND_N ($1) on port $BACKEND_PORT"
}

# tlsfront_pid: prints the daemon's pid.
tlsfront_pid() {
	echo "$TLSFRONT_PID"
}

# start_tlsfront CONF: starts the daemon in the foreground (stderr to
# daemon.log) and waits until every "listen" address of CONF is listening.
start_tlsfront() {
	_conf=$1
	rm -f "$WORK/daemon.pid" "$WORK/daemon.status"
	# The subshell records the exit status: a zombie still answers kill -0.
	(
		# shellcheck disable=SC2086
		$TF_WRAPPER "$TF_DAEMON" -f -c "$_conf" 2>>"$DAEMON_LOG" &
		echo $! >"$WORK/daemon.pid"
		wait $!
		echo $? >"$WORK/daemon.status"
	) &
	wait_file "$WORK/daemon.pid" 10 || hard_error "could not start daemon"
	TLSFRONT_PID=$(cat "$WORK/daemon.pid")
	for _l in $(sed -n 's/.*listen[ 	]*=[ 	]*"\([^"]*\)".*/\1/p' \
	    "$_conf"); do
		_port=${_l##*:}
		_n=$(( $(scale 15) * 5 ))
		until client wait-port --port "$_port" --timeout 0.2 \
		    2>/dev/null; do
			if [ -s "$WORK/daemon.status" ]; then
				TLSFRONT_PID=
				fail "tlsfrontd exited with status" \
				    "$(cat "$WORK/daemon.status") at startup"
			fi
			[ $_n -gt 0 ] || fail "tlsfrontd does not listen on $_l"
			_n=$((_n - 1))
		done
	done
	log "tlsfrontd running, pid $TLSFRONT_PID"
}

# worker_pid N: the pid of the latest worker N to start serving (from its
# "worker N: serving" line; pgrep -P would also list the admin process).
worker_pid() {
	sed -n "s/^tlsfrontd\[\([0-9]*\)\]: info: worker $1: serving .*/\1/p" \
	    "$DAEMON_LOG" | tail -n 1
}

# daemon_exited: true once the daemon has exited.
daemon_exited() {
	[ -s "$WORK/daemon.status" ]
}

# check_daemon_log: no sanitizer or valgrind reports in daemon.log.
check_daemon_log() {
	if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|ERROR SUMMARY: [1-9]' \
	    "$DAEMON_LOG"; then
		fail "sanitizer/valgrind report in daemon.log"
	fi
}

# stop_tlsfront [SECONDS]: SIGTERM, waits (15 s by default) and asserts exit
# status 0 and a clean log.
stop_tlsfront() {
	[ -n "$TLSFRONT_PID" ] || hard_error "stop_tlsfront: no daemon"
	kill -TERM "$TLSFRONT_PID" 2>/dev/null
	wait_daemon_exit "${1:-$(scale 15)}"
}

# wait_daemon_exit SECONDS: waits for the exit after a SIGTERM already sent.
wait_daemon_exit() {
	wait_file "$WORK/daemon.status" "$1" || {
		_p=$TLSFRONT_PID
		TLSFRONT_PID=
		kill -KILL "$_p" 2>/dev/null
		fail "tlsfrontd still running $1 s after SIGTERM"
	}
	TLSFRONT_PID=
	_st=$(cat "$WORK/daemon.status")
	check_daemon_log
	[ "$_st" = 0 ] || fail "tlsfrontd exited with status $_st after SIGTERM"
	log "tlsfrontd exited with status 0"
}

# access_lines [EXTRA-PATTERN]: the access log lines (optionally filtered).
access_lines() {
	grep -E ' access conn=' "$DAEMON_LOG" | grep -E -- "${1:-.}"
}

# field LINE KEY: the value of KEY=VALUE in LINE.
field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# sent_as_backend_sees FILE [CONN]: from tlsclient output, what a backend
# log line must contain for connection CONN (0): "bytes_in=N sha256=HEX".
sent_as_backend_sees() {
	sed -n "s/^\(conn ${2:-0}: \)\{0,1\}sent bytes=\([0-9]*\) sha256=\([0-9a-f]*\).*/bytes_in=\2 sha256=\3/p" "$1" |
	    head -n 1
}

# listener PORT BACKEND: one entry for write_conf's LISTENERS.
listener() {
	echo "  { listen = \"127.0.0.1:$1\"; context = \"default\"; backend = \"$2\"; }"
}

# write_conf FILE LISTENERS BACKENDS: a config with one "default" context
# (certs/rsa.pem). LISTENERS and BACKENDS are the bodies of the "listeners"
# list and of the "backends" group. TF_WORKERS (1) and TF_TIMEOUTS (the
# contract's defaults) set the daemon group; TF_DAEMON_EXTRA is added to it.
write_conf() {
	cat >"$1" <<EOF
daemon = {
  workers = ${TF_WORKERS:-1};${TF_DAEMON_EXTRA:+
  $TF_DAEMON_EXTRA}
  timeouts = { ${TF_TIMEOUTS:-handshake = 10; connect = 5; idle = 300; drain = 30;} };
  log = { level = "info"; access = "text"; };
};
contexts = {
  default = {
    cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } );
  };
};
listeners = (
$2
);
backends = {
$3
};
EOF
}

# --- helpers for the SSLContext attribute tests (t3x) ---

TF_CTXPROBE=$TF_SRCDIR/tests/helpers/ctxprobe.py

# ctxprobe ARGS...: one connection with tests/helpers/ctxprobe.py; prints
# its key=value lines.
ctxprobe() {
	timeout -k 5 $(scale 60) "$PYTHON" "$TF_CTXPROBE" \
	    --timeout "$(scale 10)" "$@"
}

# probe_get OUTPUT KEY: the value of KEY in ctxprobe's OUTPUT.
probe_get() {
	echo "$1" | sed -n "s/^$2=//p" | head -n 1
}

# ctx_listener PORT CONTEXT BACKEND: one listener entry for write_conf_ctx.
ctx_listener() {
	echo "  { listen = \"127.0.0.1:$1\"; context = \"$2\"; backend = \"$3\"; },"
}

# write_conf_ctx FILE CONTEXTS LISTENERS BACKENDS: like write_conf, with
# the body of the "contexts" group given (certs/ relative paths work).
# LISTENERS may end in a comma.
write_conf_ctx() {
	cat >"$1" <<EOC
daemon = {
  workers = ${TF_WORKERS:-1};
  timeouts = { ${TF_TIMEOUTS:-handshake = 10; connect = 5; idle = 300; drain = 30;} };
  log = { level = "info"; access = "text"; };
};
contexts = {
$2
};
listeners = (
$(printf '%s\n' "$3" | sed '$ s/,$//')
);
backends = {
$4
};
EOC
}

# CERT_RSA: the cert_chain line of a context with certs/rsa.pem.
CERT_RSA='cert_chain = ( { certfile = "certs/rsa.pem"; keyfile = "certs/rsa.key"; } );'

# --- every python3 as client and reference ---

# each_python FUNCTION [ARGS...]: runs FUNCTION once per python3 that
# `pythons` lists, in the current shell (so fail stops the test), with
# PYTHON set to it (client, ctxprobe and direct "$PYTHON" calls use it) and
# PY_PASS to the pass number (1, 2, ...); each pass is logged with
# python_label. PYTHON is restored afterwards.
each_python() {
	pythons >/dev/null
	_ep_saved=$PYTHON
	PY_PASS=0
	for _ep_py in $(pythons); do
		PY_PASS=$((PY_PASS + 1))
		PYTHON=$_ep_py
		log "pass $PY_PASS: $(python_label "$PYTHON")"
		"$@"
	done
	PYTHON=$_ep_saved
}

# npythons: how many python3 `pythons` lists (each_python's passes).
npythons() {
	pythons | wc -l | tr -d ' '
}

# probe_refused OUTPUT: true if ctxprobe ran and its handshake failed (not
# merely: did not succeed; a probe that crashed is no refusal).
probe_refused() {
	case $(probe_get "$1" handshake) in
	fail:*) return 0 ;;
	esac
	return 1
}

# probe_notes OUTPUT: logs ctxprobe's "note=" lines (the CPython release
# differences it worked around, tests/helpers/pyref.py), each the first
# time it comes.
probe_notes() {
	touch "$WORK/notes.seen"
	echo "$1" | sed -n 's/^note=//p' | while read -r _pn; do
		grep -Fxq -- "$_pn" "$WORK/notes.seen" && continue
		echo "$_pn" >>"$WORK/notes.seen"
		log "note: $_pn"
	done
}

# --- session ticket keys (session_ticket_keys, HAProxy's format) ---

# newkey: one 80-byte key (AES-256), base64 on one line, as HAProxy's
# documentation makes them.
newkey() {
	openssl rand 80 | openssl base64 -A
	echo
}

# keyname N FILE: the hex name (first 16 bytes) of key line N of FILE.
keyname() {
	sed -n "${1}p" "$2" | openssl base64 -d -A | head -c 16 | od -An -tx1 |
	    tr -d ' \n'
}

# ticketname PEM: the key name of the session ticket in s_client's -sess_out.
ticketname() {
	openssl sess_id -in "$1" -noout -text |
	    sed -n '/TLS session ticket:/{n;p;}' |
	    sed 's/^ *[0-9a-f]* - //' | cut -c1-47 | tr -d ' -'
}

# nginx_conf_head: the start of a test's nginx.conf (one process in the
# foreground, its pid and error log under $WORK/ngx/); the test adds its
# http block.
nginx_conf_head() {
	cat <<EOF
worker_processes 1;
master_process off;
daemon off;
pid $WORK/ngx/nginx.pid;
error_log $WORK/ngx/error.log info;
events { worker_connections 64; }
EOF
}

# garbage_clients PORT COUNT: COUNT connections, one after the other, that
# send bytes that are not TLS and read until the server closes (each is a
# failed handshake).
garbage_clients() {
	"$PYTHON" - "$1" "$2" <<'PY'
import socket, sys
for i in range(int(sys.argv[2])):
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])),
                                  timeout=10) as s:
        s.sendall(b"\x00garbage, not TLS\xff" * 8)
        try:
            while s.recv(4096):
                pass
        except OSError:
            pass
PY
}
