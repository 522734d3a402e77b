/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the access log line written when a connection ends, as
 * key=value text or as one JSON object, and the rate limit that keeps a
 * flood of failing connections from writing a line each.
 */
#include <sys/time.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "access.h"
#include "addr.h"
#include "conn.h"
#include "json.h"
#include "listener.h"
#include "log.h"
#include "ratelimit.h"
#include "worker.h"

#define ACCESS_LINE_MAX		8000	/* log.c formats up to 8191 bytes */
#define ACCESS_RESERVE		256	/* room kept for the fixed fields */
#define ACCESS_SUBJECT_MAX	512	/* bytes of client subject logged */
#define ACCESS_WINDOW_MS	1000
#define ACCESS_SUMMARY \
	"suppressed %" PRIu64 " %s lines in the last %.1f s"

/* A string that need not end in NUL (ALPN, the subject BIO's data). */
struct access_str {
	const char	*s;
	size_t		 len;
};

struct access_fields {
	char			client[TF_ADDR_STRLEN];
	struct access_str	server;
	struct access_str	proto;
	struct access_str	cipher;
	struct access_str	sni;
	struct access_str	alpn;
	struct access_str	subject;
	long long		hs_ms;
	long long		duration_ms;
};

/* The line being built: on the stack, never longer than the buffer. */
struct access_line {
	char	buf[ACCESS_LINE_MAX];
	size_t	len;
};

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
	BIO			*subject_bio;	/* reused for every line */
} access_state;

static struct access_str
access_str_of(const char *s)
{
	struct access_str	v;

	v.s = s != NULL ? s : "-";
	v.len = strlen(v.s);
	return v;
}

static long long
access_ms(const struct timeval *from, const struct timeval *to)
{
	struct timeval	d;

	timersub(to, from, &d);
	return (long long)d.tv_sec * 1000 + d.tv_usec / 1000;
}

/* The verified client certificate's subject (RFC 2253), or "-". */
static struct access_str
access_subject(SSL *ssl)
{
	X509		*cert;
	char		*data;
	long		 n;

	if ((cert = SSL_get0_peer_certificate(ssl)) == NULL ||
	    SSL_get_verify_result(ssl) != X509_V_OK)
		return access_str_of(NULL);
	if (access_state.subject_bio == NULL &&
	    (access_state.subject_bio = BIO_new(BIO_s_mem())) == NULL)
		goto fail;
	(void)BIO_reset(access_state.subject_bio);
	if (X509_NAME_print_ex(access_state.subject_bio,
	    X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) < 0)
		goto fail;
	n = BIO_get_mem_data(access_state.subject_bio, &data);
	if (n <= 0)
		goto fail;
	return (struct access_str){ data, n > ACCESS_SUBJECT_MAX ?
	    ACCESS_SUBJECT_MAX : (size_t)n };
fail:
	ERR_clear_error();
	return access_str_of(NULL);
}

static void
access_collect(const struct tf_conn *c, struct access_fields *f)
{
	struct timeval		 now;
	const unsigned char	*alpn = NULL;
	unsigned int		 alpn_len = 0;
	bool			 handshaken = c->handshaken.tv_sec != 0 ||
	    c->handshaken.tv_usec != 0;

	tf_addr_format_sa((const struct sockaddr *)&c->peer, c->peer_len,
	    f->client, sizeof(f->client));
	f->server = access_str_of(c->attempts > 0 ?
	    c->listener->backend->server_names[c->server] : NULL);
	f->proto = access_str_of(handshaken ? SSL_get_version(c->ssl) : NULL);
	f->cipher = access_str_of(handshaken ?
	    SSL_get_cipher_name(c->ssl) : NULL);
	/* The client sends SNI before any failure we could log. */
	f->sni = access_str_of(SSL_get_servername(c->ssl,
	    TLSEXT_NAMETYPE_host_name));
	if (handshaken)
		SSL_get0_alpn_selected(c->ssl, &alpn, &alpn_len);
	f->alpn = alpn_len > 0 ?
	    (struct access_str){ (const char *)alpn, alpn_len } :
	    access_str_of(NULL);
	f->subject = handshaken ? access_subject(c->ssl) : access_str_of(NULL);
	event_base_gettimeofday_cached(c->worker->base, &now);
	f->hs_ms = handshaken ? access_ms(&c->accepted, &c->handshaken) : -1;
	f->duration_ms = access_ms(&c->accepted, &now);
}

static void access_putf(struct access_line *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Append; what does not fit is cut off (the line stays one line). */
static void
access_putf(struct access_line *l, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n < sizeof(l->buf) - l->len ? (size_t)n :
		    sizeof(l->buf) - l->len - 1;
}

/*
 * Append v JSON-escaped (lib/json.c). Stops short of the room kept for the
 * fields that follow, never inside an escape.
 */
static void
access_put_escaped(struct access_line *l, struct access_str v)
{
	size_t	room, written;

	room = sizeof(l->buf) - l->len;
	room = room > ACCESS_RESERVE ? room - ACCESS_RESERVE : 0;
	(void)tf_json_escape(l->buf + l->len, room, v.s, v.len, &written);
	l->len += written;
	l->buf[l->len] = '\0';
}

/* Whether v can be written bare in the text format. */
static bool
access_is_bare(struct access_str v)
{
	size_t	i;

	if (v.len == 0)
		return false;
	for (i = 0; i < v.len; i++) {
		unsigned char	ch = (unsigned char)v.s[i];

		if (ch <= 0x20 || ch >= 0x7f || ch == '"' || ch == '\\' ||
		    ch == '=')
			return false;
	}
	return true;
}

/* " key=value", quoted and escaped unless the value is plain. */
static void
access_put_text(struct access_line *l, const char *key, struct access_str v,
    bool quote)
{
	quote = quote || !access_is_bare(v);
	access_putf(l, " %s=%s", key, quote ? "\"" : "");
	access_put_escaped(l, v);
	access_putf(l, "%s", quote ? "\"" : "");
}

static void
access_put_json(struct access_line *l, const char *key, struct access_str v)
{
	access_putf(l, ",\"%s\":\"", key);
	access_put_escaped(l, v);
	access_putf(l, "\"");
}

static void
access_log_text(const struct tf_conn *c, const struct access_fields *f)
{
	struct access_line	l;

	l.len = 0;
	access_putf(&l, "access conn=%" PRIu64, c->id);
	access_put_text(&l, "client", access_str_of(f->client), false);
	access_put_text(&l, "listen", access_str_of(c->listener->name), false);
	access_put_text(&l, "backend",
	    access_str_of(c->listener->backend->name), false);
	access_put_text(&l, "server", f->server, false);
	access_put_text(&l, "proto", f->proto, false);
	access_put_text(&l, "cipher", f->cipher, false);
	access_put_text(&l, "sni", f->sni, false);
	access_put_text(&l, "alpn", f->alpn, false);
	access_put_text(&l, "client_subject", f->subject, false);
	access_putf(&l, " hs_ms=%lld duration_ms=%lld bytes_in=%" PRIu64
	    " bytes_out=%" PRIu64 " end=%s", f->hs_ms, f->duration_ms,
	    c->bytes_in, c->bytes_out, tf_conn_end_name(c->end));
	if (c->detail != NULL)
		access_put_text(&l, "detail", access_str_of(c->detail), true);
	tf_log_info("%s", l.buf);
}

static void
access_log_json(const struct tf_conn *c, const struct access_fields *f)
{
	struct access_line	l;

	l.len = 0;
	access_putf(&l, "{\"conn\":%" PRIu64, c->id);
	access_put_json(&l, "client", access_str_of(f->client));
	access_put_json(&l, "listen", access_str_of(c->listener->name));
	access_put_json(&l, "backend",
	    access_str_of(c->listener->backend->name));
	access_put_json(&l, "server", f->server);
	access_put_json(&l, "proto", f->proto);
	access_put_json(&l, "cipher", f->cipher);
	access_put_json(&l, "sni", f->sni);
	access_put_json(&l, "alpn", f->alpn);
	access_put_json(&l, "client_subject", f->subject);
	access_putf(&l, ",\"hs_ms\":%lld,\"duration_ms\":%lld,"
	    "\"bytes_in\":%" PRIu64 ",\"bytes_out\":%" PRIu64,
	    f->hs_ms, f->duration_ms, c->bytes_in, c->bytes_out);
	access_put_json(&l, "end", access_str_of(tf_conn_end_name(c->end)));
	access_put_json(&l, "detail", (struct access_str){
	    c->detail != NULL ? c->detail : "",
	    c->detail != NULL ? strlen(c->detail) : 0 });
	access_putf(&l, "}");
	tf_log_info("%s", l.buf);
}

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

void
tf_access_log(const struct tf_conn *c, enum tf_access_format format)
{
	struct access_fields	f;
	enum tf_access_kind	kind = access_kind_of(c->end);

	if (format == TF_ACCESS_OFF || !tf_log_enabled(TF_LOG_INFO))
		return;
	if (kind != TF_ACCESS_NKINDS &&
	    !tf_access_may_log(c->worker->base, kind))
		return;
	access_collect(c, &f);
	if (format == TF_ACCESS_JSON)
		access_log_json(c, &f);
	else
		access_log_text(c, &f);
	if (access_state.subject_bio != NULL)
		(void)BIO_reset(access_state.subject_bio);
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
	BIO_free(access_state.subject_bio);
	access_state.subject_bio = NULL;
}
