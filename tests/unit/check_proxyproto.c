/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/proxyproto.c, the PROXY protocol v1/v2
 * encoder and strict decoder: every field, every refusal, headers cut at
 * every point, round trips.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "proxyproto.h"

#define V2SIG	"\r\n\r\n\0\r\nQUIT\n"

static union tf_proxy_addr
addr(const char *text, unsigned port)
{
	union tf_proxy_addr	a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, text, &a.sin.sin_addr) == 1) {
		a.sin.sin_family = AF_INET;
		a.sin.sin_port = htons((uint16_t)port);
	} else {
		ck_assert_int_eq(inet_pton(AF_INET6, text,
		    &a.sin6.sin6_addr), 1);
		a.sin6.sin6_family = AF_INET6;
		a.sin6.sin6_port = htons((uint16_t)port);
	}
	return a;
}

/* "ADDR PORT" of a decoded address, for comparisons. */
static const char *
show(const union tf_proxy_addr *a, char *buf, size_t len)
{
	char	t[INET6_ADDRSTRLEN];

	if (a->sa.sa_family == AF_INET)
		snprintf(buf, len, "%s %u", inet_ntop(AF_INET,
		    &a->sin.sin_addr, t, sizeof(t)), ntohs(a->sin.sin_port));
	else if (a->sa.sa_family == AF_INET6)
		snprintf(buf, len, "%s %u", inet_ntop(AF_INET6,
		    &a->sin6.sin6_addr, t, sizeof(t)),
		    ntohs(a->sin6.sin6_port));
	else
		snprintf(buf, len, "none");
	return buf;
}

static void
check_addr(const union tf_proxy_addr *a, const char *want)
{
	char	buf[80];

	ck_assert_str_eq(show(a, buf, sizeof(buf)), want);
}

/* Decode the whole of text (len bytes), which must be a valid header. */
static struct tf_proxy_header
decode_ok(const void *text, size_t len)
{
	struct tf_proxy_header	h;

	ck_assert_msg(tf_proxy_decode(text, len, &h) == TF_PROXY_DONE,
	    "not DONE: %s", h.error != NULL ? h.error : "need more");
	ck_assert_uint_eq(h.len, len);
	return h;
}

/* --- v1 encoding --- */

START_TEST(test_proxyproto_v1_encode_tcp4)
{
	union tf_proxy_addr	s = addr("203.0.113.7", 51234);
	union tf_proxy_addr	d = addr("192.0.2.1", 443);
	struct tf_proxy_info	info = { .src = &s.sa, .dst = &d.sa };
	char			buf[TF_PROXY_V1_MAX + 1];
	const char		*want =
	    "PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n";

	ck_assert_uint_eq(tf_proxy_encode_v1(&info, buf, sizeof(buf)),
	    strlen(want));
	ck_assert_str_eq(buf, want);
	/* One byte short (the NUL) does not fit. */
	ck_assert_uint_eq(tf_proxy_encode_v1(&info, buf, strlen(want)), 0);
}
END_TEST

START_TEST(test_proxyproto_v1_encode_tcp6_and_mixed)
{
	union tf_proxy_addr	s = addr("2001:db8::7", 1);
	union tf_proxy_addr	d = addr("::1", 65535);
	union tf_proxy_addr	v4 = addr("10.1.2.3", 8443);
	union tf_proxy_addr	m1 = addr("::ffff:10.0.0.1", 5);
	union tf_proxy_addr	m2 = addr("::ffff:10.0.0.2", 6);
	struct tf_proxy_info	info = { .src = &s.sa, .dst = &d.sa };
	char			buf[TF_PROXY_V1_MAX + 1];

	ck_assert_uint_gt(tf_proxy_encode_v1(&info, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "PROXY TCP6 2001:db8::7 ::1 1 65535\r\n");
	/* IPv4 beside IPv6: sent IPv4-mapped, as HAProxy does. */
	info.src = &v4.sa;
	ck_assert_uint_gt(tf_proxy_encode_v1(&info, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "PROXY TCP6 ::ffff:10.1.2.3 ::1 8443 65535\r\n");
	/* Both IPv4-mapped (a dual-stack listener): plain TCP4. */
	info.src = &m1.sa;
	info.dst = &m2.sa;
	ck_assert_uint_gt(tf_proxy_encode_v1(&info, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "PROXY TCP4 10.0.0.1 10.0.0.2 5 6\r\n");
}
END_TEST

START_TEST(test_proxyproto_v1_encode_unknown)
{
	struct sockaddr_un	un = { .sun_family = AF_UNIX };
	union tf_proxy_addr	d = addr("192.0.2.1", 443);
	struct tf_proxy_info	info = { .src = (struct sockaddr *)&un,
	    .dst = &d.sa };
	char			buf[TF_PROXY_V1_MAX + 1];

	ck_assert_uint_eq(tf_proxy_encode_v1(&info, buf, sizeof(buf)), 15);
	ck_assert_str_eq(buf, "PROXY UNKNOWN\r\n");
	info.src = NULL;
	ck_assert_uint_eq(tf_proxy_encode_v1(&info, buf, sizeof(buf)), 15);
	ck_assert_str_eq(buf, "PROXY UNKNOWN\r\n");
}
END_TEST

/* --- v2 encoding --- */

START_TEST(test_proxyproto_v2_encode_tcp4_fields)
{
	union tf_proxy_addr	s = addr("203.0.113.7", 0x1234);
	union tf_proxy_addr	d = addr("192.0.2.1", 443);
	struct tf_proxy_info	info = { .src = &s.sa, .dst = &d.sa };
	uint8_t			buf[64];
	static const uint8_t	want[] = V2SIG "\x21\x11\x00\x0c"
	    "\xcb\x00\x71\x07" "\xc0\x00\x02\x01" "\x12\x34" "\x01\xbb";

	ck_assert_uint_eq(tf_proxy_encode_v2(&info, buf, sizeof(buf)), 28);
	ck_assert_int_eq(memcmp(buf, want, 28), 0);
}
END_TEST

START_TEST(test_proxyproto_v2_encode_tcp6_fields)
{
	union tf_proxy_addr	s = addr("2001:db8::7", 1);
	union tf_proxy_addr	d = addr("::1", 2);
	struct tf_proxy_info	info = { .src = &s.sa, .dst = &d.sa };
	uint8_t			buf[64];

	ck_assert_uint_eq(tf_proxy_encode_v2(&info, buf, sizeof(buf)), 52);
	ck_assert_int_eq(memcmp(buf, V2SIG "\x21\x21\x00\x24", 16), 0);
	ck_assert_int_eq(memcmp(buf + 16, &s.sin6.sin6_addr, 16), 0);
	ck_assert_int_eq(memcmp(buf + 32, &d.sin6.sin6_addr, 16), 0);
	ck_assert_int_eq(memcmp(buf + 48, "\x00\x01\x00\x02", 4), 0);
}
END_TEST

START_TEST(test_proxyproto_v2_encode_unspec)
{
	struct tf_proxy_info	info = { .alpn = { "h2", 2 } };
	uint8_t			buf[64];

	/* PROXY command, family UNSPEC, no addresses; TLVs still sent. */
	ck_assert_uint_eq(tf_proxy_encode_v2(&info, buf, sizeof(buf)), 21);
	ck_assert_int_eq(memcmp(buf, V2SIG "\x21\x00\x00\x05" "\x01\x00\x02h2",
	    21), 0);
}
END_TEST

static struct tf_proxy_info
full_info(union tf_proxy_addr *s, union tf_proxy_addr *d)
{
	struct tf_proxy_info	info;

	*s = addr("203.0.113.7", 40000);
	*d = addr("127.0.0.1", 8443);
	memset(&info, 0, sizeof(info));
	info.src = &s->sa;
	info.dst = &d->sa;
	info.alpn = (struct tf_proxy_bytes){ "http/1.1", 8 };
	info.authority = (struct tf_proxy_bytes){ "www.example.com", 15 };
	info.unique_id = (struct tf_proxy_bytes){ "281474976710657", 15 };
	info.ssl.present = true;
	info.ssl.client = TF_PP2_CLIENT_SSL | TF_PP2_CLIENT_CERT_CONN |
	    TF_PP2_CLIENT_CERT_SESS;
	info.ssl.verify = 0x01020304;
	info.ssl.version = "TLSv1.3";
	info.ssl.cn = "client one";
	info.ssl.cipher = "TLS_AES_256_GCM_SHA384";
	info.ssl.sig_alg = "RSA-SHA256";
	info.ssl.key_alg = "RSA2048";
	return info;
}

START_TEST(test_proxyproto_v2_encode_tlvs)
{
	union tf_proxy_addr	s, d;
	struct tf_proxy_info	info = full_info(&s, &d);
	uint8_t			buf[512];
	static const uint8_t	tlvs[] =
	    "\x01\x00\x08http/1.1"
	    "\x02\x00\x0fwww.example.com"
	    "\x05\x00\x0f" "281474976710657"
	    "\x20\x00\x4c" "\x07" "\x01\x02\x03\x04"
	    "\x21\x00\x07TLSv1.3"
	    "\x22\x00\x0a" "client one"
	    "\x23\x00\x16TLS_AES_256_GCM_SHA384"
	    "\x24\x00\x0aRSA-SHA256"
	    "\x25\x00\x07RSA2048";
	size_t			n, tlen = sizeof(tlvs) - 1, i;

	n = tf_proxy_encode_v2(&info, buf, sizeof(buf));
	ck_assert_uint_eq(n, 28 + tlen);
	ck_assert_uint_eq((size_t)buf[14] << 8 | buf[15], 12 + tlen);
	ck_assert_int_eq(memcmp(buf + 28, tlvs, tlen), 0);
	/* Every size short of the whole fails, without writing past it. */
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(tf_proxy_encode_v2(&info, buf, i), 0);
}
END_TEST

START_TEST(test_proxyproto_v2_encode_ssl_without_strings)
{
	struct tf_proxy_info	info = { .ssl = { .present = true,
	    .client = TF_PP2_CLIENT_SSL, .verify = 1 } };
	uint8_t			buf[64];

	ck_assert_uint_eq(tf_proxy_encode_v2(&info, buf, sizeof(buf)), 24);
	ck_assert_int_eq(memcmp(buf + 14, "\x00\x08" "\x20\x00\x05\x01"
	    "\x00\x00\x00\x01", 10), 0);
}
END_TEST

/* --- v1 decoding --- */

START_TEST(test_proxyproto_v1_decode_tcp4)
{
	const char		*t =
	    "PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n";
	struct tf_proxy_header	h = decode_ok(t, strlen(t));

	ck_assert_int_eq(h.version, 1);
	ck_assert_int_eq(h.command, TF_PROXY_CMD_PROXY);
	ck_assert_int_eq(h.family, AF_INET);
	check_addr(&h.src, "203.0.113.7 51234");
	check_addr(&h.dst, "192.0.2.1 443");
	ck_assert_ptr_null(h.tlvs);
}
END_TEST

START_TEST(test_proxyproto_v1_decode_tcp6)
{
	const char		*t = "PROXY TCP6 2001:DB8::7 ::ffff:1.2.3.4 0 "
	    "65535\r\n";
	struct tf_proxy_header	h = decode_ok(t, strlen(t));

	ck_assert_int_eq(h.family, AF_INET6);
	check_addr(&h.src, "2001:db8::7 0");
	check_addr(&h.dst, "::ffff:1.2.3.4 65535");
}
END_TEST

START_TEST(test_proxyproto_v1_decode_longest)
{
	char			t[200];
	struct tf_proxy_header	h;

	/* The spec's worst case, 107 bytes: accepted. */
	snprintf(t, sizeof(t), "PROXY UNKNOWN %s %s 65535 65535\r\n",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	ck_assert_uint_eq(strlen(t), 107);
	h = decode_ok(t, 107);
	ck_assert_int_eq(h.family, AF_UNSPEC);
	/* The longest TCP6 line (104 bytes). */
	snprintf(t, sizeof(t), "PROXY TCP6 %s %s 65535 65535\r\n",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
	h = decode_ok(t, strlen(t));
	check_addr(&h.dst, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe 65535");
	/* One byte more: refused, even before the CRLF could come. */
	snprintf(t, sizeof(t), "PROXY UNKNOWN %s %s 65535 655350\r\n",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	ck_assert_int_eq(tf_proxy_decode(t, 107, &h), TF_PROXY_ERROR);
	ck_assert_str_eq(h.error, "PROXY v1: no CRLF in the first 107 bytes");
	ck_assert_int_eq(tf_proxy_decode(t, 108, &h), TF_PROXY_ERROR);
	ck_assert_str_eq(h.error, "PROXY v1: no CRLF in the first 107 bytes");
	ck_assert_int_eq(tf_proxy_decode(t, 106, &h), TF_PROXY_NEED_MORE);
}
END_TEST

START_TEST(test_proxyproto_v1_decode_unknown)
{
	struct tf_proxy_header	h;

	h = decode_ok("PROXY UNKNOWN\r\n", 15);
	ck_assert_int_eq(h.family, AF_UNSPEC);
	ck_assert_int_eq(h.command, TF_PROXY_CMD_PROXY);
	/* Whatever follows UNKNOWN before the CRLF is ignored. */
	h = decode_ok("PROXY UNKNOWN whatever 1 2 x\r\n", 30);
	ck_assert_int_eq(h.family, AF_UNSPEC);
}
END_TEST

static const struct {
	const char	*text;
	const char	*error;
} v1_refusals[] = {
	{ "PROXY TCP5 1.2.3.4 1.2.3.4 1 2\r\n",
	    "PROXY v1: unknown protocol (expected TCP4, TCP6 or UNKNOWN)" },
	{ "PROXY tcp4 1.2.3.4 1.2.3.4 1 2\r\n",
	    "PROXY v1: unknown protocol (expected TCP4, TCP6 or UNKNOWN)" },
	{ "PROXY UNKNOWNX\r\n",
	    "PROXY v1: unknown protocol (expected TCP4, TCP6 or UNKNOWN)" },
	{ "PROXY \r\n",
	    "PROXY v1: unknown protocol (expected TCP4, TCP6 or UNKNOWN)" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 1\r\n",
	    "PROXY v1: not five fields separated by single spaces" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 1 2 3\r\n",
	    "PROXY v1: not five fields separated by single spaces" },
	{ "PROXY TCP4 1.2.3.4  1.2.3.4 1 2\r\n",
	    "PROXY v1: not five fields separated by single spaces" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 1 2 \r\n",
	    "PROXY v1: not five fields separated by single spaces" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 1\t2\r\n",
	    "PROXY v1: a byte that is not printable ASCII" },
	{ "PROXY TCP4 1.2.3.256 1.2.3.4 1 2\r\n",
	    "PROXY v1: bad source address" },
	{ "PROXY TCP4 01.2.3.4 1.2.3.4 1 2\r\n",
	    "PROXY v1: bad source address" },
	{ "PROXY TCP4 1.2.3 1.2.3.4 1 2\r\n", "PROXY v1: bad source address" },
	{ "PROXY TCP4 1.2.3.4.5 1.2.3.4 1 2\r\n",
	    "PROXY v1: bad source address" },
	{ "PROXY TCP4 1..3.4 1.2.3.4 1 2\r\n", "PROXY v1: bad source address" },
	{ "PROXY TCP4 ::1 1.2.3.4 1 2\r\n", "PROXY v1: bad source address" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.x 1 2\r\n",
	    "PROXY v1: bad destination address" },
	{ "PROXY TCP6 1.2.3.4 ::1 1 2\r\n", "PROXY v1: bad source address" },
	{ "PROXY TCP6 ::1 ::g 1 2\r\n", "PROXY v1: bad destination address" },
	{ "PROXY TCP6 ::1%lo ::1 1 2\r\n", "PROXY v1: bad source address" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 65536 2\r\n",
	    "PROXY v1: bad source port" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 080 2\r\n", "PROXY v1: bad source port" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 -1 2\r\n", "PROXY v1: bad source port" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 1 99999\r\n",
	    "PROXY v1: bad destination port" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 1 +2\r\n",
	    "PROXY v1: bad destination port" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 1 2\n", "PROXY v1: LF without CR" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 1 2\rX",
	    "PROXY v1: CR not followed by LF" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 1 2\r\r\n",
	    "PROXY v1: CR not followed by LF" },
	{ "PROXY TCP4 1.2.3.4 1.2.3.4 1 \x80\r\n",
	    "PROXY v1: a byte that is not printable ASCII" },
	{ "PROXZ TCP4 1.2.3.4 1.2.3.4 1 2\r\n", "not a PROXY protocol header" },
	{ "proxy TCP4 1.2.3.4 1.2.3.4 1 2\r\n", "not a PROXY protocol header" },
	{ "PROXY\r\n", "not a PROXY protocol header" },
	{ "GET / HTTP/1.1\r\n", "not a PROXY protocol header" },
	{ "\x16\x03\x01\x02\x00\x01", "not a PROXY protocol header" },
};

START_TEST(test_proxyproto_v1_refusals)
{
	struct tf_proxy_header	h;
	const char		*t = v1_refusals[_i].text;

	ck_assert_msg(tf_proxy_decode(t, strlen(t), &h) == TF_PROXY_ERROR,
	    "accepted: %s", t);
	ck_assert_str_eq(h.error, v1_refusals[_i].error);
}
END_TEST

START_TEST(test_proxyproto_refused_at_first_bad_byte)
{
	struct tf_proxy_header	h;

	/* A ClientHello (no header at all) is refused at its first byte. */
	ck_assert_int_eq(tf_proxy_decode("\x16", 1, &h), TF_PROXY_ERROR);
	ck_assert_int_eq(tf_proxy_decode("PRO", 3, &h), TF_PROXY_NEED_MORE);
	ck_assert_int_eq(tf_proxy_decode("PROXX", 5, &h), TF_PROXY_ERROR);
	ck_assert_int_eq(tf_proxy_decode("\r\n\r\n\0\r", 6, &h),
	    TF_PROXY_NEED_MORE);
	ck_assert_int_eq(tf_proxy_decode("\r\n\r\n\1", 5, &h),
	    TF_PROXY_ERROR);
	/* v2: a bad version or command is refused before the length. */
	ck_assert_int_eq(tf_proxy_decode(V2SIG "\x31", 13, &h),
	    TF_PROXY_ERROR);
	ck_assert_str_eq(h.error, "PROXY v2: bad version");
	ck_assert_int_eq(tf_proxy_decode(V2SIG "\x21\x13", 14, &h),
	    TF_PROXY_ERROR);
	ck_assert_str_eq(h.error, "PROXY v2: bad address family or transport");
}
END_TEST

/* --- v2 decoding --- */

START_TEST(test_proxyproto_v2_decode_tcp4)
{
	static const uint8_t	t[] = V2SIG "\x21\x11\x00\x0c"
	    "\xcb\x00\x71\x07" "\xc0\x00\x02\x01" "\x12\x34" "\x01\xbb";
	struct tf_proxy_header	h = decode_ok(t, 28);

	ck_assert_int_eq(h.version, 2);
	ck_assert_int_eq(h.command, TF_PROXY_CMD_PROXY);
	ck_assert_int_eq(h.family, AF_INET);
	check_addr(&h.src, "203.0.113.7 4660");
	check_addr(&h.dst, "192.0.2.1 443");
	ck_assert_uint_eq(h.tlvs_len, 0);
}
END_TEST

START_TEST(test_proxyproto_v2_decode_tcp6_tlvs)
{
	uint8_t			t[16 + 36 + 12];
	struct tf_proxy_header	h;
	struct tf_proxy_bytes	v;
	union tf_proxy_addr	s = addr("2001:db8::1", 80);

	memcpy(t, V2SIG "\x21\x21\x00\x30", 16);
	memcpy(t + 16, &s.sin6.sin6_addr, 16);
	memset(t + 32, 0, 16);
	t[47] = 1;
	memcpy(t + 48, "\x00\x50\x01\xbb", 4);
	memcpy(t + 52, "\x04\x00\x01X" "\x01\x00\x05hello", 12);
	h = decode_ok(t, sizeof(t));
	ck_assert_int_eq(h.family, AF_INET6);
	check_addr(&h.src, "2001:db8::1 80");
	check_addr(&h.dst, "::1 443");
	ck_assert_uint_eq(h.tlvs_len, 12);
	ck_assert(tf_proxy_tlv_find(h.tlvs, h.tlvs_len, TF_PP2_TYPE_ALPN, &v));
	ck_assert_uint_eq(v.len, 5);
	ck_assert_int_eq(memcmp(v.p, "hello", 5), 0);
	ck_assert(!tf_proxy_tlv_find(h.tlvs, h.tlvs_len,
	    TF_PP2_TYPE_AUTHORITY, &v));
}
END_TEST

START_TEST(test_proxyproto_v2_decode_local)
{
	struct tf_proxy_header	h;

	/* What health checkers send: LOCAL, UNSPEC, no address. */
	h = decode_ok(V2SIG "\x20\x00\x00\x00", 16);
	ck_assert_int_eq(h.command, TF_PROXY_CMD_LOCAL);
	ck_assert_int_eq(h.family, AF_UNSPEC);
	/* LOCAL with addresses (HAProxy's checks may send them): skipped. */
	h = decode_ok(V2SIG "\x20\x11\x00\x0c" "\1\2\3\4\5\6\7\x8\x9\xa\xb\xc",
	    28);
	ck_assert_int_eq(h.command, TF_PROXY_CMD_LOCAL);
	ck_assert_int_eq(h.family, AF_UNSPEC);
	/* The family of a LOCAL command is ignored, as the spec says. */
	h = decode_ok(V2SIG "\x20\x99\x00\x01" "x", 17);
	ck_assert_int_eq(h.family, AF_UNSPEC);
}
END_TEST

START_TEST(test_proxyproto_v2_decode_unspec_and_unix)
{
	uint8_t			t[16 + 216];
	struct tf_proxy_header	h;

	h = decode_ok(V2SIG "\x21\x00\x00\x03" "abc", 19);
	ck_assert_int_eq(h.command, TF_PROXY_CMD_PROXY);
	ck_assert_int_eq(h.family, AF_UNSPEC);
	/* AF_UNIX stream: not implemented, so UNSPEC (the spec's fallback). */
	memset(t, 'u', sizeof(t));
	memcpy(t, V2SIG "\x21\x31\x00\xd8", 16);
	h = decode_ok(t, sizeof(t));
	ck_assert_int_eq(h.family, AF_UNSPEC);
}
END_TEST

static const struct {
	const char	*text;
	size_t		 len;
	const char	*error;
} v2_refusals[] = {
	{ V2SIG "\x11\x11\x00\x00", 16, "PROXY v2: bad version" },
	{ V2SIG "\x31\x11\x00\x00", 16, "PROXY v2: bad version" },
	{ V2SIG "\x22\x11\x00\x0c", 16, "PROXY v2: bad command" },
	{ V2SIG "\x2f\x11\x00\x0c", 16, "PROXY v2: bad command" },
	{ V2SIG "\x21\x41\x00\x00", 16,
	    "PROXY v2: bad address family or transport" },
	{ V2SIG "\x21\x13\x00\x0c", 16,
	    "PROXY v2: bad address family or transport" },
	{ V2SIG "\x21\x10\x00\x0c", 16,
	    "PROXY v2: bad address family or transport" },
	{ V2SIG "\x21\x01\x00\x00", 16,
	    "PROXY v2: bad address family or transport" },
	{ V2SIG "\x21\x12\x00\x0c", 16,
	    "PROXY v2: a datagram transport (not a TLS stream)" },
	{ V2SIG "\x21\x22\x00\x24", 16,
	    "PROXY v2: a datagram transport (not a TLS stream)" },
	{ V2SIG "\x21\x32\x00\xd8", 16,
	    "PROXY v2: a datagram transport (not a TLS stream)" },
	{ V2SIG "\x21\x11\x10\x01", 16, "PROXY v2: length over 4096 bytes" },
	{ V2SIG "\x21\x11\xff\xff", 16, "PROXY v2: length over 4096 bytes" },
	{ V2SIG "\x20\x00\x10\x01", 16, "PROXY v2: length over 4096 bytes" },
	{ V2SIG "\x21\x11\x00\x0b", 16,
	    "PROXY v2: length too short for the addresses" },
	{ V2SIG "\x21\x21\x00\x0c", 16,
	    "PROXY v2: length too short for the addresses" },
	{ V2SIG "\x21\x11\x00\x0e" "123456789abc" "\x01\x00", 30,
	    "PROXY v2: a TLV overruns the header" },
	{ V2SIG "\x21\x11\x00\x10" "123456789abc" "\x01\x00\x02X", 32,
	    "PROXY v2: a TLV overruns the header" },
	{ V2SIG "\x21\x11\x00\x0d" "123456789abc" "\x04", 29,
	    "PROXY v2: a TLV overruns the header" },
	{ "\r\n\r\n\0\r\nQUIX\n\x21\x11\x00\x00", 16,
	    "not a PROXY protocol header" },
};

START_TEST(test_proxyproto_v2_refusals)
{
	struct tf_proxy_header	h;

	ck_assert_msg(tf_proxy_decode(v2_refusals[_i].text, v2_refusals[_i].len,
	    &h) == TF_PROXY_ERROR, "case %d accepted", _i);
	ck_assert_str_eq(h.error, v2_refusals[_i].error);
}
END_TEST

START_TEST(test_proxyproto_v2_length_limit)
{
	static uint8_t		t[TF_PROXY_MAX + 8];
	struct tf_proxy_header	h;

	/* Exactly 4096 bytes after the fixed part: a NOOP TLV fills them. */
	memset(t, 0, sizeof(t));
	memcpy(t, V2SIG "\x21\x11\x10\x00", 16);
	t[28] = TF_PP2_TYPE_NOOP;
	t[29] = (4096 - 12 - 3) >> 8;
	t[30] = (4096 - 12 - 3) & 0xff;
	ck_assert_int_eq(tf_proxy_decode(t, TF_PROXY_MAX - 1, &h),
	    TF_PROXY_NEED_MORE);
	ck_assert_int_eq(tf_proxy_decode(t, sizeof(t), &h), TF_PROXY_DONE);
	ck_assert_uint_eq(h.len, TF_PROXY_MAX);
}
END_TEST

/* --- partial headers, round trips --- */

/* Every prefix of a valid header needs more; the whole, with TLS bytes
 * after it, is DONE with the header's exact length. */
static void
check_every_split(const uint8_t *t, size_t len)
{
	uint8_t			buf[TF_PROXY_MAX + 8];
	struct tf_proxy_header	h;
	size_t			i;

	for (i = 0; i < len; i++)
		ck_assert_msg(tf_proxy_decode(t, i, &h) == TF_PROXY_NEED_MORE,
		    "prefix %zu of %zu: %s", i, len,
		    h.error != NULL ? h.error : "done");
	memcpy(buf, t, len);
	memcpy(buf + len, "\x16\x03\x01\x02\x00\x01\x00\x01", 8);
	ck_assert_int_eq(tf_proxy_decode(buf, len + 8, &h), TF_PROXY_DONE);
	ck_assert_uint_eq(h.len, len);
}

START_TEST(test_proxyproto_partial_at_every_split)
{
	union tf_proxy_addr	s, d;
	struct tf_proxy_info	info = full_info(&s, &d);
	uint8_t			buf[512];
	const char		*v1[] = {
	    "PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n",
	    "PROXY TCP6 2001:db8::7 ::1 1 65535\r\n",
	    "PROXY UNKNOWN\r\n",
	};
	size_t			i, n;

	for (i = 0; i < sizeof(v1) / sizeof(v1[0]); i++)
		check_every_split((const uint8_t *)v1[i], strlen(v1[i]));
	n = tf_proxy_encode_v2(&info, buf, sizeof(buf));
	check_every_split(buf, n);
	check_every_split((const uint8_t *)V2SIG "\x20\x00\x00\x00", 16);
	n = tf_proxy_encode_v1(&info, (char *)buf, sizeof(buf));
	check_every_split(buf, n);
}
END_TEST

START_TEST(test_proxyproto_round_trip)
{
	union tf_proxy_addr	s, d, s6 = addr("2001:db8::42", 65535);
	struct tf_proxy_info	info = full_info(&s, &d);
	struct tf_proxy_header	h;
	struct tf_proxy_bytes	v, sub;
	uint8_t			buf[512];
	size_t			n;

	n = tf_proxy_encode_v2(&info, buf, sizeof(buf));
	h = decode_ok(buf, n);
	ck_assert_int_eq(h.family, AF_INET);
	check_addr(&h.src, "203.0.113.7 40000");
	check_addr(&h.dst, "127.0.0.1 8443");
	ck_assert(tf_proxy_tlv_find(h.tlvs, h.tlvs_len,
	    TF_PP2_TYPE_AUTHORITY, &v));
	ck_assert_int_eq(memcmp(v.p, "www.example.com", v.len), 0);
	ck_assert(tf_proxy_tlv_find(h.tlvs, h.tlvs_len,
	    TF_PP2_TYPE_UNIQUE_ID, &v));
	ck_assert_int_eq(memcmp(v.p, "281474976710657", v.len), 0);
	ck_assert(tf_proxy_tlv_find(h.tlvs, h.tlvs_len, TF_PP2_TYPE_SSL, &v));
	ck_assert_uint_eq(((const uint8_t *)v.p)[0], 7);
	ck_assert(tf_proxy_tlv_find((const uint8_t *)v.p + 5, v.len - 5,
	    TF_PP2_SUBTYPE_SSL_CN, &sub));
	ck_assert_int_eq(memcmp(sub.p, "client one", sub.len), 0);

	n = tf_proxy_encode_v1(&info, (char *)buf, sizeof(buf));
	h = decode_ok(buf, n);
	check_addr(&h.src, "203.0.113.7 40000");
	check_addr(&h.dst, "127.0.0.1 8443");

	info.src = &s6.sa;
	n = tf_proxy_encode_v1(&info, (char *)buf, sizeof(buf));
	h = decode_ok(buf, n);
	ck_assert_int_eq(h.family, AF_INET6);
	check_addr(&h.src, "2001:db8::42 65535");
	check_addr(&h.dst, "::ffff:127.0.0.1 8443");
	n = tf_proxy_encode_v2(&info, buf, sizeof(buf));
	h = decode_ok(buf, n);
	ck_assert_int_eq(h.family, AF_INET6);
	check_addr(&h.src, "2001:db8::42 65535");
}
END_TEST

static Suite *
proxyproto_suite(void)
{
	Suite	*s = suite_create("proxyproto");
	TCase	*tc;

	tc = tcase_create("encode");
	tcase_add_test(tc, test_proxyproto_v1_encode_tcp4);
	tcase_add_test(tc, test_proxyproto_v1_encode_tcp6_and_mixed);
	tcase_add_test(tc, test_proxyproto_v1_encode_unknown);
	tcase_add_test(tc, test_proxyproto_v2_encode_tcp4_fields);
	tcase_add_test(tc, test_proxyproto_v2_encode_tcp6_fields);
	tcase_add_test(tc, test_proxyproto_v2_encode_unspec);
	tcase_add_test(tc, test_proxyproto_v2_encode_tlvs);
	tcase_add_test(tc, test_proxyproto_v2_encode_ssl_without_strings);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode");
	tcase_add_test(tc, test_proxyproto_v1_decode_tcp4);
	tcase_add_test(tc, test_proxyproto_v1_decode_tcp6);
	tcase_add_test(tc, test_proxyproto_v1_decode_longest);
	tcase_add_test(tc, test_proxyproto_v1_decode_unknown);
	tcase_add_test(tc, test_proxyproto_v2_decode_tcp4);
	tcase_add_test(tc, test_proxyproto_v2_decode_tcp6_tlvs);
	tcase_add_test(tc, test_proxyproto_v2_decode_local);
	tcase_add_test(tc, test_proxyproto_v2_decode_unspec_and_unix);
	tcase_add_test(tc, test_proxyproto_v2_length_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_loop_test(tc, test_proxyproto_v1_refusals, 0,
	    (int)(sizeof(v1_refusals) / sizeof(v1_refusals[0])));
	tcase_add_loop_test(tc, test_proxyproto_v2_refusals, 0,
	    (int)(sizeof(v2_refusals) / sizeof(v2_refusals[0])));
	tcase_add_test(tc, test_proxyproto_refused_at_first_bad_byte);
	suite_add_tcase(s, tc);

	tc = tcase_create("pieces");
	tcase_add_test(tc, test_proxyproto_partial_at_every_split);
	tcase_add_test(tc, test_proxyproto_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(proxyproto_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
