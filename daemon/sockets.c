/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the listening sockets of one generation, carried over from
 * the previous generation on reload so that no queued connection is lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autoconf.h"

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "listener.h"
#include "log.h"
#include "sockets.h"

static bool
sockets_same_addr(const struct tf_addr *a, const struct tf_addr *b)
{
	return a->len == b->len && memcmp(&a->ss, &b->ss, a->len) == 0;
}

int
tf_sockets_inherit(struct tf_inherited *inh, struct tf_errs *errs)
{
	memset(inh, 0, sizeof(*inh));
#ifdef HAVE_LIBSYSTEMD
	int	n, i;

	if ((n = sd_listen_fds(1)) < 0)
		return tf_errs_addx(errs, "socket activation: %s",
		    strerror(-n));
	if (n == 0)
		return 0;
	inh->fds = calloc((size_t)n, sizeof(*inh->fds));
	inh->addrs = calloc((size_t)n, sizeof(*inh->addrs));
	inh->used = calloc((size_t)n, sizeof(*inh->used));
	if (inh->fds == NULL || inh->addrs == NULL || inh->used == NULL)
		tf_fatal("calloc");
	for (i = 0; i < n; i++) {
		struct tf_addr	*a = &inh->addrs[i];
		int		 fd = SD_LISTEN_FDS_START + i;

		a->len = sizeof(a->ss);
		if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0 ||
		    getsockname(fd, (struct sockaddr *)&a->ss, &a->len) == -1)
			return tf_errs_addx(errs, "socket activation: fd %d "
			    "is not a listening stream socket", fd);
		/* Passed sockets may be blocking; accept loops must not be. */
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
			return tf_errs_addx(errs, "socket activation: fd %d: "
			    "%s", fd, strerror(errno));
		inh->fds[i] = fd;
		inh->count++;
	}
#else
	if (getenv("LISTEN_FDS") != NULL)
		return tf_errs_addx(errs, "socket activation: this tlsfrontd "
		    "was built without libsystemd");
#endif
	return 0;
}

void
tf_sockets_inherited_close(struct tf_inherited *inh)
{
	size_t	i;

	for (i = 0; i < inh->count; i++)
		close(inh->fds[i]);
	free(inh->fds);
	free(inh->addrs);
	free(inh->used);
	memset(inh, 0, sizeof(*inh));
}

static struct tf_sockets *
sockets_alloc(size_t nlisteners, size_t nworkers)
{
	struct tf_sockets	*s;
	size_t			 i;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->addrs = calloc(nlisteners + 1, sizeof(*s->addrs))) == NULL ||
	    (s->inherited = calloc(nlisteners + 1, sizeof(bool))) == NULL ||
	    (s->fds = calloc(nlisteners * nworkers + 1, sizeof(int))) == NULL ||
	    (s->taken = calloc(nlisteners * nworkers + 1, sizeof(bool))) ==
	    NULL)
		tf_fatal("calloc");
	s->nlisteners = nlisteners;
	s->nworkers = nworkers;
	for (i = 0; i < nlisteners * nworkers; i++)
		s->fds[i] = -1;
	return s;
}

static int
sockets_find_inherited(const struct tf_inherited *inh,
    const struct tf_addr *addr)
{
	size_t	i;

	for (i = 0; inh != NULL && i < inh->count; i++)
		if (sockets_same_addr(&inh->addrs[i], addr))
			return (int)i;
	return -1;
}

static int
sockets_find_listener(const struct tf_sockets *s, const struct tf_addr *addr)
{
	size_t	i;

	for (i = 0; s != NULL && i < s->nlisteners; i++)
		if (!s->inherited[i] && sockets_same_addr(&s->addrs[i], addr))
			return (int)i;
	return -1;
}

/* Fill listener l's slots; new sockets only, nothing taken yet. */
static int
sockets_fill(struct tf_sockets *s, size_t l, const struct tf_listener_conf *lc,
    const struct tf_sockets *prev, const struct tf_inherited *inh,
    const char *file, struct tf_errs *errs)
{
	const char	*what;
	char		 name[TF_ADDR_STRLEN];
	size_t		 w;
	int		 k, p = sockets_find_listener(prev, &lc->addr);

	s->addrs[l] = lc->addr;
	if ((k = sockets_find_inherited(inh, &lc->addr)) != -1) {
		s->inherited[l] = true;
		for (w = 0; w < s->nworkers; w++)
			s->fds[l * s->nworkers + w] = inh->fds[k];
		return 0;
	}
	for (w = 0; w < s->nworkers; w++) {
		if (p != -1 && w < prev->nworkers &&
		    prev->fds[(size_t)p * prev->nworkers + w] != -1)
			continue;	/* taken over once all binds worked */
		s->fds[l * s->nworkers + w] = tf_listener_bind(&lc->addr,
		    &what);
		if (s->fds[l * s->nworkers + w] == -1)
			return tf_errs_add(errs, file, lc->line,
			    "listen %s: %s: %s", tf_addr_format(&lc->addr,
			    name, sizeof(name)), what, strerror(errno));
	}
	return 0;
}

/* All new sockets exist: now take over the rest from prev. */
static void
sockets_take_over(struct tf_sockets *s, struct tf_sockets *prev)
{
	size_t	l, w;
	int	p, *from;

	for (l = 0; l < s->nlisteners; l++) {
		if (s->inherited[l] ||
		    (p = sockets_find_listener(prev, &s->addrs[l])) == -1)
			continue;
		for (w = 0; w < s->nworkers && w < prev->nworkers; w++) {
			from = &prev->fds[(size_t)p * prev->nworkers + w];
			if (s->fds[l * s->nworkers + w] == -1) {
				s->fds[l * s->nworkers + w] = *from;
				s->taken[l * s->nworkers + w] = true;
				*from = -1;
			}
		}
	}
}

struct tf_sockets *
tf_sockets_open(const struct tf_config *cf, size_t nworkers,
    struct tf_sockets *prev, struct tf_inherited *inh, struct tf_errs *errs)
{
	struct tf_sockets	*s = sockets_alloc(cf->nlisteners, nworkers);
	size_t			 l;
	int			 k;

	for (l = 0; l < cf->nlisteners; l++) {
		if (sockets_fill(s, l, &cf->listeners[l], prev, inh, cf->file,
		    errs) == -1) {
			tf_sockets_free(s);
			return NULL;
		}
	}
	sockets_take_over(s, prev);
	for (l = 0; l < cf->nlisteners; l++)
		if ((k = sockets_find_inherited(inh, &s->addrs[l])) != -1)
			inh->used[k] = true;
	return s;
}

void
tf_sockets_give_back(struct tf_sockets *s, struct tf_sockets *prev)
{
	size_t	l, w, i;
	int	p;

	for (l = 0; l < s->nlisteners; l++) {
		if (s->inherited[l] ||
		    (p = sockets_find_listener(prev, &s->addrs[l])) == -1)
			continue;
		for (w = 0; w < s->nworkers && w < prev->nworkers; w++) {
			i = l * s->nworkers + w;
			if (s->taken[i]) {
				prev->fds[(size_t)p * prev->nworkers + w] =
				    s->fds[i];
				s->fds[i] = -1;
			}
		}
	}
	tf_sockets_free(s);
}

void
tf_sockets_slot(const struct tf_sockets *s, size_t w, int *fds)
{
	size_t	l;

	for (l = 0; l < s->nlisteners; l++)
		fds[l] = s->fds[l * s->nworkers + w];
}

bool
tf_sockets_in_slot(const struct tf_sockets *s, size_t w, int fd)
{
	size_t	l;

	for (l = 0; l < s->nlisteners; l++)
		if (s->fds[l * s->nworkers + w] == fd)
			return true;
	return false;
}

void
tf_sockets_free(struct tf_sockets *s)
{
	size_t	l, w;

	if (s == NULL)
		return;
	for (l = 0; l < s->nlisteners; l++)
		for (w = 0; w < s->nworkers && !s->inherited[l]; w++)
			if (s->fds[l * s->nworkers + w] != -1)
				close(s->fds[l * s->nworkers + w]);
	free(s->addrs);
	free(s->inherited);
	free(s->fds);
	free(s->taken);
	free(s);
}

void
tf_sockets_close_others(const struct tf_sockets *s,
    const struct tf_inherited *inh, size_t w)
{
	size_t	i, n = s->nlisteners * s->nworkers;

	for (i = 0; i < n; i++)
		if (s->fds[i] != -1 && !tf_sockets_in_slot(s, w, s->fds[i]))
			close(s->fds[i]);
	for (i = 0; i < inh->count; i++)
		if (!tf_sockets_in_slot(s, w, inh->fds[i]))
			close(inh->fds[i]);
}
