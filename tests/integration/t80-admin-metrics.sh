#!/bin/sh
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
# The admin endpoint (issue 14, items 1 and 2), two workers:
# - /metrics passes `promtool check metrics`, and a real Prometheus
#   (Debian's, on loopback, with a scrape config written here) scrapes it:
#   its HTTP API gives the values this test caused;
# - what each client did shows exactly: N full and M resumed handshakes,
#   by version and cipher, the histogram's count; one failure of each
#   reason (no shared cipher, version, a client's alert, a missing client
#   certificate, timeout, not TLS); bytes each way; a backend server down
#   and a connect failure;
# - SSLContext.session_stats() per context equals what Python's ssl
#   counts for the same clients (every python3 on the machine);
# - the certificate's not-after is the file's;
# - counters never go down: a reload and a killed worker keep them;
#   reloads ok/failed and the generation are counted;
# - HTTP: GET only (405), bad or oversized requests 400 and closed,
#   keep-alive; the endpoint moves to a unix socket by a reload;
# - /healthz: 200, then 503 "draining" while a connection drains;
# - the per-address limit's hits.
. "$TF_SRCDIR/tests/integration/lib.sh"

require_tool openssl
require_tool promtool prometheus curl	# promtool: Debian's prometheus
make_certs
start_backend echo
ECHO=$BACKEND_PORT
M="$PYTHON $TF_SRCDIR/tests/helpers/metrics.py"
P=$(free_port)		# the default context
P_MTLS=$(free_port)	# client certificates required
P_REF=$(free_port)	# a context only the session_stats() clients use
P_GONE=$(free_port)	# its only backend server is dead
ADMIN=$(free_port)
DEAD=$(free_port)	# nothing listens here
PROM=$(free_port)
URL=http://127.0.0.1:$ADMIN/metrics

# conf FILE ADMIN-LISTEN [DAEMON-EXTRA]
conf() {
	cat >"$1" <<EOF
daemon = {
  workers = 2;
  admin = { listen = "$2"; };
  timeouts = { handshake = 1; connect = 2; idle = 300; drain = 30; };
  log = { level = "info"; access = "text"; };
  ${3:-}
};
contexts = {
  default = { $CERT_RSA };
  mtls = {
    $CERT_RSA
    verify_mode = "CERT_REQUIRED";
    verify_locations = { cafile = "certs/ca.pem"; };
  };
  ref = { $CERT_RSA };
};
listeners = (
  { listen = "127.0.0.1:$P"; context = "default"; backend = "web"; },
  { listen = "127.0.0.1:$P_MTLS"; context = "mtls"; backend = "web"; },
  { listen = "127.0.0.1:$P_REF"; context = "ref"; backend = "web"; },
  { listen = "127.0.0.1:$P_GONE"; context = "default"; backend = "gone"; }
);
backends = {
  web = { servers = [ "127.0.0.1:$ECHO" ]; };
  gone = { servers = [ "127.0.0.1:$DEAD" ]; };
  pool = {
    servers = [ "127.0.0.1:$ECHO", "127.0.0.1:$DEAD" ];
    health_check = { interval = 0.2; timeout = 0.5; rise = 1; fall = 2; };
  };
};
EOF
}

# s_client PORT ARGS...: one connection, nothing sent after the handshake.
s_client() {
	_sp=$1
	shift
	printf '' | timeout -k 5 $(scale 20) openssl s_client \
	    -connect "127.0.0.1:$_sp" "$@" >>s_client.out 2>&1 || true
}

# metric_is LINE: /metrics has LINE, whole.
metric_is() {
	curl -s "$URL" | grep -qxF -- "$1"
}

tcp_admin_closed() {
	! curl -s --max-time 1 "http://127.0.0.1:$ADMIN/healthz" >/dev/null 2>&1
}

snap() {
	$M snapshot "$URL" "$1" || fail "cannot read $URL"
}

# expect OLD NEW NAME [KEY=VALUE...] = N: the samples of NAME with those
# labels rose by N in all, from snapshot OLD to NEW (one delta per pair of
# snapshots, read with awk: Python starts slowly).
expect() {
	_d=$WORK/delta-${1%.json}-${2%.json}.txt
	[ -f "$_d" ] || $M delta "$1" "$2" >"$_d" || fail "delta $1 $2"
	_name=$3
	shift 3
	_labels=
	while [ "$1" != "=" ]; do
		_labels="$_labels $1"
		shift
	done
	_got=$(awk -v name="$_name" -v want="$_labels" '
	    {
		i = index($1, "{")
		if (substr($1, 1, i - 1) != name)
			next
		have = "," substr($1, i + 1, length($1) - i - 1) ","
		n = split(want, w, " ")
		for (k = 1; k <= n; k++)
			if (index(have, "," w[k] ",") == 0)
				next
		sum += $2
	    }
	    END { print sum + 0 }' "$_d")
	[ "$_got" = "$2" ] ||
	    fail "$_name{$_labels }: rose by $_got, not $2"
	log "$_name{$_labels } +$2"
}

conf tlsfront.conf "127.0.0.1:$ADMIN"
start_tlsfront tlsfront.conf
wait_port "$ADMIN" || fail "the admin endpoint does not listen"

# --- Prometheus, scraping every second ---------------------------------
cat >prometheus.yml <<EOF
global: { scrape_interval: 1s, scrape_timeout: 1s }
scrape_configs:
  - job_name: tlsfront
    static_configs: [ { targets: [ "127.0.0.1:$ADMIN" ] } ]
EOF
promtool check config prometheus.yml >promtool-config.out 2>&1 ||
    fail "promtool refuses the test's scrape config: $(cat promtool-config.out)"
prometheus --config.file=prometheus.yml --storage.tsdb.path="$WORK/tsdb" \
    --web.listen-address="127.0.0.1:$PROM" >prometheus.log 2>&1 &
track $!
PROMURL=http://127.0.0.1:$PROM
$M prom-wait "$PROMURL" 'up{job="tlsfront"}' 1 "$(scale 30)" >/dev/null ||
    fail "Prometheus does not scrape the endpoint: $(tail -5 prometheus.log)"
log "Prometheus on $PROM scrapes 127.0.0.1:$ADMIN"

# The health checks take the dead server of "pool" down.
wait_for 5 metric_is "tlsfront_backend_server_up{backend=\"pool\",server=\"127.0.0.1:$DEAD\"} 0" ||
    fail "pool's dead server is not down in /metrics"
sleep 1.2	# the session stats are copied once a second
snap before.json
prom_hs=$($M prom "$PROMURL" "sum(tlsfront_handshakes_total{listener=\"127.0.0.1:$P\"})")
prom_ver=$($M prom "$PROMURL" "sum(tlsfront_handshake_failures_total{reason=\"version\"})")

# --- what the clients do ------------------------------------------------
: >s_client.out
for i in 1 2 3 4 5; do
	s_client "$P" -tls1_3
done
s_client "$P" -tls1_2 -sess_out sess.pem
for i in 1 2 3; do
	s_client "$P" -tls1_2 -sess_in sess.pem
done
$M echo "$P" "$CAFILE" 1000 || fail "the echo client failed"
# One failure of each reason.
s_client "$P" -tls1_2 -cipher AES128-SHA				# no_shared_cipher
s_client "$P" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'			# version
OTHER_CA=$WORK/other-ca.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout other-ca.key -out "$OTHER_CA" -subj /CN=other -days 2 \
    >/dev/null 2>&1 || hard_error "openssl req failed"
s_client "$P" -verify_return_error -CAfile "$OTHER_CA"		# alert_received
s_client "$P_MTLS" -tls1_3						# client_cert
$M hold "$P" 1.5							# timeout
curl -s --max-time 5 "http://127.0.0.1:$P/" >/dev/null 2>&1 || true	# other
s_client "$P_GONE"							# no backend
wait_count ' access conn=' "$DAEMON_LOG" 17 || fail "not every client was logged"
sleep 1.2
snap after.json
$M delta before.json after.json >delta.txt
log "what changed:"
sed 's/^/    /' delta.txt >&2

L="listener=127.0.0.1:$P"
expect before.json after.json tlsfront_connections_total "$L" = 15
expect before.json after.json tlsfront_handshakes_total "$L" resumed=false = 7
expect before.json after.json tlsfront_handshakes_total "$L" resumed=true = 3
expect before.json after.json tlsfront_handshakes_by_cipher_total \
    version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 = 7
expect before.json after.json tlsfront_handshakes_by_cipher_total \
    version=TLSv1.2 cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 4
# Ten on P, and the one of P_GONE's client (its backend failed later).
expect before.json after.json tlsfront_handshake_duration_seconds_count = 11
expect before.json after.json tlsfront_handshake_duration_seconds_bucket \
    le=+Inf = 11
for reason in no_shared_cipher version alert_received timeout; do
	expect before.json after.json tlsfront_handshake_failures_total "$L" \
	    "reason=$reason" = 1
done
expect before.json after.json tlsfront_handshake_failures_total "$L" \
    reason=other = 1
expect before.json after.json tlsfront_handshake_failures_total \
    "listener=127.0.0.1:$P_MTLS" reason=client_cert = 1
expect before.json after.json tlsfront_received_bytes_total "$L" = 1000
expect before.json after.json tlsfront_sent_bytes_total "$L" = 1000
expect before.json after.json tlsfront_connections_open "$L" = 0
expect before.json after.json tlsfront_no_backend_total = 1
expect before.json after.json tlsfront_backend_connect_failures_total \
    backend=gone "server=127.0.0.1:$DEAD" = 1
[ "$($M value after.json tlsfront_backend_server_up backend=pool \
    "server=127.0.0.1:$ECHO")" = 1 ] || fail "pool's live server not up"
[ "$($M value after.json tlsfront_listener_up "$L")" = 1 ] ||
    fail "listener not up"

# The same through Prometheus: what it scraped rose by as much.
$M prom-wait "$PROMURL" "sum(tlsfront_handshakes_total{listener=\"127.0.0.1:$P\"})" \
    $((prom_hs + 10)) "$(scale 10)" >/dev/null ||
    fail "Prometheus' handshakes did not rise by 10 from $prom_hs"
$M prom-wait "$PROMURL" "sum(tlsfront_handshake_failures_total{reason=\"version\"})" \
    $((prom_ver + 1)) "$(scale 10)" >/dev/null ||
    fail "Prometheus' version failures did not rise by 1 from $prom_ver"
log "Prometheus: handshakes $prom_hs -> $((prom_hs + 10)), version failures $prom_ver -> $((prom_ver + 1))"

# The certificate's not-after, as the file says.
end=$(openssl x509 -in certs/rsa.pem -noout -enddate | cut -d= -f2)
want=$(date -u -d "$end" +%s)
got=$($M value after.json tlsfront_certificate_not_after_seconds \
    context=default) || fail "no not-after for context default"
[ "$got" = "$want" ] || fail "not-after $got, the file says $want ($end)"
$M prom-wait "$PROMURL" 'tlsfront_certificate_not_after_seconds{context="default"}' \
    "$want" "$(scale 10)" >/dev/null || fail "Prometheus has another not-after"
log "certificate not-after $want ($end), in /metrics and in Prometheus"

curl -s "$URL" >metrics.txt
promtool check metrics <metrics.txt >promtool.out 2>&1 ||
    fail "promtool check metrics: $(cat promtool.out)"
[ ! -s promtool.out ] || fail "promtool check metrics says: $(cat promtool.out)"
log "promtool check metrics: no problem in $(wc -l <metrics.txt) lines"

# --- session_stats(): the same as Python's for the same clients ---------
sess_clients() {
	: >sess-ref.pem
	s_client "$1" -tls1_2 -sess_out sess-ref.pem
	s_client "$1" -tls1_2 -sess_in sess-ref.pem
	s_client "$1" -tls1_2 -sess_in sess-ref.pem
	s_client "$1" -tls1_2
}
# The reference: each python3 on the machine as the server; they agree.
ref_server() {
	rm -f ref.port
	"$PYTHON" "$TF_SRCDIR/tests/helpers/metrics.py" refserver \
	    certs/rsa.pem certs/rsa.key ref.port 4 "ref-stats-$PY_PASS.json" &
	REF_PID=$!
	track $REF_PID
	wait_file ref.port || hard_error "$PYTHON's server did not start"
	sess_clients "$(cat ref.port)"
	wait $REF_PID || fail "$PYTHON's server failed"
	log "$PYTHON: $(cat "ref-stats-$PY_PASS.json")"
	cmp -s ref-stats-1.json "ref-stats-$PY_PASS.json" ||
	    fail "the python3s' session_stats() differ"
}
each_python ref_server
cp ref-stats-1.json ref-stats.json
snap sess0.json
sess_clients "$P_REF"
sleep 1.2
snap sess1.json
"$PYTHON" -c 'import json, sys
for k, v in sorted(json.load(open(sys.argv[1])).items()):
    print(k, v)' ref-stats.json >ref-stats.txt
[ "$(wc -l <ref-stats.txt)" = 11 ] ||
    fail "session_stats() has not the 11 keys: $(cat ref-stats.txt)"
while read -r stat want; do
	name=tlsfront_session_stats_${stat}_total
	[ "$stat" = number ] && name=tlsfront_session_stats_number
	expect sess0.json sess1.json "$name" context=ref = "$want"
done <ref-stats.txt
log "session_stats() of context ref: as every python3's ($(cat ref-stats.json))"

# --- counters never go down: a killed worker, a reload --------------------
snap k0.json
kill -KILL "$(worker_pid 0)"
wait_grep 'worker [0-9] exited on signal 9' "$DAEMON_LOG" ||
    fail "the killed worker was not noticed"
wait_for 5 metric_is 'tlsfront_workers{state="running"} 2' ||
    fail "the killed worker was not replaced"
snap k1.json
for f in tlsfront_connections_total tlsfront_handshakes_total \
    tlsfront_handshake_failures_total tlsfront_received_bytes_total; do
	expect k0.json k1.json "$f" = 0
done
log "a killed worker's counts stay"

kill -HUP "$TLSFRONT_PID"
wait_grep 'reloaded:' "$DAEMON_LOG" || fail "no reload"
wait_for 10 metric_is 'tlsfront_workers{state="retiring"} 0' ||
    fail "the old workers do not retire"
snap r1.json
expect k1.json r1.json tlsfront_config_generation = 1
expect k1.json r1.json tlsfront_reloads_total result=ok = 1
for f in tlsfront_connections_total tlsfront_handshakes_total \
    tlsfront_handshake_failures_total tlsfront_session_stats_hits_total; do
	expect k1.json r1.json "$f" = 0
done
echo 'daemon = { workers = "two"; };' >broken.conf
cp tlsfront.conf good.conf
cp broken.conf tlsfront.conf
kill -HUP "$TLSFRONT_PID"
wait_grep 'reload failed' "$DAEMON_LOG" || fail "the broken reload was not refused"
snap r2.json
expect r1.json r2.json tlsfront_reloads_total result=failed = 1
expect r1.json r2.json tlsfront_config_generation = 0
$M prom-wait "$PROMURL" 'tlsfront_reloads_total{result="failed"}' 1 \
    "$(scale 10)" >/dev/null || fail "Prometheus did not see the failed reload"
log "reloads: generation and ok/failed counted; counts kept"

# --- HTTP ------------------------------------------------------------------
$M http "$ADMIN" >http.out 2>&1 || fail "HTTP checks: $(cat http.out)"
sed 's/^/    /' http.out >&2
healthz_is 200 ok "http://127.0.0.1:$ADMIN/healthz" ||
    fail "/healthz: $(cat healthz.out)"

# A reload moves the endpoint to a unix socket ("listen :" is libconfig's
# other spelling, which start_tlsfront's port scan leaves alone).
conf tlsfront.conf "unix:admin.sock"
kill -HUP "$TLSFRONT_PID"
wait_count 'reloaded:' "$DAEMON_LOG" 2 || fail "no second reload"
wait_for 5 healthz_is 200 ok --unix-socket admin.sock http://x/healthz ||
    fail "no /healthz on the unix socket"
[ "$(stat -c %a admin.sock)" = 660 ] || fail "admin.sock is $(stat -c %a admin.sock)"
wait_for 3 tcp_admin_closed || fail "the old TCP endpoint still answers"
# Only the master and the admin process hold the socket: the workers the
# reload forked while it was new do not.
holders=$(ss -Hxlp src "$WORK/admin.sock" | grep -o 'pid=[0-9]*' | sort -u |
    wc -l)
[ "$holders" = 2 ] ||
    fail "$holders processes hold admin.sock: $(ss -Hxlp src "$WORK/admin.sock")"
log "the endpoint moved to a unix socket by a reload; the TCP one closed"

# --- /healthz while draining -------------------------------------------------
$M tlshold "$P" "$CAFILE" 4 &
HOLD=$!
sleep 0.3
kill -TERM "$TLSFRONT_PID"
wait_for 5 healthz_is 503 draining --unix-socket admin.sock http://x/healthz ||
    fail "/healthz is not 503 draining while draining: $(cat healthz.out)"
curl -s --unix-socket admin.sock http://x/metrics | grep -qx 'tlsfront_draining 1' ||
    fail "tlsfront_draining is not 1"
log "/healthz 503 draining while a connection drains"
wait $HOLD
wait_daemon_exit "$(scale 15)"
[ ! -e admin.sock ] || fail "admin.sock left behind"

# --- the per-address limit's hits ---------------------------------------------
conf limits.conf "127.0.0.1:$ADMIN" \
    "limits = { per_address_connections = 2; }; workers = 1;"
sed -i 's/^  workers = 2;$//' limits.conf
start_tlsfront limits.conf
holds=
for i in 1 2 3; do
	$M hold "$P" 2 record &
	holds="$holds $!"
done
wait_grep 'per_address_connections reached' "$DAEMON_LOG" ||
    fail "the third connection was not refused"
curl -s "$URL" >limits.txt
grep -qx 'tlsfront_limit{limit="per_address_connections"} 2' limits.txt ||
    fail "the limit's value: $(grep 'tlsfront_limit{' limits.txt)"
grep -qx 'tlsfront_limit_hits_total{limit="per_address_connections"} 1' limits.txt ||
    fail "the limit's hits: $(grep 'tlsfront_limit_hits_total{' limits.txt)"
# shellcheck disable=SC2086
wait $holds
stop_tlsfront
log "per_address_connections: 1 hit of 3 connections with a limit of 2"

# --- every metric is documented in tlsfront.conf(5) ---------------------------
MANWIDTH=200 man -l "$TF_SRCDIR/man/tlsfront.conf.5" 2>/dev/null | col -b \
    >man.txt || hard_error "man -l failed"
undocumented=
for family in $(sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' metrics.txt); do
	case $family in
	tlsfront_session_stats_*)
		# documented as tlsfront_session_stats_NAME_total, NAME listed
		stat=${family#tlsfront_session_stats_}
		stat=${stat%_total}
		grep -q "$family" man.txt || {
			grep -q "tlsfront_session_stats_name_total" man.txt &&
			    grep -Eq "[ ,]$stat[,;]" man.txt
		} || undocumented="$undocumented $family"
		;;
	*)
		grep -q "$family" man.txt || undocumented="$undocumented $family"
		;;
	esac
done
[ -z "$undocumented" ] || fail "not in tlsfront.conf(5):$undocumented"
log "every one of the $(grep -c '^# TYPE' metrics.txt) metric families is in tlsfront.conf(5)"
