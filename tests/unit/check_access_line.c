/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/access_line.c, the access line of one
 * connection in text and JSON, from a record of plain values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "access_line.h"

/* A closed connection with every field set, plain values only. */
static void
record(struct tf_access_record *r)
{
	memset(r, 0, sizeof(*r));
	r->conn = 281474976710657ULL;		/* worker 1, conn 1 */
	snprintf(r->client, sizeof(r->client), "127.0.0.1:40000");
	r->listen = tf_access_str("127.0.0.1:8443");
	r->backend = tf_access_str("app");
	r->server = tf_access_str("127.0.0.1:8080");
	r->proto = tf_access_str("TLSv1.3");
	r->cipher = tf_access_str("TLS_AES_128_GCM_SHA256");
	r->sni = tf_access_str("www.example.com");
	r->alpn = (struct tf_access_str){ "h2", 2 };
	r->client_subject = tf_access_str(NULL);
	r->hs_ms = 3;
	r->duration_ms = 1200;
	r->bytes_in = 78;
	r->bytes_out = 1048576;
	r->end = "closed";
	r->detail = NULL;
}

static const char *
format(const struct tf_access_record *r, bool json)
{
	static char	buf[TF_ACCESS_LINE_MAX];
	size_t		n;

	n = tf_access_format(r, json, buf, sizeof(buf));
	ck_assert_uint_eq(n, strlen(buf));
	return buf;
}

START_TEST(test_access_text_fields_in_order)
{
	struct tf_access_record	r;

	record(&r);
	ck_assert_str_eq(format(&r, false), "access conn=281474976710657 "
	    "client=127.0.0.1:40000 listen=127.0.0.1:8443 backend=app "
	    "server=127.0.0.1:8080 proto=TLSv1.3 cipher=TLS_AES_128_GCM_SHA256 "
	    "sni=www.example.com alpn=h2 client_subject=- hs_ms=3 "
	    "duration_ms=1200 bytes_in=78 bytes_out=1048576 end=closed");
}
END_TEST

/* A failed handshake: "-" for what is unknown, hs_ms -1, the detail
 * always quoted. */
START_TEST(test_access_text_failure)
{
	struct tf_access_record	r;

	record(&r);
	r.server = r.proto = r.cipher = r.alpn = tf_access_str(NULL);
	r.sni = tf_access_str(NULL);
	r.hs_ms = -1;
	r.bytes_in = r.bytes_out = 0;
	r.end = "handshake_error";
	r.detail = "no shared cipher";
	ck_assert_str_eq(format(&r, false), "access conn=281474976710657 "
	    "client=127.0.0.1:40000 listen=127.0.0.1:8443 backend=app "
	    "server=- proto=- cipher=- sni=- alpn=- client_subject=- "
	    "hs_ms=-1 duration_ms=1200 bytes_in=0 bytes_out=0 "
	    "end=handshake_error detail=\"no shared cipher\"");
}
END_TEST

/* A failed handshake's alerts follow the reason, named as in the RFC with
 * their number, in both formats; a cut detail leaves them whole. */
START_TEST(test_access_alerts)
{
	struct tf_access_record	r;
	char			name[48], big[TF_ACCESS_LINE_MAX + 100];
	const char		*line;

	record(&r);
	r.end = "handshake_error";
	r.detail = "no shared cipher";
	r.alert_sent = SSL3_AL_FATAL << 8 | SSL_AD_HANDSHAKE_FAILURE;
	ck_assert_ptr_nonnull(strstr(format(&r, false),
	    " end=handshake_error detail=\"no shared cipher\" "
	    "alert_sent=handshake_failure(40)"));
	ck_assert_ptr_null(strstr(format(&r, false), "alert_received"));
	r.alert_sent = 0;
	r.alert_received = SSL3_AL_FATAL << 8 | SSL_AD_UNKNOWN_CA;
	r.detail = "tlsv1 alert unknown ca";
	ck_assert_ptr_nonnull(strstr(format(&r, true),
	    ",\"detail\":\"tlsv1 alert unknown ca\","
	    "\"alert_received\":\"unknown_ca(48)\"}"));
	ck_assert_ptr_null(strstr(format(&r, true), "alert_sent"));
	tf_access_alert_name(SSL3_AL_FATAL << 8 |
	    SSL_AD_NO_APPLICATION_PROTOCOL, name, sizeof(name));
	ck_assert_str_eq(name, "no_application_protocol(120)");
	/* A detail longer than the line: cut, the alerts still there. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	r.detail = big;
	r.alert_sent = SSL3_AL_FATAL << 8 | SSL_AD_DECODE_ERROR;
	line = format(&r, false);
	ck_assert_ptr_nonnull(strstr(line, "\" alert_sent=decode_error(50) "
	    "alert_received=unknown_ca(48)"));
	line = format(&r, true);
	ck_assert_ptr_nonnull(strstr(line, "\",\"alert_sent\":"
	    "\"decode_error(50)\",\"alert_received\":\"unknown_ca(48)\"}"));
}
END_TEST

/* What a client chose (SNI, ALPN, its subject) cannot break the line:
 * quoted and escaped when not plain, one line, one field each. */
START_TEST(test_access_text_hostile_values)
{
	struct tf_access_record	r;
	const char		*line;

	record(&r);
	r.sni = tf_access_str("a b=c\"d\\e\nend=closed");
	r.alpn = (struct tf_access_str){ "h\0x\x7f\xff", 5 };
	r.client_subject = tf_access_str("CN=x,O=\"y\"");
	line = format(&r, false);
	ck_assert_ptr_nonnull(strstr(line,
	    " sni=\"a b=c\\\"d\\\\e\\u000aend=closed\" "));
	ck_assert_ptr_nonnull(strstr(line,
	    " alpn=\"h\\u0000x\\u007f\\u00ff\" "));
	ck_assert_ptr_nonnull(strstr(line,
	    " client_subject=\"CN=x,O=\\\"y\\\"\" "));
	ck_assert_ptr_null(strchr(line, '\n'));
	/* The only field end= is the real one, after bytes_out. */
	ck_assert_ptr_eq(strstr(line, " end="),
	    strstr(line, " bytes_out=1048576 end=closed") +
	    strlen(" bytes_out=1048576"));
	ck_assert_ptr_null(strstr(strstr(line, " end=") + 1, " end="));
}
END_TEST

START_TEST(test_access_json_object)
{
	struct tf_access_record	r;

	record(&r);
	r.sni = tf_access_str("tab\there");
	r.detail = "client closed without close_notify";
	r.end = "client_error";
	ck_assert_str_eq(format(&r, true), "{\"conn\":281474976710657,"
	    "\"client\":\"127.0.0.1:40000\",\"listen\":\"127.0.0.1:8443\","
	    "\"backend\":\"app\",\"server\":\"127.0.0.1:8080\","
	    "\"proto\":\"TLSv1.3\",\"cipher\":\"TLS_AES_128_GCM_SHA256\","
	    "\"sni\":\"tab\\u0009here\",\"alpn\":\"h2\",\"client_subject\":\"-\","
	    "\"hs_ms\":3,\"duration_ms\":1200,\"bytes_in\":78,"
	    "\"bytes_out\":1048576,\"end\":\"client_error\","
	    "\"detail\":\"client closed without close_notify\"}");
	r.detail = NULL;
	ck_assert_ptr_nonnull(strstr(format(&r, true), ",\"detail\":\"\"}"));
}
END_TEST

/* Behind a load balancer (a PROXY header named the client): the socket's
 * peer follows the strings, in both formats; without one it is absent. */
START_TEST(test_access_peer_after_proxy_header)
{
	struct tf_access_record	r;

	record(&r);
	snprintf(r.client, sizeof(r.client), "203.0.113.7:51234");
	snprintf(r.peer, sizeof(r.peer), "127.0.0.1:40000");
	ck_assert_ptr_nonnull(strstr(format(&r, false), " client=203.0.113.7:"
	    "51234 listen=127.0.0.1:8443 "));
	ck_assert_ptr_nonnull(strstr(format(&r, false), " client_subject=- "
	    "peer=127.0.0.1:40000 hs_ms=3 "));
	ck_assert_ptr_nonnull(strstr(format(&r, true), ",\"client_subject\":"
	    "\"-\",\"peer\":\"127.0.0.1:40000\",\"hs_ms\":3,"));
	r.peer[0] = '\0';
	ck_assert_ptr_null(strstr(format(&r, false), "peer"));
	ck_assert_ptr_null(strstr(format(&r, true), "peer"));
}
END_TEST

/*
 * A value longer than the line (a 512-byte subject is cut before, but a
 * buffer may be small): the line is cut inside the long value, never
 * inside an escape, and the fields after it still come whole.
 */
START_TEST(test_access_cut_keeps_the_tail)
{
	struct tf_access_record	 r;
	char			*big, buf[600];
	size_t			 n, i;

	big = malloc(4000);
	ck_assert_ptr_nonnull(big);
	for (i = 0; i < 3999; i++)
		big[i] = i % 7 == 0 ? '"' : 'x';
	big[3999] = '\0';
	record(&r);
	r.sni = tf_access_str(big);
	n = tf_access_format(&r, true, buf, sizeof(buf));
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert_uint_lt(n, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "\"end\":\"closed\",\"detail\":\"\"}"));
	/* No escape cut in half: every backslash escapes a quote. */
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '\\')
			ck_assert_int_eq(buf[++i], '"');
	n = tf_access_format(&r, false, buf, sizeof(buf));
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert_ptr_nonnull(strstr(buf, " bytes_out=1048576 end=closed"));
	free(big);
}
END_TEST

/* The client certificate of a record: the tests/mkpki.sh "odd" one. */
#define ODD_SUBJECT	"O=a\\;b\\<c\\>=d\\09e#,CN=Zo\\C3\\AB \\\"Z\\\" " \
			"Smith\\, Jr. \\+ x\\\\y"
#define FINGERPRINT	"24:24:07:ED:06:AF:76:A8:E6:EB:46:3C:0C:56:93:52:" \
			"91:CE:25:85:BC:D1:86:F7:D9:EF:D7:04:FF:A5:A0:9B"

static void
record_cert(struct tf_access_record *r)
{
	r->client_cert = true;
	r->client_subject = tf_access_str(ODD_SUBJECT);
	r->client_issuer = tf_access_str("CN=tlsfront test root CA");
	r->client_serial = tf_access_str("8F04");
	r->client_fingerprint = tf_access_str(FINGERPRINT);
}

/*
 * A client certificate: its issuer, serial and fingerprint come after
 * detail (the fields before keep their order); the RFC 2253 subject's
 * backslashes and quotes are escaped, so the value reads back whole.
 */
START_TEST(test_access_text_client_cert)
{
	struct tf_access_record	r;

	record(&r);
	record_cert(&r);
	ck_assert_str_eq(format(&r, false), "access conn=281474976710657 "
	    "client=127.0.0.1:40000 listen=127.0.0.1:8443 backend=app "
	    "server=127.0.0.1:8080 proto=TLSv1.3 cipher=TLS_AES_128_GCM_SHA256 "
	    "sni=www.example.com alpn=h2 client_subject=\"O=a\\\\;b\\\\<c\\\\>="
	    "d\\\\09e#,CN=Zo\\\\C3\\\\AB \\\\\\\"Z\\\\\\\" Smith\\\\, Jr. "
	    "\\\\+ x\\\\\\\\y\" hs_ms=3 duration_ms=1200 bytes_in=78 "
	    "bytes_out=1048576 end=closed client_issuer=\"CN=tlsfront test "
	    "root CA\" client_serial=8F04 client_fingerprint=" FINGERPRINT);
	/* Refused: the reason in detail, then the certificate. */
	r.end = "handshake_error";
	r.detail = "certificate revoked";
	ck_assert_ptr_nonnull(strstr(format(&r, false), " end=handshake_error "
	    "detail=\"certificate revoked\" client_issuer=\"CN=tlsfront test "
	    "root CA\" client_serial=8F04 client_fingerprint=" FINGERPRINT));
}
END_TEST

START_TEST(test_access_json_client_cert)
{
	struct tf_access_record	r;
	const char		*line;

	record(&r);
	record_cert(&r);
	r.end = "handshake_error";
	r.detail = "certificate revoked";
	line = format(&r, true);
	ck_assert_ptr_nonnull(strstr(line, ",\"client_subject\":\"O=a\\\\;b"
	    "\\\\<c\\\\>=d\\\\09e#,CN=Zo\\\\C3\\\\AB \\\\\\\"Z\\\\\\\" Smith\\\\, "
	    "Jr. \\\\+ x\\\\\\\\y\",\"hs_ms\":3,"));
	ck_assert_ptr_nonnull(strstr(line, ",\"end\":\"handshake_error\","
	    "\"detail\":\"certificate revoked\",\"client_issuer\":\"CN=tlsfront "
	    "test root CA\",\"client_serial\":\"8F04\",\"client_fingerprint\":\""
	    FINGERPRINT "\"}"));
	/* No certificate: none of its fields. */
	r.client_cert = false;
	ck_assert_ptr_null(strstr(format(&r, true), "client_issuer"));
	ck_assert_ptr_null(strstr(format(&r, false), "client_issuer"));
}
END_TEST

/*
 * Hostile names (a client chooses its certificate's subject and, when it
 * is refused, its issuer): raw control bytes, quotes, "=", " end=" and
 * bytes above 0x7f stay escaped inside their one field, in both formats;
 * and a subject and issuer of the longest kept length, each byte needing
 * a six-byte escape, leave the serial, fingerprint and the end of the
 * line whole.
 */
START_TEST(test_access_client_cert_hostile)
{
	struct tf_access_record	 r;
	char			 subject[513], issuer[513];
	const char		*line;
	size_t			 i;
	int			 json;

	record(&r);
	record_cert(&r);
	r.client_subject = tf_access_str("CN=a\"b\nend=closed x=\\");
	r.client_issuer = (struct tf_access_str){ "CN=\xc3\xa9\x01 end=x", 12 };
	line = format(&r, false);
	ck_assert_ptr_null(strchr(line, '\n'));
	ck_assert_ptr_nonnull(strstr(line, " client_subject=\"CN=a\\\"b"
	    "\\u000aend=closed x=\\\\\" "));
	ck_assert_ptr_nonnull(strstr(line, " client_issuer=\"CN=\\u00c3"
	    "\\u00a9\\u0001 end=x\" client_serial=8F04 "));
	ck_assert_ptr_null(strstr(strstr(line, " end=") + 1, " end=closed "));
	line = format(&r, true);
	ck_assert_ptr_nonnull(strstr(line, "\"client_issuer\":\"CN=\\u00c3"
	    "\\u00a9\\u0001 end=x\","));

	memset(subject, 0x01, sizeof(subject) - 1);
	subject[sizeof(subject) - 1] = '\0';
	memset(issuer, '\x7f', sizeof(issuer) - 1);
	issuer[sizeof(issuer) - 1] = '\0';
	r.client_subject = tf_access_str(subject);
	r.client_issuer = tf_access_str(issuer);
	r.sni = tf_access_str(subject);
	r.detail = "certificate revoked";
	for (json = 0; json <= 1; json++) {
		line = format(&r, json);
		ck_assert_uint_lt(strlen(line), TF_ACCESS_LINE_MAX);
		ck_assert_ptr_nonnull(strstr(line, json ?
		    "\"client_serial\":\"8F04\",\"client_fingerprint\":\""
		    FINGERPRINT "\"}" : "\" client_serial=8F04 "
		    "client_fingerprint=" FINGERPRINT));
		ck_assert_ptr_nonnull(strstr(line, json ?
		    "\"detail\":\"certificate revoked\"" :
		    "detail=\"certificate revoked\""));
		/* Every escape whole: a backslash starts \u00XX here. */
		for (i = 0; line[i] != '\0'; i++)
			if (line[i] == '\\' && line[i + 1] == 'u')
				ck_assert_int_eq(strncmp(line + i, "\\u00", 4),
				    0);
	}
}
END_TEST

static Suite *
access_line_suite(void)
{
	Suite	*s = suite_create("access_line");
	TCase	*tc;

	tc = tcase_create("text");
	tcase_add_test(tc, test_access_text_fields_in_order);
	tcase_add_test(tc, test_access_text_failure);
	tcase_add_test(tc, test_access_alerts);
	tcase_add_test(tc, test_access_text_hostile_values);
	tcase_add_test(tc, test_access_text_client_cert);
	suite_add_tcase(s, tc);
	tc = tcase_create("json");
	tcase_add_test(tc, test_access_json_object);
	tcase_add_test(tc, test_access_peer_after_proxy_header);
	tcase_add_test(tc, test_access_json_client_cert);
	suite_add_tcase(s, tc);
	tc = tcase_create("length");
	tcase_add_test(tc, test_access_cut_keeps_the_tail);
	tcase_add_test(tc, test_access_client_cert_hostile);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(access_line_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
