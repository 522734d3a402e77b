/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: listening sockets and accepting connections on them.
 * libevent's evconnlistener does the accept4() loop; we hand each new
 * socket to a connection object.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/listener.h>

#include "access.h"
#include "conn.h"
#include "generation.h"
#include "listener.h"
#include "log.h"
#include "worker.h"

#define TF_LISTEN_BACKLOG	1024

int
tf_listener_bind(const struct tf_addr *addr, const char **what)
{
	int	fd, on = 1;

	fd = socket(addr->ss.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		*what = "socket";
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) == -1) {
		*what = "setsockopt";
		goto fail;
	}
	/* Before listen(): every accepted socket inherits it. */
	if (!tf_addr_is_unix(addr) && setsockopt(fd, IPPROTO_TCP,
	    TCP_NODELAY, &on, sizeof(on)) == -1) {
		*what = "setsockopt TCP_NODELAY";
		goto fail;
	}
	/* "[::]:443" and "0.0.0.0:443" are separate listeners here. */
	if (addr->ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1) {
		*what = "setsockopt IPV6_V6ONLY";
		goto fail;
	}
	if (bind(fd, (const struct sockaddr *)&addr->ss, addr->len) == -1) {
		*what = "bind";
		goto fail;
	}
	if (listen(fd, TF_LISTEN_BACKLOG) == -1) {
		*what = "listen";
		goto fail;
	}
	return fd;
fail:
	{
		int	saved_errno = errno;

		close(fd);
		errno = saved_errno;
	}
	return -1;
}

/*
 * Linux copies TCP_NODELAY from a listening socket to each socket it
 * accepts, as the connection completes. Set on a socket before listen()
 * (ours, or systemd's with NoDelay=yes), it spares a setsockopt() per
 * connection; set later, connections queued before would miss it, so a
 * socket without it (systemd's default) gets the call per connection.
 */
static bool
listener_has_nodelay(int fd)
{
	int		on = 0;
	socklen_t	len = sizeof(on);

	return getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len) == 0 &&
	    on != 0;
}

static void
listener_accept_cb(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct tf_listener	*l = arg;

	(void)evl;
	tf_conn_new(l->worker, l, fd, sa, (socklen_t)salen);
}

/* accept() failed: out of descriptors pauses accepting for a moment. */
static void
listener_error_cb(struct evconnlistener *evl, void *arg)
{
	struct tf_listener	*l = arg;
	int			 err = EVUTIL_SOCKET_ERROR();

	(void)evl;
	if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
		if (tf_access_may_log(l->worker->base,
		    TF_ACCESS_KIND_ACCEPT_PAUSE))
			tf_log_warnx("listener %s: accept: %s; pausing "
			    "accepts", l->name, strerror(err));
		tf_worker_accept_backoff(l->worker);
		return;
	}
	if (tf_access_may_log(l->worker->base, TF_ACCESS_KIND_LISTENER))
		tf_log_warnx("listener %s: accept: %s", l->name,
		    strerror(err));
}

struct tf_listener *
tf_listener_new(struct tf_worker *w, size_t i, int fd)
{
	struct tf_listener	*l;
	const struct tf_config	*cf = w->gen->config;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		tf_fatal("calloc");
	l->worker = w;
	l->conf = &cf->listeners[i];
	l->index = i;
	l->backend = &cf->backends[l->conf->backend];
	tf_addr_format(&l->conf->addr, l->name, sizeof(l->name));
	l->nodelay_inherited = listener_has_nodelay(fd);
	l->evl = evconnlistener_new(w->base, listener_accept_cb, l,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (l->evl == NULL) {
		tf_log_warnx("listener %s: cannot start accepting", l->name);
		close(fd);
		free(l);
		return NULL;
	}
	evconnlistener_set_error_cb(l->evl, listener_error_cb);
	return l;
}

void
tf_listener_close(struct tf_listener *l)
{
	if (l->evl != NULL) {
		evconnlistener_free(l->evl);
		l->evl = NULL;
	}
}

void
tf_listener_free(struct tf_listener *l)
{
	if (l == NULL)
		return;
	tf_listener_close(l);
	free(l);
}

void
tf_listener_pause(struct tf_listener *l)
{
	if (l->evl != NULL)
		evconnlistener_disable(l->evl);
}

void
tf_listener_resume(struct tf_listener *l)
{
	if (l->evl != NULL)
		evconnlistener_enable(l->evl);
}
