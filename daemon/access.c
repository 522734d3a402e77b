/*
 * tlsfront: the access log line written when a connection ends, as
 * key=value text or as one JSON object.
 */
#include <sys/time.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>

#include "access.h"
#include "addr.h"
#include "conn.h"
#include "listener.h"
#include "log.h"
#include "worker.h"

struct access_fields {
	char		 client[TF_ADDR_STRLEN];
	const char	*server;
	const char	*proto;
	const char	*cipher;
	long long	 hs_ms;
	long long	 duration_ms;
};

static long long
access_ms(const struct timeval *from, const struct timeval *to)
{
	struct timeval	d;

	timersub(to, from, &d);
	return (long long)d.tv_sec * 1000 + d.tv_usec / 1000;
}

static void
access_collect(const struct tf_conn *c, struct access_fields *f)
{
	struct timeval	now;
	bool		handshaken = c->handshaken.tv_sec != 0 ||
	    c->handshaken.tv_usec != 0;

	tf_addr_format_sa((const struct sockaddr *)&c->peer, c->peer_len,
	    f->client, sizeof(f->client));
	f->server = c->attempts > 0 ?
	    c->listener->backend->server_names[c->server] : "-";
	f->proto = handshaken ? SSL_get_version(c->ssl) : "-";
	f->cipher = handshaken ? SSL_get_cipher_name(c->ssl) : "-";
	event_base_gettimeofday_cached(c->worker->base, &now);
	f->hs_ms = handshaken ? access_ms(&c->accepted, &c->handshaken) : -1;
	f->duration_ms = access_ms(&c->accepted, &now);
}

/* Copy s into buf with JSON string escaping. */
static const char *
access_json_escape(const char *s, char *buf, size_t len)
{
	size_t	o = 0;

	for (; *s != '\0' && o + 7 < len; s++) {
		unsigned char	ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)ch;
		} else if (ch < 0x20) {
			o += (size_t)snprintf(buf + o, len - o, "\\u%04x", ch);
		} else {
			buf[o++] = (char)ch;
		}
	}
	buf[o] = '\0';
	return buf;
}

static void
access_log_text(const struct tf_conn *c, const struct access_fields *f)
{
	tf_log_info("access conn=%" PRIu64 " client=%s listen=%s backend=%s "
	    "server=%s proto=%s cipher=%s hs_ms=%lld duration_ms=%lld "
	    "bytes_in=%" PRIu64 " bytes_out=%" PRIu64 " end=%s%s%s%s",
	    c->id, f->client, c->listener->name, c->listener->backend->name,
	    f->server, f->proto, f->cipher, f->hs_ms, f->duration_ms,
	    c->bytes_in, c->bytes_out, tf_conn_end_name(c->end),
	    c->detail != NULL ? " detail=\"" : "",
	    c->detail != NULL ? c->detail : "",
	    c->detail != NULL ? "\"" : "");
}

static void
access_log_json(const struct tf_conn *c, const struct access_fields *f)
{
	char	detail[256];

	tf_log_info("{\"conn\":%" PRIu64 ",\"client\":\"%s\",\"listen\":\"%s\","
	    "\"backend\":\"%s\",\"server\":\"%s\",\"proto\":\"%s\","
	    "\"cipher\":\"%s\",\"hs_ms\":%lld,\"duration_ms\":%lld,"
	    "\"bytes_in\":%" PRIu64 ",\"bytes_out\":%" PRIu64 ","
	    "\"end\":\"%s\",\"detail\":\"%s\"}",
	    c->id, f->client, c->listener->name, c->listener->backend->name,
	    f->server, f->proto, f->cipher, f->hs_ms, f->duration_ms,
	    c->bytes_in, c->bytes_out, tf_conn_end_name(c->end),
	    access_json_escape(c->detail != NULL ? c->detail : "", detail,
	    sizeof(detail)));
}

void
tf_access_log(const struct tf_conn *c, enum tf_access_format format)
{
	struct access_fields	f;

	if (format == TF_ACCESS_OFF || !tf_log_enabled(TF_LOG_INFO))
		return;
	access_collect(c, &f);
	if (format == TF_ACCESS_JSON)
		access_log_json(c, &f);
	else
		access_log_text(c, &f);
}
