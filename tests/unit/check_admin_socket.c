/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/admin_socket.c: the admin endpoint's
 * listening socket on loopback TCP and on a unix path, and its refusals.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "admin_socket.h"
#include "config.h"
#include "testcerts.h"

static char	dir[TF_TEST_TMPDIR_MAX];

static void
setup(void)
{
	tf_test_tmpdir_make(dir, sizeof(dir), "check_admin_socket");
}

static void
teardown(void)
{
	tf_test_tmpdir_remove(dir);
}

/* cf as lib/config_admin.c leaves it for listen (path: a unix one). */
static void
conf_make(struct tf_config *cf, const char *listen, const char *path)
{
	char	err[128];

	memset(cf, 0, sizeof(*cf));
	ck_assert_ptr_nonnull(cf->file = strdup("test.conf"));
	ck_assert_ptr_nonnull(cf->admin_listen = strdup(listen));
	cf->admin_line = 3;
	if (path != NULL) {
		ck_assert_ptr_nonnull(cf->admin_path = strdup(path));
		return;
	}
	ck_assert_msg(tf_addr_parse(listen, true, &cf->admin_addr, err,
	    sizeof(err)) == 0, "%s: %s", listen, err);
}

static void
conf_clear(struct tf_config *cf)
{
	free(cf->file);
	free(cf->admin_listen);
	free(cf->admin_path);
}

/* A path in the temp dir. */
static char *
in_dir(const char *name)
{
	char	*p;

	ck_assert_int_ne(asprintf(&p, "%s/%s", dir, name), -1);
	return p;
}

/* Nonblocking, close-on-exec and listening. */
static void
assert_listening(int fd)
{
	int		on = 0;
	socklen_t	len = sizeof(on);

	ck_assert_int_ge(fd, 0);
	ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len),
	    0);
	ck_assert_int_ne(on, 0);
}

/* Connect to sa and see the connection accepted on fd. */
static void
assert_accepts(int fd, const struct sockaddr *sa, socklen_t salen)
{
	int	c, a;

	c = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(c, 0);
	ck_assert_msg(connect(c, sa, salen) == 0, "connect: %s",
	    strerror(errno));
	/* A loopback connect returns once the connection is queued. */
	a = accept(fd, NULL, NULL);
	ck_assert_msg(a >= 0, "accept: %s", strerror(errno));
	close(a);
	close(c);
}

static void
unix_sa(const char *path, struct sockaddr_un *sun, socklen_t *len)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(path), sizeof(sun->sun_path));
	strcpy(sun->sun_path, path);
	*len = (socklen_t)sizeof(*sun);
}

/* A unix socket bound at path; listening if listening, else closed. */
static int
unix_bound(const char *path, bool listening)
{
	struct sockaddr_un	sun;
	socklen_t		len;
	int			fd;

	unix_sa(path, &sun, &len);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, len), 0);
	if (listening) {
		ck_assert_int_eq(listen(fd, 1), 0);
		return fd;
	}
	close(fd);
	return -1;
}

START_TEST(test_admin_socket_tcp_loopback)
{
	struct tf_config	cf;
	struct tf_errs		errs;
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd, on = 0;

	conf_make(&cf, "127.0.0.1:0", NULL);
	tf_errs_init(&errs);
	fd = tf_admin_socket_open(&cf, &errs);
	ck_assert_msg(fd >= 0, "%s", tf_errs_get(&errs, 0));
	ck_assert_uint_eq(tf_errs_count(&errs), 0);
	assert_listening(fd);
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
	    &(socklen_t){ sizeof(on) }), 0);
	ck_assert_int_ne(on, 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	ck_assert_int_eq(sin.sin_family, AF_INET);
	ck_assert_uint_eq(ntohl(sin.sin_addr.s_addr), INADDR_LOOPBACK);
	ck_assert_uint_ne(ntohs(sin.sin_port), 0);
	assert_accepts(fd, (struct sockaddr *)&sin, len);
	tf_admin_socket_close(&cf, fd);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
	tf_errs_free(&errs);
	conf_clear(&cf);
}
END_TEST

/* A port in use: the error names the file, line, address and why. */
START_TEST(test_admin_socket_tcp_in_use)
{
	struct tf_config	cf, cf2;
	struct tf_errs		errs;
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	char			listen[64], want[160];
	int			fd;

	conf_make(&cf, "127.0.0.1:0", NULL);
	tf_errs_init(&errs);
	fd = tf_admin_socket_open(&cf, &errs);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", ntohs(sin.sin_port));
	conf_make(&cf2, listen, NULL);
	errno = 0;
	ck_assert_int_eq(tf_admin_socket_open(&cf2, &errs), -1);
	ck_assert_int_eq(errno, EADDRINUSE);
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	snprintf(want, sizeof(want), "test.conf:3: admin endpoint \"%s\": "
	    "bind: %s", listen, strerror(EADDRINUSE));
	ck_assert_str_eq(tf_errs_get(&errs, 0), want);
	tf_admin_socket_close(&cf, fd);
	tf_errs_free(&errs);
	conf_clear(&cf);
	conf_clear(&cf2);
}
END_TEST

/* Made 0660 whatever the umask; connectable; removed by close. */
START_TEST(test_admin_socket_unix_path)
{
	static const mode_t	 umasks[] = { 0, 077 };
	struct tf_config	 cf;
	struct tf_errs		 errs;
	struct sockaddr_un	 sun;
	struct stat		 st;
	socklen_t		 len;
	char			*path;
	size_t			 i;
	int			 fd;

	path = in_dir("admin.sock");
	conf_make(&cf, "unix:admin.sock", path);
	tf_errs_init(&errs);
	for (i = 0; i < sizeof(umasks) / sizeof(umasks[0]); i++) {
		umask(umasks[i]);
		fd = tf_admin_socket_open(&cf, &errs);
		ck_assert_msg(fd >= 0, "%s", tf_errs_get(&errs, 0));
		assert_listening(fd);
		ck_assert_int_eq(lstat(path, &st), 0);
		ck_assert(S_ISSOCK(st.st_mode));
		ck_assert_uint_eq(st.st_mode & 07777, 0660);
		unix_sa(path, &sun, &len);
		assert_accepts(fd, (struct sockaddr *)&sun, len);
		tf_admin_socket_close(&cf, fd);
		ck_assert_int_eq(lstat(path, &st), -1);
		ck_assert_int_eq(errno, ENOENT);
	}
	ck_assert_uint_eq(tf_errs_count(&errs), 0);
	tf_errs_free(&errs);
	conf_clear(&cf);
	free(path);
}
END_TEST

/* A socket left by a process that died (nothing accepts) is replaced. */
START_TEST(test_admin_socket_unix_stale_replaced)
{
	struct tf_config	 cf;
	struct tf_errs		 errs;
	struct sockaddr_un	 sun;
	struct stat		 before, after;
	socklen_t		 len;
	char			*path;
	int			 fd;

	path = in_dir("admin.sock");
	unix_bound(path, false);
	ck_assert_int_eq(lstat(path, &before), 0);
	ck_assert(S_ISSOCK(before.st_mode));
	conf_make(&cf, path, path);
	tf_errs_init(&errs);
	fd = tf_admin_socket_open(&cf, &errs);
	ck_assert_msg(fd >= 0, "%s", tf_errs_get(&errs, 0));
	/* bind() fails on an existing path: it was removed first. */
	ck_assert_int_eq(lstat(path, &after), 0);
	ck_assert(S_ISSOCK(after.st_mode));
	ck_assert_uint_eq(after.st_mode & 07777, 0660);
	unix_sa(path, &sun, &len);
	assert_accepts(fd, (struct sockaddr *)&sun, len);
	tf_admin_socket_close(&cf, fd);
	tf_errs_free(&errs);
	conf_clear(&cf);
	free(path);
}
END_TEST

/* A socket some process accepts on is left alone. */
START_TEST(test_admin_socket_unix_live_refused)
{
	struct tf_config	 cf;
	struct tf_errs		 errs;
	struct sockaddr_un	 sun;
	socklen_t		 len;
	char			*path, want[512];
	int			 live;

	path = in_dir("admin.sock");
	live = unix_bound(path, true);
	conf_make(&cf, path, path);
	tf_errs_init(&errs);
	errno = 0;
	ck_assert_int_eq(tf_admin_socket_open(&cf, &errs), -1);
	ck_assert_int_eq(errno, EADDRINUSE);
	snprintf(want, sizeof(want), "test.conf:3: admin endpoint \"%s\": %s "
	    "is in use by a running process", path, path);
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	ck_assert_str_eq(tf_errs_get(&errs, 0), want);
	unix_sa(path, &sun, &len);
	assert_accepts(live, (struct sockaddr *)&sun, len);
	close(live);
	tf_errs_free(&errs);
	conf_clear(&cf);
	free(path);
}
END_TEST

/* A regular file or a directory at the path is not touched. */
START_TEST(test_admin_socket_unix_not_a_socket)
{
	struct tf_config	 cf;
	struct tf_errs		 errs;
	struct stat		 st;
	FILE			*f;
	char			*file, *sub, want[512], text[16];

	file = in_dir("admin.sock");
	ck_assert_ptr_nonnull(f = fopen(file, "w"));
	fputs("keep me\n", f);
	ck_assert_int_eq(fclose(f), 0);
	sub = in_dir("sub");
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	tf_errs_init(&errs);

	conf_make(&cf, "unix:admin.sock", file);
	errno = 0;
	ck_assert_int_eq(tf_admin_socket_open(&cf, &errs), -1);
	ck_assert_int_eq(errno, EEXIST);
	snprintf(want, sizeof(want), "test.conf:3: admin endpoint "
	    "\"unix:admin.sock\": %s exists and is not a socket", file);
	ck_assert_str_eq(tf_errs_get(&errs, 0), want);
	ck_assert_ptr_nonnull(f = fopen(file, "r"));
	ck_assert_ptr_nonnull(fgets(text, sizeof(text), f));
	fclose(f);
	ck_assert_str_eq(text, "keep me\n");
	conf_clear(&cf);

	conf_make(&cf, "unix:sub", sub);
	ck_assert_int_eq(tf_admin_socket_open(&cf, &errs), -1);
	snprintf(want, sizeof(want), "test.conf:3: admin endpoint "
	    "\"unix:sub\": %s exists and is not a socket", sub);
	ck_assert_str_eq(tf_errs_get(&errs, 1), want);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(tf_errs_count(&errs), 2);

	tf_errs_free(&errs);
	conf_clear(&cf);
	free(file);
	free(sub);
}
END_TEST

/* Longer than sun_path: refused before anything is touched. */
START_TEST(test_admin_socket_unix_too_long)
{
	struct tf_config	 cf;
	struct tf_errs		 errs;
	struct sockaddr_un	 sun;
	char			 path[sizeof(sun.sun_path) + 16], want[512];

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	conf_make(&cf, path, path);
	tf_errs_init(&errs);
	errno = 0;
	ck_assert_int_eq(tf_admin_socket_open(&cf, &errs), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	snprintf(want, sizeof(want), "test.conf:3: admin endpoint \"%s\": "
	    "%s: %s", path, path, strerror(ENAMETOOLONG));
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	ck_assert_str_eq(tf_errs_get(&errs, 0), want);
	tf_errs_free(&errs);
	conf_clear(&cf);
}
END_TEST

/* A directory that does not exist: bind's reason, nothing left over. */
START_TEST(test_admin_socket_unix_no_directory)
{
	struct tf_config	 cf;
	struct tf_errs		 errs;
	char			*path, want[512];

	path = in_dir("nosuch/admin.sock");
	conf_make(&cf, path, path);
	tf_errs_init(&errs);
	errno = 0;
	ck_assert_int_eq(tf_admin_socket_open(&cf, &errs), -1);
	ck_assert_int_eq(errno, ENOENT);
	snprintf(want, sizeof(want), "test.conf:3: admin endpoint \"%s\": "
	    "bind: %s", path, strerror(ENOENT));
	ck_assert_str_eq(tf_errs_get(&errs, 0), want);
	tf_errs_free(&errs);
	conf_clear(&cf);
	free(path);
}
END_TEST

START_TEST(test_admin_socket_not_configured)
{
	struct tf_config	cf;
	struct tf_errs		errs;

	memset(&cf, 0, sizeof(cf));
	ck_assert_ptr_nonnull(cf.file = strdup("test.conf"));
	tf_errs_init(&errs);
	ck_assert_int_eq(tf_admin_socket_open(&cf, &errs), -1);
	ck_assert_str_eq(tf_errs_get(&errs, 0),
	    "test.conf: no admin endpoint configured");
	tf_admin_socket_close(&cf, -1);
	tf_errs_free(&errs);
	conf_clear(&cf);
}
END_TEST

/* close with no fd (a child that never held it) still removes the path. */
START_TEST(test_admin_socket_close_unlinks)
{
	struct tf_config	 cf;
	struct stat		 st;
	char			*path;

	path = in_dir("admin.sock");
	unix_bound(path, false);
	conf_make(&cf, path, path);
	tf_admin_socket_close(&cf, -1);
	ck_assert_int_eq(lstat(path, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* Already gone: nothing to do, no error. */
	tf_admin_socket_close(&cf, -1);
	conf_clear(&cf);
	free(path);
}
END_TEST

/* The -t and log line: the address as bound, the path as resolved. */
START_TEST(test_admin_socket_describe)
{
	struct tf_config	cf;
	char			buf[160];

	conf_make(&cf, "[::1]:9100", NULL);
	ck_assert_str_eq(tf_admin_socket_describe(&cf, buf, sizeof(buf)),
	    "admin endpoint on [::1]:9100");
	conf_clear(&cf);
	conf_make(&cf, "unix:admin.sock", "/run/tlsfront/admin.sock");
	ck_assert_str_eq(tf_admin_socket_describe(&cf, buf, sizeof(buf)),
	    "admin endpoint on unix:/run/tlsfront/admin.sock");
	conf_clear(&cf);
	memset(&cf, 0, sizeof(cf));
	ck_assert_str_eq(tf_admin_socket_describe(&cf, buf, sizeof(buf)), "");
}
END_TEST

static Suite *
admin_socket_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("admin_socket");
	tc = tcase_create("tcp");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_admin_socket_tcp_loopback);
	tcase_add_test(tc, test_admin_socket_tcp_in_use);
	tcase_add_test(tc, test_admin_socket_not_configured);
	tcase_add_test(tc, test_admin_socket_describe);
	suite_add_tcase(s, tc);
	tc = tcase_create("unix");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_admin_socket_unix_path);
	tcase_add_test(tc, test_admin_socket_unix_stale_replaced);
	tcase_add_test(tc, test_admin_socket_unix_live_refused);
	tcase_add_test(tc, test_admin_socket_unix_not_a_socket);
	tcase_add_test(tc, test_admin_socket_unix_too_long);
	tcase_add_test(tc, test_admin_socket_unix_no_directory);
	tcase_add_test(tc, test_admin_socket_close_unlinks);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(admin_socket_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
