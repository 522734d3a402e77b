/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/status_page.c, the admin endpoint's /status
 * page, rendered from a synthetic view (status_fixture.c).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <event2/buffer.h>

#include "status_fixture.h"
#include "status_page.h"

static struct status_fixture	*fx;

static void
setup(void)
{
	fx = calloc(1, sizeof(*fx));
	ck_assert_ptr_nonnull(fx);
	status_fixture_init(fx, FIXTURE_NOW);
}

static void
teardown(void)
{
	free(fx);
	fx = NULL;
}

/* The page for the fixture's view, NUL-terminated; the caller frees it. */
static char *
render(void)
{
	struct evbuffer	*out = evbuffer_new();
	size_t		 len;
	char		*text;

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(tf_status_page_render(out, &fx->view), 0);
	len = evbuffer_get_length(out);
	text = malloc(len + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(evbuffer_remove(out, text, len), (int)len);
	text[len] = '\0';
	evbuffer_free(out);
	ck_assert_uint_eq(strlen(text), len);	/* no NUL inside */
	return text;
}

/* The <tr ...>...</tr> holding attr (e.g. data-listener="..."); fails the
 * test if there is not exactly one. The caller frees it. */
static char *
row_with(const char *page, const char *attr)
{
	const char	*at = strstr(page, attr), *start, *end;
	char		*row;

	ck_assert_msg(at != NULL, "no row with %s", attr);
	ck_assert_msg(strstr(at + 1, attr) == NULL, "two rows with %s", attr);
	for (start = at; start > page && strncmp(start, "<tr", 3) != 0; start--)
		;
	ck_assert_msg(strncmp(start, "<tr", 3) == 0, "%s not in a row", attr);
	end = strstr(at, "</tr>");
	ck_assert_ptr_nonnull(end);
	row = strndup(start, (size_t)(end - start) + 5);
	ck_assert_ptr_nonnull(row);
	return row;
}

static void
assert_has(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) != NULL, "\"%s\" not in:\n%s",
	    needle, hay);
}

static void
assert_lacks(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) == NULL, "\"%s\" in:\n%s", needle,
	    hay);
}

static bool
is_void_element(const char *name, size_t len)
{
	static const char *const voids[] = { "meta", "br", "hr", "img",
	    "link", "input", "wbr" };
	size_t	i;

	for (i = 0; i < sizeof(voids) / sizeof(voids[0]); i++)
		if (strlen(voids[i]) == len && strncmp(name, voids[i], len) == 0)
			return true;
	return false;
}

/*
 * Every element closed in order, every attribute value quoted with no
 * '<' in it, no '<' or '>' in text; returns NULL or what is wrong.
 */
static const char *
check_well_formed(const char *s)
{
	static char	 why[160];
	const char	*stack[64], *name, *p;
	size_t		 nstack = 0, len;
	bool		 closing;

	for (p = s; *p != '\0'; p++) {
		if (*p == '>')
			return "'>' in text";
		if (*p != '<')
			continue;
		if (strncmp(p, "<!DOCTYPE html>", 15) == 0 && p == s) {
			p += 14;
			continue;
		}
		closing = p[1] == '/';
		name = p + 1 + closing;
		len = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (len == 0)
			return "'<' in text";
		for (p = name + len; *p != '>'; p++) {
			if (*p == '\0' || *p == '<')
				return "unterminated tag";
			if (*p == '"' && (p = strchr(p + 1, '"')) == NULL)
				return "unterminated attribute";
		}
		if (closing) {
			if (nstack == 0 || strncmp(stack[nstack - 1], name,
			    len) != 0 || !strchr(" >", stack[nstack - 1][len])) {
				snprintf(why, sizeof(why), "</%.*s> closes "
				    "<%.10s", (int)len, name, nstack > 0 ?
				    stack[nstack - 1] : "(nothing)");
				return why;
			}
			nstack--;
		} else if (!is_void_element(name, len)) {
			if (nstack == 64)
				return "nested too deep";
			stack[nstack++] = name;
			if (len == 5 && strncmp(name, "style", 5) == 0) {
				/* CSS: skip to its end tag (it has '>'). */
				if ((p = strstr(p, "</style>")) == NULL)
					return "unterminated style";
				p--;
			}
		}
	}
	return nstack == 0 ? NULL : "unclosed element";
}

START_TEST(test_status_page_document)
{
	char		*page = render();
	const char	*why;

	ck_assert_msg(strncmp(page, "<!DOCTYPE html>\n<html lang=\"en\">",
	    32) == 0, "starts with %.40s", page);
	ck_assert_str_eq(page + strlen(page) - 8, "</html>\n");
	assert_has(page, "<meta charset=\"utf-8\">");
	assert_has(page, "<meta name=\"viewport\"");
	/* No script, nothing fetched from anywhere. */
	ck_assert_ptr_null(strcasestr(page, "<script"));
	ck_assert_ptr_null(strcasestr(page, "http:"));
	ck_assert_ptr_null(strcasestr(page, "https:"));
	ck_assert_ptr_null(strcasestr(page, "url("));
	ck_assert_ptr_null(strcasestr(page, "@import"));
	ck_assert_ptr_null(strcasestr(page, "<link"));
	ck_assert_ptr_null(strcasestr(page, " src="));
	why = check_well_formed(page);
	ck_assert_msg(why == NULL, "not well formed: %s", why);
	free(page);
}
END_TEST

START_TEST(test_status_page_well_formed_check_fails)
{
	/* The checker above can fail. */
	ck_assert_ptr_nonnull(check_well_formed("<p><b>x</p></b>"));
	ck_assert_ptr_nonnull(check_well_formed("<p>a < b</p>"));
	ck_assert_ptr_nonnull(check_well_formed("<p title=\"x>y</p>"));
	ck_assert_ptr_nonnull(check_well_formed("<div><p>x</p>"));
	ck_assert_ptr_null(check_well_formed("<div><p a=\"1\">x</p><br>"
	    "</div>"));
}
END_TEST

START_TEST(test_status_page_escape)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "", "" },
		{ "plain CN=x,O=y", "plain CN=x,O=y" },
		{ "<script>&\"'", "&lt;script&gt;&amp;&quot;&#39;" },
		{ "a&&b", "a&amp;&amp;b" },
		{ "\xc3\xa9t\xc3\xa9 <", "\xc3\xa9t\xc3\xa9 &lt;" },
	};
	struct evbuffer	*out;
	char		 buf[128];
	size_t		 i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = evbuffer_new();
		ck_assert_ptr_nonnull(out);
		ck_assert_int_eq(tf_status_page_escape(out, cases[i].in), 0);
		n = evbuffer_remove(out, buf, sizeof(buf) - 1);
		buf[n] = '\0';
		ck_assert_str_eq(buf, cases[i].out);
		evbuffer_free(out);
	}
}
END_TEST

START_TEST(test_status_page_escapes_config_and_certs)
{
	char	*page = render();

	assert_lacks(page, "<script>alert");
	assert_has(page, "CN=&lt;script&gt;alert(1)&lt;/script&gt;&amp;"
	    "&quot;,O=Soon");
	assert_has(page, "Example &quot;Quotes&quot; &amp; Sons");
	assert_has(page, "data-file=\"/etc/tlsfront/old&quot;.pem\"");
	assert_has(page, ">legacy&lt;&amp;&gt;</td>");
	assert_lacks(page, "legacy<");
	assert_has(page, "1.0&lt;beta&gt;");
	free(page);
}
END_TEST

START_TEST(test_status_page_days_left)
{
	ck_assert_int_eq(tf_status_page_days_left(1000, 1000), 0);
	ck_assert_int_eq(tf_status_page_days_left(1000 + 86399, 1000), 0);
	ck_assert_int_eq(tf_status_page_days_left(1000 + 86400, 1000), 1);
	ck_assert_int_eq(tf_status_page_days_left(999, 1000), -1);
	ck_assert_int_eq(tf_status_page_days_left(1000 - 86400, 1000), -1);
	ck_assert_int_eq(tf_status_page_days_left(1000 - 86401, 1000), -2);
}
END_TEST

START_TEST(test_status_page_certificate_expiry)
{
	char	*page = render(), *soon, *later, *old;

	soon = row_with(page, "data-file=\"/etc/tlsfront/soon.pem\"");
	assert_has(soon, "<tr class=\"expiring\" data-context=\"default\"");
	assert_has(soon, "<td class=\"num days\">10</td>");
	assert_has(soon, ">EC P-256<");
	later = row_with(page, "data-file=\"/etc/tlsfront/site.pem\"");
	assert_has(later, "<tr data-context=\"default\"");
	assert_lacks(later, "expir");
	assert_has(later, "<td class=\"num days\">400</td>");
	old = row_with(page, "data-file=\"/etc/tlsfront/old&quot;.pem\"");
	assert_has(old, "<tr class=\"expired\" data-context=\"legacy&lt;");
	assert_has(old, "<td class=\"num days\">-3</td>");
	free(soon);
	free(later);
	free(old);
	free(page);
}
END_TEST

/* 29 days and 23 hours is expiring; exactly 30 days is not. */
START_TEST(test_status_page_expiry_boundary)
{
	char	*page, *row;

	fx->certs[0].not_after = FIXTURE_NOW + 30 * 86400 - 3600;
	page = render();
	row = row_with(page, "data-file=\"/etc/tlsfront/site.pem\"");
	assert_has(row, "class=\"expiring\"");
	assert_has(row, ">29</td>");
	free(row);
	free(page);
	fx->certs[0].not_after = FIXTURE_NOW + 30 * 86400;
	page = render();
	row = row_with(page, "data-file=\"/etc/tlsfront/site.pem\"");
	assert_lacks(row, "expir");
	assert_has(row, ">30</td>");
	free(row);
	free(page);
}
END_TEST

START_TEST(test_status_page_listeners)
{
	char	*page = render(), *up, *down, *other;

	up = row_with(page, "data-listener=\"127.0.0.1:8443\"");
	assert_has(up, "<td class=\"up\" data-field=\"state\">up</td>");
	assert_has(up, "data-field=\"open\">3</td>");
	assert_has(up, "data-field=\"accepted\">1234567</td>");
	assert_has(up, "data-field=\"handshakes\">1000000</td>");
	assert_has(up, "data-field=\"resumed\">200000</td>");
	assert_has(up, "data-field=\"failures\">9</td>");
	assert_has(up, "timeout&nbsp;7, version&nbsp;2</td>");
	assert_has(up, ">5.0 GiB</td>");
	assert_has(up, ">1.5 KiB</td>");
	assert_has(up, "<td>default</td><td>app</td>");
	other = row_with(page, "data-listener=\"[::1]:443\"");
	assert_has(other, "data-field=\"accepted\">4</td>");
	assert_has(other, ">0 B</td>");
	down = row_with(page, "data-listener=\"0.0.0.0:9443\"");
	assert_has(down, "<td class=\"down\" data-field=\"state\">down</td>");
	assert_has(down, "not counted");
	assert_lacks(down, "data-field=\"open\"");
	/* Totals: the counted listeners only. */
	assert_has(page, "data-field=\"open\">3</div>");
	assert_has(page, "data-field=\"accepted\">1234571</div>");
	free(up);
	free(other);
	free(down);
	free(page);
}
END_TEST

START_TEST(test_status_page_backends)
{
	char	*page = render(), *up, *down;

	up = row_with(page, "data-server=\"127.0.0.1:8080\"");
	assert_has(up, "data-backend=\"app\"");
	assert_has(up, "<td class=\"up\" data-field=\"state\">up</td>");
	down = row_with(page, "data-server=\"unix:/run/app.sock\"");
	assert_has(down, "<td class=\"down\" data-field=\"state\">down</td>");
	assert_has(down, "data-field=\"connect_failures\">17</td>");
	assert_has(page, "data-field=\"no_backend\">3</span>");
	free(up);
	free(down);
	free(page);
}
END_TEST

START_TEST(test_status_page_contexts_limits_rates)
{
	char	*page = render(), *ctx, *lim;

	ctx = row_with(page, "<tr data-context=\"default\"><td>");
	assert_has(ctx, "data-field=\"accept\">1200000</td>");
	assert_has(ctx, "data-field=\"hits\">200000</td>");
	assert_has(ctx, "data-field=\"misses\">0</td>");
	free(ctx);
	ctx = row_with(page, "<tr data-context=\"legacy&lt;&amp;&gt;\"><td>");
	assert_has(ctx, "not counted");
	free(ctx);
	lim = row_with(page, "data-limit=\"handshakes\"");
	assert_has(lim, "data-field=\"setting\">1024</td>");
	assert_has(lim, "data-field=\"hits\">12</td>");
	free(lim);
	lim = row_with(page, "data-limit=\"per_address_rate\"");
	assert_has(lim, "data-field=\"setting\">off</td>");
	free(lim);
	assert_has(page, "data-field=\"handshake_rate\">12.4</div>");
	assert_has(page, "data-field=\"failure_rate\">\u2013</div>");
	free(page);
}
END_TEST

START_TEST(test_status_page_daemon)
{
	char	*page = render();

	assert_has(page, "class=\"pill serving\">serving</span>");
	assert_has(page, "<dd id=\"generation\">3</dd>");
	assert_has(page, "<dd id=\"uptime\">3d 4h</dd>");
	assert_has(page, "<dd id=\"workers\">2 running, 1 retiring</dd>");
	assert_has(page, "<dd id=\"reloads\">2 ok, 1 failed</dd>");
	assert_has(page, "<dd id=\"last-reload\">2026-09-21 ");
	free(page);
	fx->view.draining = true;
	fx->view.last_reload = 0;
	page = render();
	assert_has(page, "class=\"pill draining\">draining</span>");
	assert_has(page, "<dd id=\"last-reload\">never</dd>");
	free(page);
}
END_TEST

/* An empty configuration still makes a whole page. */
START_TEST(test_status_page_empty)
{
	char		*page;
	const char	*why;

	fx->cf.nlisteners = 0;
	fx->cf.ncontexts = 0;
	fx->view.ncerts = 0;
	fx->view.nservers = 0;
	page = render();
	assert_has(page, "no listeners");
	assert_has(page, "no certificates");
	assert_has(page, "no backend servers");
	why = check_well_formed(page);
	ck_assert_msg(why == NULL, "not well formed: %s", why);
	free(page);
}
END_TEST

/* A buffer that cannot grow: -1, not a crash. */
START_TEST(test_status_page_buffer_full)
{
	struct evbuffer	*out = evbuffer_new();

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(evbuffer_freeze(out, 0), 0);
	ck_assert_int_eq(tf_status_page_render(out, &fx->view), -1);
	ck_assert_int_eq(tf_status_page_escape(out, "a<b"), -1);
	evbuffer_free(out);
}
END_TEST

static Suite *
status_page_suite(void)
{
	Suite	*s = suite_create("status_page");
	TCase	*tc;

	tc = tcase_create("document");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_status_page_document);
	tcase_add_test(tc, test_status_page_well_formed_check_fails);
	tcase_add_test(tc, test_status_page_empty);
	tcase_add_test(tc, test_status_page_buffer_full);
	suite_add_tcase(s, tc);
	tc = tcase_create("escaping");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_status_page_escape);
	tcase_add_test(tc, test_status_page_escapes_config_and_certs);
	suite_add_tcase(s, tc);
	tc = tcase_create("content");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_status_page_days_left);
	tcase_add_test(tc, test_status_page_certificate_expiry);
	tcase_add_test(tc, test_status_page_expiry_boundary);
	tcase_add_test(tc, test_status_page_listeners);
	tcase_add_test(tc, test_status_page_backends);
	tcase_add_test(tc, test_status_page_contexts_limits_rates);
	tcase_add_test(tc, test_status_page_daemon);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(status_page_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
