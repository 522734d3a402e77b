/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront fuzzing: the access-line formatter (lib/access_line.c) in both
 * formats, with every string field chosen by the input (control bytes,
 * quotes, invalid UTF-8, values longer than the line). The properties a
 * log reader relies on are checked; a violation abort()s.
 *
 * Input: a 44-byte header (five 8-byte numbers: conn, hs_ms, duration_ms,
 * bytes_in, bytes_out; an end reason index; a flags byte; a buffer size),
 * then up to ten strings, each a 2-byte little-endian length and bytes.
 * The conn number's low bytes also choose the alerts: bit 0 of its first
 * byte says one was sent (its value: the next two bytes), bit 1 that one
 * was received (the two after).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_line.h"
#include "fuzz.h"

#define FUZZ_HEADER	44
#define FUZZ_NSTRINGS	10	/* client, 8 record strings, detail */
#define FUZZ_NKEYS	16

/* The reasons daemon/conn.c writes as end=. */
static const char *const fuzz_ends[] = {
	"closed", "handshake_timeout", "handshake_error", "connect_failed",
	"idle_timeout", "client_error", "backend_error", "shutdown",
	"no_memory",
};

/* The JSON keys, in the order the line holds them. */
static const char *const fuzz_keys[FUZZ_NKEYS] = {
	"conn", "client", "listen", "backend", "server", "proto", "cipher",
	"sni", "alpn", "client_subject", "hs_ms", "duration_ms", "bytes_in",
	"bytes_out", "end", "detail",
};

/* The record and the expected value of each JSON key. */
struct fuzz_case {
	struct tf_access_record	 rec;
	struct tf_access_str	 want[FUZZ_NKEYS];	/* strings only */
	char			 num[FUZZ_NKEYS][24];	/* numbers only */
	char			*owned[FUZZ_NSTRINGS];
	size_t			 size;	/* the buffer size to format into */
};

#define FUZZ_FAIL(...) do {						\
	fprintf(stderr, "fuzz_access_line: " __VA_ARGS__);		\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

static uint64_t
fuzz_u64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/*
 * The next string of the input, in a buffer of its exact length (so
 * that ASan sees an overread) that fc owns; NULL (meaning "-") at the end.
 */
static char *
fuzz_string(struct fuzz_case *fc, size_t i, const uint8_t **p,
    const uint8_t *end, size_t *len)
{
	size_t	n;

	*len = 0;
	if (end - *p < 2)
		return NULL;
	n = (size_t)(*p)[0] | (size_t)(*p)[1] << 8;
	*p += 2;
	if (n > (size_t)(end - *p))
		n = (size_t)(end - *p);
	if ((fc->owned[i] = malloc(n + 1)) == NULL)
		abort();
	memcpy(fc->owned[i], *p, n);
	fc->owned[i][n] = '\0';
	*p += n;
	*len = n;
	return fc->owned[i];
}

static void
fuzz_numbers(struct fuzz_case *fc, const uint8_t *h)
{
	struct tf_access_record	*r = &fc->rec;

	r->conn = fuzz_u64(h);
	r->hs_ms = (long long)fuzz_u64(h + 8);
	r->duration_ms = (long long)fuzz_u64(h + 16);
	r->bytes_in = fuzz_u64(h + 24);
	r->bytes_out = fuzz_u64(h + 32);
	r->end = fuzz_ends[h[40] % (sizeof(fuzz_ends) / sizeof(fuzz_ends[0]))];
	if (h[0] & 1)
		r->alert_sent = (uint16_t)(h[2] << 8 | h[1]);
	if (h[0] & 2)
		r->alert_received = (uint16_t)(h[4] << 8 | h[3]);
	snprintf(fc->num[0], sizeof(fc->num[0]), "%llu",
	    (unsigned long long)r->conn);
	snprintf(fc->num[10], sizeof(fc->num[10]), "%lld", r->hs_ms);
	snprintf(fc->num[11], sizeof(fc->num[11]), "%lld", r->duration_ms);
	snprintf(fc->num[12], sizeof(fc->num[12]), "%llu",
	    (unsigned long long)r->bytes_in);
	snprintf(fc->num[13], sizeof(fc->num[13]), "%llu",
	    (unsigned long long)r->bytes_out);
	fc->want[14] = tf_access_str(r->end);
}

/* Fill fc from the input; false if it is too short for the header. */
static bool
fuzz_case_parse(struct fuzz_case *fc, const uint8_t *data, size_t size)
{
	struct tf_access_record	*r = &fc->rec;
	struct tf_access_str	*fields[8] = { &r->listen, &r->backend,
	    &r->server, &r->proto, &r->cipher, &r->sni, &r->alpn,
	    &r->client_subject };
	const uint8_t		*p = data + FUZZ_HEADER, *end = data + size;
	char			*s;
	size_t			 i, len;

	memset(fc, 0, sizeof(*fc));
	if (size < FUZZ_HEADER)
		return false;
	fuzz_numbers(fc, data);
	/* Sizes below the real one test memory safety only. */
	fc->size = data[42] & 1 ? TF_ACCESS_LINE_MAX :
	    1 + ((size_t)data[43] << 5 | data[42] >> 1) % TF_ACCESS_LINE_MAX;
	s = fuzz_string(fc, 0, &p, end, &len);
	snprintf(r->client, sizeof(r->client), "%s", s != NULL ? s : "-");
	fc->want[1] = tf_access_str(r->client);
	for (i = 0; i < 8; i++) {
		s = fuzz_string(fc, i + 1, &p, end, &len);
		*fields[i] = s != NULL && !(data[41] & 1 << (i % 8) &&
		    len == 0) ? (struct tf_access_str){ s, len } :
		    tf_access_str(NULL);
		fc->want[i + 2] = *fields[i];
	}
	r->detail = fuzz_string(fc, 9, &p, end, &len);
	fc->want[15] = tf_access_str(r->detail != NULL ? r->detail : "");
	return true;
}

static void
fuzz_case_free(struct fuzz_case *fc)
{
	size_t	i;

	for (i = 0; i < FUZZ_NSTRINGS; i++)
		free(fc->owned[i]);
}

static int
fuzz_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	FUZZ_FAIL("bad \\u escape");
}

/*
 * A JSON string at *p, decoded; it must be a prefix of want (a value may
 * be cut, never changed). Advances *p past the closing quote.
 */
static void
fuzz_json_string(const char **p, struct tf_access_str want, const char *key)
{
	const char	*s = *p;
	size_t		 n = 0;
	int		 c;

	if (*s++ != '"')
		FUZZ_FAIL("%s: no string", key);
	for (; *s != '"'; n++) {
		if (*s == '\0')
			FUZZ_FAIL("%s: unterminated string", key);
		if (*s != '\\') {
			c = (unsigned char)*s++;
		} else if (s[1] == '"' || s[1] == '\\') {
			c = (unsigned char)s[1];
			s += 2;
		} else if (s[1] == 'u' && s[2] == '0' && s[3] == '0') {
			c = fuzz_hex(s[4]) << 4 | fuzz_hex(s[5]);
			s += 6;
		} else {
			FUZZ_FAIL("%s: unexpected escape", key);
		}
		if (want.s == NULL || n >= want.len ||
		    (unsigned char)want.s[n] != c)
			FUZZ_FAIL("%s: value changed at byte %zu", key, n);
	}
	*p = s + 1;
}

/* At *p: the alerts the record holds, in full; advances *p past them. */
static void
fuzz_check_alerts(const struct fuzz_case *fc, const char **p, bool json)
{
	const uint16_t	 alerts[2] = { fc->rec.alert_sent,
	    fc->rec.alert_received };
	const char	*keys[2] = { "alert_sent", "alert_received" };
	char		 name[64], want[128];
	size_t		 i;

	for (i = 0; i < 2; i++) {
		if (alerts[i] == 0)
			continue;
		tf_access_alert_name(alerts[i], name, sizeof(name));
		snprintf(want, sizeof(want), json ? ",\"%s\":\"%s\"" :
		    " %s=%s", keys[i], name);
		if (strncmp(*p, want, strlen(want)) != 0)
			FUZZ_FAIL("no \"%s\" at \"%.40s\"", want, *p);
		*p += strlen(want);
	}
}

/*
 * buf must be one JSON object with the keys in order, each string a
 * prefix of what the record held, each number exactly the record's.
 */
static void
fuzz_check_json(const struct fuzz_case *fc, const char *buf)
{
	const char	*p = buf;
	size_t		 i, klen, nlen;

	if (*p++ != '{')
		FUZZ_FAIL("no opening brace");
	for (i = 0; i < FUZZ_NKEYS; i++) {
		if (i > 0 && *p++ != ',')
			FUZZ_FAIL("no comma before %s", fuzz_keys[i]);
		klen = strlen(fuzz_keys[i]);
		if (p[0] != '"' || strncmp(p + 1, fuzz_keys[i], klen) != 0 ||
		    p[klen + 1] != '"' || p[klen + 2] != ':')
			FUZZ_FAIL("key %s missing", fuzz_keys[i]);
		p += klen + 3;
		if (fc->num[i][0] == '\0') {
			fuzz_json_string(&p, fc->want[i], fuzz_keys[i]);
			continue;
		}
		nlen = strlen(fc->num[i]);
		if (strncmp(p, fc->num[i], nlen) != 0)
			FUZZ_FAIL("%s is not %s", fuzz_keys[i], fc->num[i]);
		p += nlen;
	}
	fuzz_check_alerts(fc, &p, true);
	if (strcmp(p, "}") != 0)
		FUZZ_FAIL("trailing bytes after the object");
}

/* The fixed fields are always there in full, and the line starts right;
 * the alerts end it, after detail, and are never cut. */
static void
fuzz_check_text(const struct fuzz_case *fc, const char *buf)
{
	const struct tf_access_record	*r = &fc->rec;
	const char			*p = buf + strlen(buf), *alerts;
	char				 want[256], name[64];

	snprintf(want, sizeof(want), "access conn=%s client=", fc->num[0]);
	if (strncmp(buf, want, strlen(want)) != 0)
		FUZZ_FAIL("text line does not start with \"%s\"", want);
	snprintf(want, sizeof(want), " hs_ms=%s duration_ms=%s bytes_in=%s "
	    "bytes_out=%s end=%s", fc->num[10], fc->num[11], fc->num[12],
	    fc->num[13], r->end);
	if (strstr(buf, want) == NULL)
		FUZZ_FAIL("text line lacks \"%s\"", want);
	if (r->alert_received != 0) {
		tf_access_alert_name(r->alert_received, name, sizeof(name));
		p -= strlen(" alert_received=") + strlen(name);
	}
	if (r->alert_sent != 0) {
		tf_access_alert_name(r->alert_sent, name, sizeof(name));
		p -= strlen(" alert_sent=") + strlen(name);
	}
	if (p <= buf)
		FUZZ_FAIL("text line too short for its alerts");
	alerts = p;
	fuzz_check_alerts(fc, &p, false);
	if (*p != '\0')
		FUZZ_FAIL("text line does not end with its alerts");
	if (r->detail != NULL && alerts[-1] != '"')
		FUZZ_FAIL("text line's detail is not closed");
}

/* Format into a buffer of exactly fc->size bytes and check the line. */
static void
fuzz_format(const struct fuzz_case *fc, bool json)
{
	char	*buf;
	size_t	 n, i;

	if ((buf = malloc(fc->size)) == NULL)
		abort();
	n = tf_access_format(&fc->rec, json, buf, fc->size);
	if (n >= fc->size || strlen(buf) != n)
		FUZZ_FAIL("length %zu for a buffer of %zu", n, fc->size);
	for (i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 ||
		    (unsigned char)buf[i] >= 0x7f)
			FUZZ_FAIL("raw byte 0x%02x at %zu",
			    (unsigned char)buf[i], i);
	if (fc->size == TF_ACCESS_LINE_MAX) {
		if (json)
			fuzz_check_json(fc, buf);
		else
			fuzz_check_text(fc, buf);
	}
	free(buf);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_case	fc;

	if (fuzz_case_parse(&fc, data, size)) {
		fuzz_format(&fc, false);
		fuzz_format(&fc, true);
	}
	fuzz_case_free(&fc);
	return 0;
}
