/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * Unit tests of lib/ticketkeys.c and session_ticket_keys: the key file
 * parser (both sizes, comments, every refusal), which key encrypts and
 * which decrypt, and two contexts built from one file resuming each
 * other's sessions (TLS 1.2 and 1.3) in memory.
 */
#include <sys/stat.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "config.h"
#include "context.h"
#include "errs.h"
#include "ticketkeys.h"

#include "testcerts.h"

/* Key i of size len (48 or 80), base64 into out: every byte is i. */
static void
key_b64(int i, size_t len, char *out)
{
	unsigned char	raw[TF_TICKETKEY_LEN_256];

	memset(raw, i, len);
	EVP_EncodeBlock((unsigned char *)out, raw, (int)len);
}

/* A file of n keys of size len, the first filled with byte from, with
 * a comment and a blank line. */
static char *
keys_from(int from, int n, size_t len)
{
	static char	text[4096];
	char		b64[200];
	int		i;

	snprintf(text, sizeof(text), "# ticket keys\n\n");
	for (i = from; i < from + n; i++) {
		key_b64(i, len, b64);
		strcat(text, b64);
		strcat(text, "\n");
	}
	return text;
}

/* Keys 1 to n. */
static char *
keys_text(int n, size_t len)
{
	return keys_from(1, n, len);
}

static struct tf_ticketkeys *
parse(const char *text, int *line, char *why, size_t whylen)
{
	return tf_ticketkeys_parse(text, strlen(text), line, why, whylen);
}

START_TEST(test_ticketkeys_aes128)
{
	struct tf_ticketkeys	*k;
	unsigned char		 want[16];
	char			 why[256];
	int			 line;

	k = parse(keys_text(3, 48), &line, why, sizeof(why));
	ck_assert_msg(k != NULL, "%s", why);
	ck_assert_uint_eq(k->keylen, 16);
	ck_assert_uint_eq(k->total, 3);
	/* The one before the last encrypts: key 2, on line 4. */
	memset(want, 2, sizeof(want));
	ck_assert_mem_eq(k->keys[k->enc].name, want, 16);
	ck_assert_int_eq(k->keys[k->enc].line, 4);
	ck_assert_mem_eq(k->keys[k->enc].aes, want, 16);
	ck_assert_mem_eq(k->keys[k->enc].hmac, want, 16);
	tf_ticketkeys_free(k);
}
END_TEST

START_TEST(test_ticketkeys_aes256_last_three)
{
	struct tf_ticketkeys	*k;
	unsigned char		 want[32];
	char			 why[256];
	int			 line;

	k = parse(keys_text(5, 80), &line, why, sizeof(why));
	ck_assert_msg(k != NULL, "%s", why);
	ck_assert_uint_eq(k->keylen, 32);
	ck_assert_uint_eq(k->total, 5);
	ck_assert_uint_eq(k->nkeys, 3);
	/* Keys 3, 4, 5 in file order; 4 encrypts. */
	memset(want, 3, sizeof(want));
	ck_assert_mem_eq(k->keys[0].name, want, 16);
	memset(want, 4, sizeof(want));
	ck_assert_mem_eq(k->keys[k->enc].name, want, 16);
	ck_assert_mem_eq(k->keys[k->enc].aes, want, 32);
	ck_assert_mem_eq(k->keys[k->enc].hmac, want, 32);
	memset(want, 5, sizeof(want));
	ck_assert_mem_eq(k->keys[2].name, want, 16);
	tf_ticketkeys_free(k);
}
END_TEST

/* Comments, blank lines, CRLF and spaces around a key are fine. */
START_TEST(test_ticketkeys_comments)
{
	struct tf_ticketkeys	*k;
	char			 text[2048], a[80], b[80], c[80], why[256];
	int			 line;

	key_b64(7, 48, a);
	key_b64(8, 48, b);
	key_b64(9, 48, c);
	snprintf(text, sizeof(text), "  # comment\r\n%s\r\n\n\t\n#%s\n"
	    "  %s  \n%s", a, c, b, c);
	k = parse(text, &line, why, sizeof(why));
	ck_assert_msg(k != NULL, "%s", why);
	ck_assert_uint_eq(k->total, 3);
	ck_assert_int_eq(k->keys[k->enc].name[0], 8);
	ck_assert_int_eq(k->keys[k->enc].line, 6);
	tf_ticketkeys_free(k);
}
END_TEST

static const struct {
	/*
	 * %1$s..%3$s: 48-byte keys, %4$s 80. A format that uses %N$ must
	 * name every argument before N (POSIX; glibc's _FORTIFY_SOURCE
	 * aborts otherwise): "%3$.0s" names one and prints nothing.
	 */
	const char	*text;
	int		 line;
	const char	*why;
} refusals[] = {
	{ "", 0, "no key, 0 keys: 3 are needed" },
	{ "# only a comment\n\n", 0, "no key, 0 keys: 3 are needed" },
	{ "%1$s\n%2$s\n", 0, "2 keys: 3 are needed" },
	{ "%1$s\nnot base64!\n%2$s\n%3$s\n", 2, "not a base64 key" },
	{ "%1$s\n%2$s\n%3$s=\n", 3, "not a base64 key" },
	{ "%1$s\n%2$s\nAAAA\n", 3, "this line decodes to 3 bytes" },
	{ "%1$s\n%2$s%2$s\n%3$s\n", 2, "this line decodes to more than 83 bytes" },
	{ "%1$s\n%2$s\n%3$.0s%4$s\n", 3, "a 80-byte key after 48-byte keys" },
	{ "%4$s\n%1$s\n%2$.0s%3$.0s", 2, "a 48-byte key after 80-byte keys" },
};

START_TEST(test_ticketkeys_refusals)
{
	struct tf_ticketkeys	*k;
	char			 a[80], b[80], c[80], d[120], text[2048];
	char			 why[256];
	int			 line;

	key_b64(1, 48, a);
	key_b64(2, 48, b);
	key_b64(3, 48, c);
	key_b64(4, 80, d);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(text, sizeof(text), refusals[_i].text, a, b, c, d);
#pragma GCC diagnostic pop
	k = parse(text, &line, why, sizeof(why));
	ck_assert_ptr_null(k);
	ck_assert_int_eq(line, refusals[_i].line);
	ck_assert_msg(strstr(why, refusals[_i].why) != NULL, "%d: \"%s\"", _i,
	    why);
}
END_TEST

START_TEST(test_ticketkeys_load_unreadable)
{
	char	why[256];
	int	line;

	ck_assert_ptr_null(tf_ticketkeys_load("/nonexistent/tickets.key",
	    &line, why, sizeof(why)));
	ck_assert_int_eq(line, 0);
	ck_assert_str_eq(why, "No such file or directory");
	ck_assert_ptr_null(tf_ticketkeys_load("/", &line, why, sizeof(why)));
	ck_assert_str_eq(why, "Is a directory");
}
END_TEST

/*
 * The callback's answers: the encrypting key's name, 1 for it, 2 for the
 * others, 0 for an unknown name; and what one seals the other opens.
 */
START_TEST(test_ticketkeys_crypt)
{
	struct tf_ticketkeys	*k;
	EVP_CIPHER_CTX		*ectx, *dctx;
	EVP_MAC			*mac;
	EVP_MAC_CTX		*hctx;
	unsigned char		 name[16], iv[EVP_MAX_IV_LENGTH], ct[64];
	unsigned char		 pt[64];
	char			 why[256];
	int			 line, n, m, size;

	size = _i == 0 ? 48 : 80;
	k = parse(keys_text(4, (size_t)size), &line, why, sizeof(why));
	ck_assert_msg(k != NULL, "%s", why);
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	ck_assert_ptr_nonnull(mac);
	ectx = EVP_CIPHER_CTX_new();
	dctx = EVP_CIPHER_CTX_new();
	hctx = EVP_MAC_CTX_new(mac);
	ck_assert_int_eq(tf_ticketkeys_crypt(k, name, iv, ectx, hctx, 1), 1);
	ck_assert_int_eq(name[0], 3);
	ck_assert_int_eq(EVP_CIPHER_CTX_get_key_length(ectx), size == 48 ?
	    16 : 32);
	ck_assert_int_eq(EVP_EncryptUpdate(ectx, ct, &n,
	    (const unsigned char *)"session state...", 16), 1);
	ck_assert_int_eq(EVP_EncryptFinal_ex(ectx, ct + n, &m), 1);
	ck_assert_int_eq(tf_ticketkeys_crypt(k, name, iv, dctx, hctx, 0), 1);
	ck_assert_int_eq(EVP_DecryptUpdate(dctx, pt, &n, ct, 32), 1);
	ck_assert_int_eq(EVP_DecryptFinal_ex(dctx, pt + n, &m), 1);
	ck_assert_int_eq(n + m, 16);
	ck_assert_mem_eq(pt, "session state...", 16);
	/* Keys 2 and 4 open tickets and ask for renewal, key 1 is gone. */
	memset(name, 2, sizeof(name));
	ck_assert_int_eq(tf_ticketkeys_crypt(k, name, iv, dctx, hctx, 0), 2);
	memset(name, 4, sizeof(name));
	ck_assert_int_eq(tf_ticketkeys_crypt(k, name, iv, dctx, hctx, 0), 2);
	memset(name, 1, sizeof(name));
	ck_assert_int_eq(tf_ticketkeys_crypt(k, name, iv, dctx, hctx, 0), 0);
	EVP_MAC_CTX_free(hctx);
	EVP_MAC_free(mac);
	EVP_CIPHER_CTX_free(ectx);
	EVP_CIPHER_CTX_free(dctx);
	tf_ticketkeys_free(k);
}
END_TEST

START_TEST(test_ticketkeys_equal)
{
	struct tf_ticketkeys	*a, *b;
	char			 why[256];
	int			 line;

	a = parse(keys_text(3, 48), &line, why, sizeof(why));
	b = parse(keys_text(3, 48), &line, why, sizeof(why));
	ck_assert(tf_ticketkeys_equal(a, b));
	ck_assert(tf_ticketkeys_equal(NULL, NULL));
	ck_assert(!tf_ticketkeys_equal(a, NULL));
	tf_ticketkeys_free(b);
	b = parse(keys_text(4, 48), &line, why, sizeof(why));
	ck_assert(!tf_ticketkeys_equal(a, b));
	tf_ticketkeys_free(a);
	tf_ticketkeys_free(b);
}
END_TEST

/* --- contexts built with session_ticket_keys --- */

static char	tk_dir[TF_TEST_TMPDIR_MAX];

static void
tk_setup(void)
{
	tf_test_tmpdir_make(tk_dir, sizeof(tk_dir), "check_ticketkeys");
}

static void
tk_teardown(void)
{
	tf_test_tmpdir_remove(tk_dir);
}

/* Write text to tk_dir/name with mode; returns the path (static). */
static const char *
tk_file(const char *name, const char *text, mode_t mode)
{
	static char	 path[512];
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/%s", tk_dir, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

/* A context with session_ticket_keys = path (none if NULL), or NULL with
 * errs. */
static SSL_CTX *
tk_context(const char *path, const char *daemon, struct tf_errs *errs)
{
	struct tf_config	*conf;
	SSL_CTX			*ctx;
	char			 text[4096];

	snprintf(text, sizeof(text), "daemon = { %s };\n"
	    "contexts = { default = {\n"
	    "  cert_chain = ( { certfile = \"%s/rsa.pem\";\n"
	    "    keyfile = \"%s/rsa.key\"; } );\n"
	    "  %s%s%s }; };\n"
	    "listeners = ( { listen = \"127.0.0.1:443\"; context = \"default\";"
	    " backend = \"app\"; } );\n"
	    "backends = { app = { servers = [ \"127.0.0.1:1\" ]; }; };\n",
	    daemon, tf_test_certdir, tf_test_certdir,
	    path != NULL ? "session_ticket_keys = \"" : "",
	    path != NULL ? path : "", path != NULL ? "\";" : "");
	if ((conf = tf_config_load_string(text, NULL, errs)) == NULL)
		return NULL;
	ctx = tf_context_build(&conf->contexts[0], conf->file, errs);
	tf_config_free(conf);
	return ctx;
}

/* The first error, or "". */
static const char *
first(const struct tf_errs *errs)
{
	return tf_errs_count(errs) > 0 ? tf_errs_get(errs, 0) : "";
}

/* A bad key file is refused at the setting's line, with its own line. */
START_TEST(test_ticketkeys_context_refusals)
{
	struct tf_errs	 errs;
	char		 want[1024];
	const char	*p;

	tf_errs_init(&errs);
	p = tk_file("bad.key", "# x\nAAAA\n", 0600);
	ck_assert_ptr_null(tk_context(p, "", &errs));
	snprintf(want, sizeof(want), "<string>:5: session_ticket_keys %s:2: "
	    "a key is 48 bytes (AES-128) or 80 bytes (AES-256) in base64; "
	    "this line decodes to 3 bytes", p);
	ck_assert_str_eq(first(&errs), want);
	tf_errs_free(&errs);

	tf_errs_init(&errs);
	p = tk_file("few.key", keys_text(2, 80), 0600);
	ck_assert_ptr_null(tk_context(p, "", &errs));
	snprintf(want, sizeof(want), "<string>:5: session_ticket_keys \"%s\": "
	    "2 keys: 3 are needed", p);
	ck_assert_msg(strncmp(first(&errs), want, strlen(want)) == 0, "%s",
	    first(&errs));
	tf_errs_free(&errs);

	tf_errs_init(&errs);
	ck_assert_ptr_null(tk_context("/nonexistent/t.key", "", &errs));
	ck_assert_str_eq(first(&errs), "<string>:5: cannot read "
	    "session_ticket_keys \"/nonexistent/t.key\": No such file or "
	    "directory");
	tf_errs_free(&errs);

	/* As private as a key: not readable by everyone... */
	tf_errs_init(&errs);
	p = tk_file("open.key", keys_text(3, 48), 0644);
	ck_assert_ptr_null(tk_context(p, "", &errs));
	snprintf(want, sizeof(want), "<string>:5: session_ticket_keys \"%s\" "
	    "is readable by everyone (mode 0644): chmod o-r it, or set "
	    "daemon.allow_world_readable_keys = true", p);
	ck_assert_str_eq(first(&errs), want);
	tf_errs_free(&errs);
	/* ... unless the configuration says it is fine. */
	tf_errs_init(&errs);
	SSL_CTX_free(tk_context(p, "allow_world_readable_keys = true;",
	    &errs));
	ck_assert_uint_eq(tf_errs_count(&errs), 0);
	tf_errs_free(&errs);
}
END_TEST

/*
 * One in-memory handshake of a new client with server, offering sess;
 * the client's session afterwards (its tickets read) into *out. Returns
 * whether it resumed.
 */
static bool
tk_handshake(SSL_CTX *server, int version, SSL_SESSION *sess,
    SSL_SESSION **out)
{
	SSL_CTX		*cctx;
	SSL		*c, *s;
	BIO		*bc, *bs;
	unsigned char	 buf[16];
	bool		 reused;
	int		 i, rc = 0, rs = 0;

	ck_assert_ptr_nonnull(cctx = SSL_CTX_new(TLS_client_method()));
	SSL_CTX_set_min_proto_version(cctx, version);
	SSL_CTX_set_max_proto_version(cctx, version);
	ck_assert_ptr_nonnull(c = SSL_new(cctx));
	ck_assert_ptr_nonnull(s = SSL_new(server));
	ck_assert_int_eq(BIO_new_bio_pair(&bc, 0, &bs, 0), 1);
	SSL_set_bio(c, bc, bc);
	SSL_set_bio(s, bs, bs);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	if (sess != NULL)
		ck_assert_int_eq(SSL_set_session(c, sess), 1);
	for (i = 0; i < 50 && (rc != 1 || rs != 1); i++) {
		if (rc != 1)
			rc = SSL_do_handshake(c);
		if (rs != 1)
			rs = SSL_do_handshake(s);
	}
	ck_assert_msg(rc == 1 && rs == 1, "handshake failed");
	/* TLS 1.3 tickets come after the handshake. */
	(void)SSL_read(c, buf, sizeof(buf));
	reused = SSL_session_reused(c) == 1;
	*out = SSL_get1_session(c);
	/* A connection freed unshut makes its session unresumable. */
	SSL_set_shutdown(c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
	SSL_set_shutdown(s, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(cctx);
	ERR_clear_error();
	return reused;
}

/* The key name of a session's ticket: its first 16 bytes. */
static int
tk_ticket_key(SSL_SESSION *sess)
{
	const unsigned char	*tick;
	size_t			 len;

	SSL_SESSION_get0_ticket(sess, &tick, &len);
	ck_assert_uint_ge(len, 16);
	return tick[0];
}

/*
 * Two contexts from one file (two instances of a fleet) resume each
 * other's sessions; from another file, not. After a rotation, the old
 * ticket resumes and the new one carries the next key's name.
 */
START_TEST(test_ticketkeys_contexts_resume)
{
	SSL_CTX		*a, *b, *other, *rotated;
	SSL_SESSION	*s1, *s2;
	struct tf_errs	 errs;
	const char	*p;
	int		 version = _i == 0 ? TLS1_2_VERSION : TLS1_3_VERSION;

	tf_errs_init(&errs);
	p = tk_file("fleet.key", keys_text(3, 80), 0600);
	ck_assert_msg((a = tk_context(p, "", &errs)) != NULL, "%s",
	    first(&errs));
	ck_assert_ptr_nonnull(b = tk_context(p, "", &errs));
	p = tk_file("other.key", keys_text(4, 80), 0600);
	ck_assert_ptr_nonnull(other = tk_context(p, "", &errs));
	/* other's keys are 2, 3, 4: one rotation later than a's 1, 2, 3. */
	rotated = other;

	ck_assert(!tk_handshake(a, version, NULL, &s1));
	ck_assert_int_eq(tk_ticket_key(s1), 2);
	ck_assert(tk_handshake(b, version, s1, &s2));
	SSL_SESSION_free(s2);
	/* After the rotation: key 2 still opens it, a new ticket is key 3's. */
	ck_assert(tk_handshake(rotated, version, s1, &s2));
	ck_assert_int_eq(tk_ticket_key(s2), 3);
	SSL_SESSION_free(s2);

	/* Two different files: no resumption. */
	p = tk_file("apart.key", keys_from(0x40, 3, 80), 0600);
	SSL_CTX_free(b);
	ck_assert_ptr_nonnull(b = tk_context(p, "", &errs));
	ck_assert(!tk_handshake(b, version, s1, &s2));
	SSL_SESSION_free(s2);
	/* Two rotations later (keys 3, 4, 5): key 2 is gone. */
	p = tk_file("later.key", keys_text(5, 80), 0600);
	SSL_CTX_free(other);
	ck_assert_ptr_nonnull(other = tk_context(p, "", &errs));
	ck_assert(!tk_handshake(other, version, s1, &s2));
	SSL_SESSION_free(s2);
	SSL_SESSION_free(s1);
	SSL_CTX_free(a);
	SSL_CTX_free(b);
	SSL_CTX_free(other);
	tf_errs_free(&errs);
}
END_TEST

/* A route switches a connection only to a context with the same keys. */
START_TEST(test_ticketkeys_switch_needs_same_keys)
{
	SSL_CTX		*a, *b, *none, *apart;
	struct tf_errs	 errs;
	const char	*p, *why = NULL;

	tf_errs_init(&errs);
	p = tk_file("fleet.key", keys_text(3, 48), 0600);
	ck_assert_ptr_nonnull(a = tk_context(p, "", &errs));
	ck_assert_ptr_nonnull(b = tk_context(p, "", &errs));
	ck_assert_ptr_nonnull(none = tk_context(NULL, "", &errs));
	p = tk_file("apart.key", keys_text(4, 48), 0600);
	ck_assert_ptr_nonnull(apart = tk_context(p, "", &errs));
	ck_assert_ptr_null(tf_context_ticketkeys(none));
	ck_assert(tf_context_switch_possible(a, b, &why));
	ck_assert(!tf_context_switch_possible(a, none, &why));
	ck_assert_ptr_nonnull(strstr(why, "session_ticket_keys"));
	why = NULL;
	ck_assert(!tf_context_switch_possible(none, a, &why));
	ck_assert_ptr_nonnull(why);
	ck_assert(!tf_context_switch_possible(a, apart, &why));
	SSL_CTX_free(a);
	SSL_CTX_free(b);
	SSL_CTX_free(none);
	SSL_CTX_free(apart);
	tf_errs_free(&errs);
}
END_TEST

static Suite *
ticketkeys_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("ticketkeys");
	tc = tcase_create("parser");
	tcase_add_test(tc, test_ticketkeys_aes128);
	tcase_add_test(tc, test_ticketkeys_aes256_last_three);
	tcase_add_test(tc, test_ticketkeys_comments);
	tcase_add_loop_test(tc, test_ticketkeys_refusals, 0,
	    (int)(sizeof(refusals) / sizeof(refusals[0])));
	tcase_add_test(tc, test_ticketkeys_load_unreadable);
	tcase_add_test(tc, test_ticketkeys_equal);
	suite_add_tcase(s, tc);
	tc = tcase_create("tickets");
	tcase_add_loop_test(tc, test_ticketkeys_crypt, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("contexts");
	tcase_add_unchecked_fixture(tc, tf_test_certs_setup,
	    tf_test_certs_teardown);
	tcase_add_checked_fixture(tc, tk_setup, tk_teardown);
	tcase_add_test(tc, test_ticketkeys_context_refusals);
	tcase_add_loop_test(tc, test_ticketkeys_contexts_resume, 0, 2);
	tcase_add_test(tc, test_ticketkeys_switch_needs_same_keys);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(ticketkeys_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	tf_test_certs_remove();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
