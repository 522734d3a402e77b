/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: formatting the access line. Values are JSON-escaped with
 * lib/json.c in both formats; the text format quotes a value unless it is
 * plain, so a line stays one line and one key=value per field.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_line.h"
#include "clientcert.h"
#include "json.h"

#define ACCESS_RESERVE	256	/* room kept for the fields that follow */
#define ACCESS_RESERVE_LAST 4	/* after the last value: quote, brace, NUL */
/* The room kept for the alerts after detail, by every field before them
 * too: two names of libssl's (the longest is 31 bytes) with their keys,
 * quotes and numbers. */
#define ACCESS_ALERTS_MAX	128

/* The line being built, never longer than its buffer. */
struct access_line {
	char	*buf;
	size_t	 size;
	size_t	 len;
};

/* The client certificate's description, reused for every record. */
static struct tf_clientcert	*access_cert;

struct tf_access_str
tf_access_str(const char *s)
{
	struct tf_access_str	v;

	v.s = s != NULL ? s : "-";
	v.len = strlen(v.s);
	return v;
}

/*
 * The certificate the client presented (verified or refused) into rec;
 * nothing if it sent none. No room for the description: nothing either
 * (the line is still written).
 */
static void
access_client_cert(struct tf_access_record *rec, SSL *ssl)
{
	X509	*x;

	rec->client_subject = tf_access_str(NULL);
	rec->client_cert = false;
	if ((x = tf_clientcert_get(ssl)) == NULL)
		return;
	if (access_cert == NULL &&
	    (access_cert = malloc(sizeof(*access_cert))) == NULL)
		return;
	(void)tf_clientcert_describe(x, access_cert);
	rec->client_cert = true;
	rec->client_subject = tf_access_str(access_cert->subject);
	rec->client_issuer = tf_access_str(access_cert->issuer);
	rec->client_serial = tf_access_str(access_cert->serial);
	rec->client_fingerprint = tf_access_str(access_cert->fingerprint);
}

void
tf_access_record_tls(struct tf_access_record *rec, SSL *ssl, bool handshaken)
{
	const unsigned char	*alpn = NULL;
	unsigned int		 alpn_len = 0;

	if (ssl == NULL)
		handshaken = false;	/* no TLS terminated (passed through) */
	rec->proto = tf_access_str(handshaken ? SSL_get_version(ssl) : NULL);
	rec->cipher = tf_access_str(handshaken ?
	    SSL_get_cipher_name(ssl) : NULL);
	rec->sni = tf_access_str(ssl == NULL ? NULL : SSL_get_servername(ssl,
	    TLSEXT_NAMETYPE_host_name));
	if (handshaken)
		SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
	rec->alpn = alpn_len > 0 ?
	    (struct tf_access_str){ (const char *)alpn, alpn_len } :
	    tf_access_str(NULL);
	access_client_cert(rec, ssl);
}

void
tf_access_record_free(void)
{
	free(access_cert);
	access_cert = NULL;
}

void
tf_access_alert_name(uint16_t alert, char *buf, size_t size)
{
	const char	*name = SSL_alert_desc_string_long(alert);
	size_t		 i;
	int		 n;

	/* libssl's long names are the RFC's with spaces ("unknown CA"). */
	n = snprintf(buf, size, "%s(%u)", name, (unsigned)(alert & 0xff));
	for (i = 0; n > 0 && i < size && buf[i] != '(' && buf[i] != '\0';
	    i++)
		buf[i] = buf[i] == ' ' ? '_' :
		    (char)tolower((unsigned char)buf[i]);
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
	n = vsnprintf(l->buf + l->len, l->size - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n < l->size - l->len ? (size_t)n :
		    l->size - l->len - 1;
}

/*
 * Append v JSON-escaped. Stops short of reserve bytes (the room kept for
 * the fields that follow: a long client-chosen value is cut, the end
 * reason and detail after it are not), never inside an escape.
 */
static void
access_put_escaped(struct access_line *l, struct tf_access_str v,
    size_t reserve)
{
	size_t	room, written;

	room = l->size - l->len;
	room = room > reserve ? room - reserve : 0;
	(void)tf_json_escape(l->buf + l->len, room, v.s, v.len, &written);
	l->len += written;
	l->buf[l->len] = '\0';
}

/* Whether v can be written bare in the text format. */
static bool
access_is_bare(struct tf_access_str v)
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
access_put_text(struct access_line *l, const char *key,
    struct tf_access_str v, bool quote, size_t reserve)
{
	quote = quote || !access_is_bare(v);
	access_putf(l, " %s=%s", key, quote ? "\"" : "");
	access_put_escaped(l, v, reserve);
	access_putf(l, "%s", quote ? "\"" : "");
}

static void
access_put_json(struct access_line *l, const char *key,
    struct tf_access_str v, size_t reserve)
{
	access_putf(l, ",\"%s\":\"", key);
	access_put_escaped(l, v, reserve);
	access_putf(l, "\"");
}

/* The string fields, in the order both formats write them. */
#define ACCESS_NSTRINGS	9

struct access_field {
	const char		*key;
	struct tf_access_str	 v;
};

static void
access_strings(const struct tf_access_record *r,
    struct access_field f[ACCESS_NSTRINGS])
{
	f[0] = (struct access_field){ "client", tf_access_str(r->client) };
	f[1] = (struct access_field){ "listen", r->listen };
	f[2] = (struct access_field){ "backend", r->backend };
	f[3] = (struct access_field){ "server", r->server };
	f[4] = (struct access_field){ "proto", r->proto };
	f[5] = (struct access_field){ "cipher", r->cipher };
	f[6] = (struct access_field){ "sni", r->sni };
	f[7] = (struct access_field){ "alpn", r->alpn };
	f[8] = (struct access_field){ "client_subject", r->client_subject };
}

/* The room kept for the client certificate's fields at the end. */
#define ACCESS_CERT_MAX	1536

/*
 * The client certificate's fields, which follow detail, into l (a buffer
 * of their own, so that the fields before them can keep its length free).
 * The issuer is cut before the serial and fingerprint are.
 */
static void
access_format_cert(const struct tf_access_record *r, bool json,
    struct access_line *l)
{
	/* What each value leaves for those after it: the serial (at most
	 * 129 bytes of hex) and the fingerprint (95) always fit. */
	static const size_t	reserve[3] = { 384, 128, ACCESS_RESERVE_LAST };
	struct access_field	f[3];
	size_t			i;

	f[0] = (struct access_field){ "client_issuer", r->client_issuer };
	f[1] = (struct access_field){ "client_serial", r->client_serial };
	f[2] = (struct access_field){ "client_fingerprint",
	    r->client_fingerprint };
	for (i = 0; i < 3; i++) {
		if (json)
			access_put_json(l, f[i].key, f[i].v, reserve[i]);
		else
			access_put_text(l, f[i].key, f[i].v, false,
			    reserve[i]);
	}
}


/* alert_sent and alert_received after detail, those that happened. */
static void
access_format_alerts(const struct tf_access_record *r, bool json,
    struct access_line *l)
{
	char	name[48];

	if (r->alert_sent != 0) {
		tf_access_alert_name(r->alert_sent, name, sizeof(name));
		access_putf(l, json ? ",\"alert_sent\":\"%s\"" :
		    " alert_sent=%s", name);
	}
	if (r->alert_received != 0) {
		tf_access_alert_name(r->alert_received, name, sizeof(name));
		access_putf(l, json ? ",\"alert_received\":\"%s\"" :
		    " alert_received=%s", name);
	}
}

/* tail: what follows detail, already formatted. */
static void
access_format_text(const struct tf_access_record *r, struct access_line *l,
    const struct access_line *tail)
{
	struct access_field	f[ACCESS_NSTRINGS];
	size_t			i;

	access_strings(r, f);
	access_putf(l, "access conn=%" PRIu64, r->conn);
	for (i = 0; i < ACCESS_NSTRINGS; i++)
		access_put_text(l, f[i].key, f[i].v, false,
		    ACCESS_RESERVE + ACCESS_ALERTS_MAX + tail->len);
	if (r->peer[0] != '\0')
		access_put_text(l, "peer", tf_access_str(r->peer), false,
		    ACCESS_RESERVE + ACCESS_ALERTS_MAX + tail->len);
	access_putf(l, " hs_ms=%lld duration_ms=%lld bytes_in=%" PRIu64
	    " bytes_out=%" PRIu64 " end=%s", r->hs_ms, r->duration_ms,
	    r->bytes_in, r->bytes_out, r->end);
	if (r->detail != NULL)
		access_put_text(l, "detail", tf_access_str(r->detail), true,
		    ACCESS_RESERVE_LAST + ACCESS_ALERTS_MAX + tail->len);
	access_format_alerts(r, false, l);
	access_putf(l, "%s", tail->buf);
}

static void
access_format_json(const struct tf_access_record *r, struct access_line *l,
    const struct access_line *tail)
{
	struct access_field	f[ACCESS_NSTRINGS];
	size_t			i;

	access_strings(r, f);
	access_putf(l, "{\"conn\":%" PRIu64, r->conn);
	for (i = 0; i < ACCESS_NSTRINGS; i++)
		access_put_json(l, f[i].key, f[i].v,
		    ACCESS_RESERVE + ACCESS_ALERTS_MAX + tail->len);
	if (r->peer[0] != '\0')
		access_put_json(l, "peer", tf_access_str(r->peer),
		    ACCESS_RESERVE + ACCESS_ALERTS_MAX + tail->len);
	access_putf(l, ",\"hs_ms\":%lld,\"duration_ms\":%lld,"
	    "\"bytes_in\":%" PRIu64 ",\"bytes_out\":%" PRIu64,
	    r->hs_ms, r->duration_ms, r->bytes_in, r->bytes_out);
	access_put_json(l, "end", tf_access_str(r->end),
	    ACCESS_RESERVE_LAST + ACCESS_ALERTS_MAX + tail->len);
	access_put_json(l, "detail", (struct tf_access_str){
	    r->detail != NULL ? r->detail : "",
	    r->detail != NULL ? strlen(r->detail) : 0 },
	    ACCESS_RESERVE_LAST + ACCESS_ALERTS_MAX + tail->len);
	access_format_alerts(r, true, l);
	access_putf(l, "%s}", tail->buf);
}

size_t
tf_access_format(const struct tf_access_record *rec, bool json, char *buf,
    size_t size)
{
	struct access_line	l = { buf, size, 0 };
	char			cert[ACCESS_CERT_MAX];
	struct access_line	tail = { cert, sizeof(cert), 0 };

	if (size == 0)
		return 0;
	buf[0] = '\0';
	cert[0] = '\0';
	/* Not in a buffer too short for the line's other fields as well. */
	if (rec->client_cert && size >= 4 * sizeof(cert))
		access_format_cert(rec, json, &tail);
	if (json)
		access_format_json(rec, &l, &tail);
	else
		access_format_text(rec, &l, &tail);
	return l.len;
}
