/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: active TCP health checks. Worker 0 runs them all: one
 * process, so each result is counted once against rise and fall, and
 * the master already restarts that worker if it dies (the state it found
 * lives on in the shared table). After a reload the new worker 0 takes
 * over and the old one stops when it retires; while both run, each
 * change is still logged once (health.c). A check connects, writes send
 * if set, and waits for expect to appear in what the server answers if
 * set, all within timeout; the next one starts interval after.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "config.h"
#include "generation.h"
#include "health.h"
#include "health_check.h"
#include "log.h"
#include "worker.h"

/* What a probe keeps of the answer: enough to hold expect (at most
 * 1024 bytes, lib/config_backend.c) wherever it falls in a read. */
#define PROBE_BUF	4096

/* The checks of one server. */
struct probe {
	struct event_base		*base;
	const struct tf_config		*cf;
	const struct tf_health_map	*map;
	size_t				 bi, si;
	int				 fd;		/* -1: no check under way */
	bool				 connected;
	size_t				 sent;		/* of send */
	struct event			*io;
	struct event			*timer;		/* interval or timeout */
	size_t				 have;		/* bytes in buf */
	char				 buf[PROBE_BUF];
};

static struct probe	*probes;
static size_t		 nprobes;

static const struct tf_health_check_conf *
probe_conf(const struct probe *p)
{
	return p->cf->backends[p->bi].health_check;
}

static void
probe_close(struct probe *p)
{
	if (p->io != NULL) {
		event_free(p->io);
		p->io = NULL;
	}
	if (p->fd != -1) {
		close(p->fd);
		p->fd = -1;
	}
}

/* The check is over: count it, and start the next one interval later. */
static void
probe_done(struct probe *p, bool ok, const char *why)
{
	struct timeval	tv = tf_timeval_of(probe_conf(p)->interval);

	probe_close(p);
	if (!ok)
		tf_log_debug("backend %s: server %s: health check failed: %s",
		    p->cf->backends[p->bi].name,
		    p->cf->backends[p->bi].server_names[p->si], why);
	tf_health_check_result(p->map, p->cf, p->bi, p->si, ok, why);
	evtimer_add(p->timer, &tv);
}

static void	probe_io_cb(evutil_socket_t, short, void *);

/* Wait for the socket to be ready for what (EV_READ or EV_WRITE). */
static void
probe_wait(struct probe *p, short what)
{
	if (p->io != NULL)
		event_free(p->io);
	if ((p->io = event_new(p->base, p->fd, what, probe_io_cb, p)) == NULL ||
	    event_add(p->io, NULL) == -1)
		probe_done(p, false, "out of memory");
}

/* Whether expect has come (the buffer keeps the tail of the answer). */
static int
probe_read(struct probe *p)
{
	const char	*expect = probe_conf(p)->expect;
	size_t		 elen = strlen(expect), keep;
	ssize_t		 n;

	n = read(p->fd, p->buf + p->have, sizeof(p->buf) - p->have);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		probe_done(p, false, n == 0 ? "closed before the expected "
		    "answer" : strerror(errno));
		return -1;
	}
	p->have += (size_t)n;
	if (memmem(p->buf, p->have, expect, elen) != NULL) {
		probe_done(p, true, NULL);
		return -1;
	}
	if (p->have == sizeof(p->buf)) {
		keep = elen - 1;
		memmove(p->buf, p->buf + p->have - keep, keep);
		p->have = keep;
	}
	return 0;
}

/* Write what is left of send; 1 when all of it is out. */
static int
probe_send(struct probe *p)
{
	const char	*send_str = probe_conf(p)->send;
	size_t		 len = strlen(send_str);
	ssize_t		 n;

	while (p->sent < len) {
		n = send(p->fd, send_str + p->sent, len - p->sent,
		    MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n == -1) {
			probe_done(p, false, strerror(errno));
			return -1;
		}
		p->sent += (size_t)n;
	}
	return 1;
}

static void
probe_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe				*p = arg;
	const struct tf_health_check_conf	*hc = probe_conf(p);
	int					 err = 0, r;
	socklen_t				 len = sizeof(err);

	(void)what;
	if (!p->connected) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			probe_done(p, false, strerror(err));
			return;
		}
		p->connected = true;
	}
	if (hc->send != NULL && (r = probe_send(p)) != 1) {
		if (r == 0)
			probe_wait(p, EV_WRITE);
		return;
	}
	if (hc->expect == NULL) {
		probe_done(p, true, NULL);
		return;
	}
	if ((what & EV_READ) && probe_read(p) == -1)
		return;
	probe_wait(p, EV_READ);
}

static void
probe_start(struct probe *p)
{
	const struct tf_addr	*addr = &p->cf->backends[p->bi].servers[p->si];
	struct timeval		 tv = tf_timeval_of(probe_conf(p)->timeout);

	p->connected = false;
	p->sent = 0;
	p->have = 0;
	p->fd = socket(addr->ss.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd == -1) {
		probe_done(p, false, strerror(errno));
		return;
	}
	if (connect(p->fd, (const struct sockaddr *)&addr->ss, addr->len) ==
	    -1 && errno != EINPROGRESS) {
		probe_done(p, false, strerror(errno));
		return;
	}
	evtimer_add(p->timer, &tv);
	probe_wait(p, EV_WRITE);
}

/* The interval is over (start a check) or the check's timeout is. */
static void
probe_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe	*p = arg;

	(void)fd;
	(void)what;
	if (p->fd != -1)
		probe_done(p, false, "timed out");
	else
		probe_start(p);
}

int
tf_health_checks_start(struct tf_worker *w)
{
	const struct tf_config	*cf = w->gen->config;
	struct timeval		 now = { 0, 0 };
	struct probe		*p;
	size_t			 i, j, n = 0;

	if (w->index != 0)
		return 0;
	for (i = 0; i < cf->nbackends; i++)
		if (cf->backends[i].health_check != NULL)
			n += cf->backends[i].nservers;
	if (n == 0)
		return 0;
	if ((probes = calloc(n, sizeof(*probes))) == NULL)
		return -1;
	for (i = 0; i < cf->nbackends; i++) {
		if (cf->backends[i].health_check == NULL)
			continue;
		for (j = 0; j < cf->backends[i].nservers; j++) {
			p = &probes[nprobes++];
			p->base = w->base;
			p->cf = cf;
			p->map = w->gen->health;
			p->bi = i;
			p->si = j;
			p->fd = -1;
			if ((p->timer = evtimer_new(w->base, probe_timer_cb,
			    p)) == NULL)
				return -1;
			/* The first check at once: a server dead at start
			 * is found as soon as can be. */
			evtimer_add(p->timer, &now);
		}
	}
	tf_log_info("worker %d: health checks of %zu server(s)", w->index, n);
	return 0;
}

void
tf_health_checks_stop(void)
{
	size_t	i;

	for (i = 0; i < nprobes; i++) {
		probe_close(&probes[i]);
		if (probes[i].timer != NULL)
			event_free(probes[i].timer);
	}
	free(probes);
	probes = NULL;
	nprobes = 0;
}
