/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: logging the access line written when a connection ends
 * (formatted by lib/access_line.c), and the rate limit that keeps a
 * flood of failing connections from writing a line each.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "log.h"
#include "ratelimit.h"

#define ACCESS_WINDOW_MS	1000
#define ACCESS_NFIELDS		24	/* journal fields of a line, at most */
#define ACCESS_SUMMARY \
	"suppressed %" PRIu64 " %s lines in the last %.1f s"

static const struct {
	const char		*name;
	enum tf_log_level	 level;
} access_kinds[TF_ACCESS_NKINDS] = {
	[TF_ACCESS_KIND_HANDSHAKE_ERROR] =
	    { "handshake_error access", TF_LOG_INFO },
	[TF_ACCESS_KIND_HANDSHAKE_TIMEOUT] =
	    { "handshake_timeout access", TF_LOG_INFO },
	[TF_ACCESS_KIND_CONNECT_FAILED] =
	    { "connect_failed access", TF_LOG_INFO },
	[TF_ACCESS_KIND_BACKEND_WARNING] =
	    { "backend connect warning", TF_LOG_WARNING },
	[TF_ACCESS_KIND_ACCEPT_PAUSE] =
	    { "accept pause warning", TF_LOG_WARNING },
	[TF_ACCESS_KIND_ADDRESS_LIMIT] =
	    { "per-address limit warning", TF_LOG_WARNING },
	[TF_ACCESS_KIND_PROXY] =
	    { "PROXY protocol warning", TF_LOG_WARNING },
	[TF_ACCESS_KIND_LISTENER] =
	    { "listener warning", TF_LOG_WARNING },
};

/*
 * Workers are processes, so this is per worker. The timer is an
 * event_base_once() event: the base frees it if it never fires.
 */
static struct {
	struct tf_ratelimit	 limits[TF_ACCESS_NKINDS];
	bool			 ready;
	bool			 timer_pending;
	struct event_base	*timer_base;
} access_state;

/* The rate-limited kind of c's access line, or TF_ACCESS_NKINDS. */
static enum tf_access_kind
access_kind_of(enum tf_conn_end end)
{
	switch (end) {
	case TF_END_HANDSHAKE_ERROR:
		return TF_ACCESS_KIND_HANDSHAKE_ERROR;
	case TF_END_HANDSHAKE_TIMEOUT:
		return TF_ACCESS_KIND_HANDSHAKE_TIMEOUT;
	case TF_END_CONNECT_FAILED:
		return TF_ACCESS_KIND_CONNECT_FAILED;
	default:
		return TF_ACCESS_NKINDS;
	}
}

bool
tf_access_wanted(struct event_base *base, enum tf_conn_end end,
    enum tf_access_format format)
{
	enum tf_access_kind	kind = access_kind_of(end);

	if (format == TF_ACCESS_OFF || !tf_log_enabled(TF_LOG_INFO))
		return false;
	return kind == TF_ACCESS_NKINDS || tf_access_may_log(base, kind);
}

/* The number n as a field's value, in buf. */
static struct tf_log_field
access_number(const char *key, char *buf, size_t size, long long n)
{
	snprintf(buf, size, "%lld", n);
	return (struct tf_log_field){ key, buf, strlen(buf) };
}

static struct tf_log_field
access_string(const char *key, struct tf_access_str v)
{
	return (struct tf_log_field){ key, v.s, v.len };
}

/*
 * The journal fields of rec (journalctl TLSFRONT_END=handshake_error);
 * numbers in nums. Returns how many.
 */
static size_t
access_fields(const struct tf_access_record *r,
    struct tf_log_field f[ACCESS_NFIELDS], char nums[6][24],
    char alerts[2][48])
{
	size_t	n = 0;

	f[n++] = access_number("TLSFRONT_CONN_ID", nums[0], sizeof(nums[0]),
	    (long long)r->conn);
	f[n++] = access_string("TLSFRONT_END", tf_access_str(r->end));
	f[n++] = access_string("TLSFRONT_CLIENT", tf_access_str(r->client));
	if (r->peer[0] != '\0')
		f[n++] = access_string("TLSFRONT_PEER",
		    tf_access_str(r->peer));
	f[n++] = access_string("TLSFRONT_LISTEN", r->listen);
	f[n++] = access_string("TLSFRONT_BACKEND", r->backend);
	f[n++] = access_string("TLSFRONT_SERVER", r->server);
	f[n++] = access_string("TLSFRONT_SNI", r->sni);
	f[n++] = access_string("TLSFRONT_PROTO", r->proto);
	f[n++] = access_string("TLSFRONT_CIPHER", r->cipher);
	f[n++] = access_string("TLSFRONT_ALPN", r->alpn);
	f[n++] = access_number("TLSFRONT_HS_MS", nums[1], sizeof(nums[1]),
	    r->hs_ms);
	f[n++] = access_number("TLSFRONT_DURATION_MS", nums[2],
	    sizeof(nums[2]), r->duration_ms);
	f[n++] = access_number("TLSFRONT_BYTES_IN", nums[3], sizeof(nums[3]),
	    (long long)r->bytes_in);
	f[n++] = access_number("TLSFRONT_BYTES_OUT", nums[4],
	    sizeof(nums[4]), (long long)r->bytes_out);
	if (r->detail != NULL)
		f[n++] = access_string("TLSFRONT_DETAIL",
		    tf_access_str(r->detail));
	if (r->alert_sent != 0) {
		tf_access_alert_name(r->alert_sent, alerts[0],
		    sizeof(alerts[0]));
		f[n++] = access_string("TLSFRONT_ALERT_SENT",
		    tf_access_str(alerts[0]));
	}
	if (r->alert_received != 0) {
		tf_access_alert_name(r->alert_received, alerts[1],
		    sizeof(alerts[1]));
		f[n++] = access_string("TLSFRONT_ALERT_RECEIVED",
		    tf_access_str(alerts[1]));
	}
	if (r->client_cert)
		f[n++] = access_string("TLSFRONT_CLIENT_SUBJECT",
		    r->client_subject);
	return n;
}

/*
 * The line goes through tf_log_fields: to the journal (daemon.log.target
 * "journal") it is MESSAGE= with the fields above; elsewhere the line
 * alone. Either way only after tf_access_wanted, so one rate limit holds.
 */
void
tf_access_log(const struct tf_access_record *rec,
    enum tf_access_format format)
{
	char			line[TF_ACCESS_LINE_MAX];
	struct tf_log_field	fields[ACCESS_NFIELDS];
	char			nums[6][24], alerts[2][48];
	size_t			n;

	(void)tf_access_format(rec, format == TF_ACCESS_JSON, line,
	    sizeof(line));
	n = access_fields(rec, fields, nums, alerts);
	tf_log_fields(TF_LOG_INFO, fields, n, "%s", line);
}

static uint64_t
access_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static unsigned	access_rate_limit = TF_ACCESS_RATE_LIMIT;

void
tf_access_set_rate_limit(unsigned lines_per_second)
{
	access_rate_limit = lines_per_second;
	access_state.ready = false;
}

static void
access_init(void)
{
	size_t	i;

	if (access_state.ready)
		return;
	for (i = 0; i < TF_ACCESS_NKINDS; i++)
		tf_ratelimit_init(&access_state.limits[i], access_rate_limit,
		    ACCESS_WINDOW_MS);
	access_state.ready = true;
}

static void
access_log_summary(enum tf_access_kind kind, uint64_t n, uint64_t span_ms)
{
	if (access_kinds[kind].level == TF_LOG_INFO)
		tf_log_info(ACCESS_SUMMARY, n, access_kinds[kind].name,
		    (double)span_ms / 1000.0);
	else
		tf_log_warnx(ACCESS_SUMMARY, n, access_kinds[kind].name,
		    (double)span_ms / 1000.0);
}

/* Log the summaries of the windows that have ended (all if force). */
static void
access_report(uint64_t now, bool force)
{
	uint64_t	n, span;
	size_t		i;

	for (i = 0; i < TF_ACCESS_NKINDS; i++) {
		n = tf_ratelimit_take(&access_state.limits[i], now, force,
		    &span);
		if (n > 0)
			access_log_summary((enum tf_access_kind)i, n, span);
	}
}

static void	access_schedule(struct event_base *, uint64_t);

static void
access_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	uint64_t	now = access_now_ms();

	(void)fd;
	(void)what;
	(void)arg;
	access_state.timer_pending = false;
	access_report(now, false);
	if (access_state.timer_base != NULL)
		access_schedule(access_state.timer_base, now);
}

/* Arm the timer for the end of the first window that holds lines back. */
static void
access_schedule(struct event_base *base, uint64_t now)
{
	struct timeval	tv;
	uint64_t	due, first = UINT64_MAX;
	size_t		i;

	if (access_state.timer_pending)
		return;
	for (i = 0; i < TF_ACCESS_NKINDS; i++)
		if (tf_ratelimit_is_pending(&access_state.limits[i], &due) &&
		    due < first)
			first = due;
	if (first == UINT64_MAX)
		return;
	/* One millisecond late, so the window has surely ended. */
	due = (first > now ? first - now : 0) + 1;
	tv.tv_sec = (time_t)(due / 1000);
	tv.tv_usec = (suseconds_t)(due % 1000) * 1000;
	if (event_base_once(base, -1, EV_TIMEOUT, access_timer_cb, NULL,
	    &tv) == 0) {
		access_state.timer_pending = true;
		access_state.timer_base = base;
	}
}

bool
tf_access_may_log(struct event_base *base, enum tf_access_kind kind)
{
	uint64_t	now, suppressed, span;
	bool		ok;

	if (!tf_log_enabled(access_kinds[kind].level))
		return false;
	access_init();
	now = access_now_ms();
	ok = tf_ratelimit_hit(&access_state.limits[kind], now, &suppressed,
	    &span);
	if (suppressed > 0)
		access_log_summary(kind, suppressed, span);
	if (!ok)
		access_schedule(base, now);
	return ok;
}

void
tf_access_flush(void)
{
	if (access_state.ready)
		access_report(access_now_ms(), true);
	access_state.timer_pending = false;
	access_state.timer_base = NULL;
	tf_access_record_free();
}
