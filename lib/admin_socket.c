/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the admin endpoint's listening socket: bind and listen on
 * daemon.admin.listen, a unix path's stale socket cleared, and back.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "admin_socket.h"

/* Report "what: strerror(errno)" at cf's admin group; errno kept. */
static int
admin_socket_err(const struct tf_config *cf, struct tf_errs *errs,
    const char *what)
{
	int	saved_errno = errno;

	tf_errs_add(errs, cf->file, cf->admin_line, "admin endpoint \"%s\": "
	    "%s: %s", cf->admin_listen, what, strerror(saved_errno));
	errno = saved_errno;
	return -1;
}

/* Remove path after a failure, errno kept for the caller. */
static void
admin_socket_unlink(const char *path)
{
	int	saved_errno = errno;

	(void)unlink(path);
	errno = saved_errno;
}

/* Fill sun with path; -1 (ENAMETOOLONG) if it does not fit. */
static int
admin_socket_sun(const char *path, struct sockaddr_un *sun, socklen_t *len)
{
	size_t	plen = strlen(path);

	if (plen >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, plen + 1);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1);
	return 0;
}

/*
 * Whether a process accepts on the unix socket at sun: a connect that
 * is refused means a socket left behind by one that died.
 */
static int
admin_socket_is_live(const struct sockaddr_un *sun, socklen_t len,
    bool *live)
{
	int	fd, rc, saved_errno;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sun, len);
	saved_errno = errno;
	close(fd);
	errno = saved_errno;
	if (rc == 0 || errno == EAGAIN || errno == EINPROGRESS) {
		*live = true;
		return 0;
	}
	if (errno == ECONNREFUSED || errno == ENOENT) {
		*live = false;
		return 0;
	}
	return -1;
}

/* Make room for a new socket at cf's path: remove a stale one only. */
static int
admin_socket_clear(const struct tf_config *cf, struct tf_errs *errs,
    const struct sockaddr_un *sun, socklen_t len)
{
	struct stat	st;
	bool		live;

	if (lstat(cf->admin_path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		return admin_socket_err(cf, errs, cf->admin_path);
	}
	if (!S_ISSOCK(st.st_mode)) {
		tf_errs_add(errs, cf->file, cf->admin_line, "admin endpoint "
		    "\"%s\": %s exists and is not a socket", cf->admin_listen,
		    cf->admin_path);
		errno = EEXIST;
		return -1;
	}
	if (admin_socket_is_live(sun, len, &live) == -1)
		return admin_socket_err(cf, errs, "checking the socket there");
	if (live) {
		tf_errs_add(errs, cf->file, cf->admin_line, "admin endpoint "
		    "\"%s\": %s is in use by a running process",
		    cf->admin_listen, cf->admin_path);
		errno = EADDRINUSE;
		return -1;
	}
	if (unlink(cf->admin_path) == -1 && errno != ENOENT)
		return admin_socket_err(cf, errs, "removing the stale socket");
	return 0;
}

/* Bind fd to the unix path: a stale socket replaced, mode set after. */
static int
admin_socket_bind_unix(const struct tf_config *cf, struct tf_errs *errs,
    int fd)
{
	struct sockaddr_un	sun;
	socklen_t		len;

	if (admin_socket_sun(cf->admin_path, &sun, &len) == -1)
		return admin_socket_err(cf, errs, cf->admin_path);
	if (admin_socket_clear(cf, errs, &sun, len) == -1)
		return -1;
	if (bind(fd, (const struct sockaddr *)&sun, len) == -1)
		return admin_socket_err(cf, errs, "bind");
	if (chmod(cf->admin_path, TF_ADMIN_SOCKET_MODE) == -1) {
		admin_socket_err(cf, errs, "chmod");
		admin_socket_unlink(cf->admin_path);
		return -1;
	}
	return 0;
}

static int
admin_socket_bind_tcp(const struct tf_config *cf, struct tf_errs *errs,
    int fd)
{
	int	on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		return admin_socket_err(cf, errs, "setsockopt SO_REUSEADDR");
	if (bind(fd, (const struct sockaddr *)&cf->admin_addr.ss,
	    cf->admin_addr.len) == -1)
		return admin_socket_err(cf, errs, "bind");
	return 0;
}

int
tf_admin_socket_open(const struct tf_config *cf, struct tf_errs *errs)
{
	int	fd, family, saved_errno;

	if (cf->admin_listen == NULL) {
		tf_errs_add(errs, cf->file, 0, "no admin endpoint configured");
		errno = EINVAL;
		return -1;
	}
	family = cf->admin_path != NULL ? AF_UNIX : cf->admin_addr.ss.ss_family;
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return admin_socket_err(cf, errs, "socket");
	if ((cf->admin_path != NULL ? admin_socket_bind_unix(cf, errs, fd) :
	    admin_socket_bind_tcp(cf, errs, fd)) == -1)
		goto fail;
	if (listen(fd, TF_ADMIN_BACKLOG) == -1) {
		admin_socket_err(cf, errs, "listen");
		if (cf->admin_path != NULL)
			admin_socket_unlink(cf->admin_path);
		goto fail;
	}
	return fd;
fail:
	saved_errno = errno;
	close(fd);
	errno = saved_errno;
	return -1;
}

const char *
tf_admin_socket_describe(const struct tf_config *cf, char *buf, size_t len)
{
	char	addr[TF_ADDR_STRLEN];

	if (cf->admin_listen == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	if (cf->admin_path != NULL)
		snprintf(buf, len, "admin endpoint on unix:%s", cf->admin_path);
	else
		snprintf(buf, len, "admin endpoint on %s",
		    tf_addr_format(&cf->admin_addr, addr, sizeof(addr)));
	return buf;
}

void
tf_admin_socket_close(const struct tf_config *cf, int fd)
{
	if (fd >= 0)
		close(fd);
	if (cf->admin_path != NULL)
		(void)unlink(cf->admin_path);
}
