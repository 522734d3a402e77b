/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: watching the contexts' files with inotify (see watch.h).
 */
#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "generation.h"
#include "log.h"
#include "refresh.h"
#include "watch.h"
#include "worker.h"

/*
 * A renewal writes several files (certificate, key, chain) in a burst:
 * the contexts are rebuilt once the directories have been quiet this
 * long, and at the latest this long after the first change, so that a
 * client loop sees a new certificate within a second.
 */
#define WATCH_SETTLE_MS		100
#define WATCH_MAX_DELAY_MS	500

#define WATCH_MASK	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
	IN_CREATE | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | \
	IN_ONLYDIR)

struct watch_dir {
	int	 wd;
	char	*path;
};

struct tf_watch {
	struct tf_worker	*worker;
	int			 fd;
	struct event		*ev;
	struct event		*settle;
	struct timeval		 first;		/* first change not acted on */
	bool			 pending;
	struct watch_dir	*dirs;
	size_t			 ndirs;
};

struct watch_collect {
	struct tf_watch		*wt;
	struct watch_dir	*next;
	size_t			 nnext;
	size_t			 cap;
	bool			 isdir;
};

/* Watch dir unless it already is; a directory that cannot be watched
 * (gone meanwhile) is tried again at the next refresh. */
static void
watch_add_dir(struct watch_collect *co, const char *dir)
{
	size_t	i;
	int	wd;

	for (i = 0; i < co->nnext; i++) {
		if (strcmp(co->next[i].path, dir) == 0)
			return;
	}
	if ((wd = inotify_add_watch(co->wt->fd, dir, WATCH_MASK)) == -1) {
		tf_log_debug("worker %d: cannot watch %s: %s",
		    co->wt->worker->index, dir, strerror(errno));
		return;
	}
	if (co->nnext == co->cap) {
		co->cap = co->cap == 0 ? 16 : 2 * co->cap;
		if ((co->next = reallocarray(co->next, co->cap,
		    sizeof(*co->next))) == NULL)
			tf_fatal("reallocarray");
	}
	if ((co->next[co->nnext].path = strdup(dir)) == NULL)
		tf_fatal("strdup");
	co->next[co->nnext++].wd = wd;
}

/* The directory part of path (path itself if it is a directory). */
static void
watch_dirname(const char *path, bool isdir, char *out, size_t len)
{
	const char	*slash;

	if (isdir || (slash = strrchr(path, '/')) == NULL) {
		snprintf(out, len, "%s", isdir ? path : ".");
		return;
	}
	snprintf(out, len, "%.*s", slash == path ? 1 : (int)(slash - path),
	    path);
}

/*
 * The directories of every link on the way to path: a link swapped by
 * renaming another over it (a Kubernetes secret's files link through
 * its ..data link, which is swapped) changes the directory it is in,
 * which neither path's directory nor the one it resolves to may be.
 */
static void
watch_collect_links(struct watch_collect *co, const char *path)
{
	char		 prefix[PATH_MAX], dir[PATH_MAX];
	struct stat	 st;
	size_t		 len;

	if (snprintf(prefix, sizeof(prefix), "%s", path) >=
	    (int)sizeof(prefix))
		return;
	while ((len = strlen(prefix)) > 1) {
		if (lstat(prefix, &st) == 0 && S_ISLNK(st.st_mode)) {
			watch_dirname(prefix, false, dir, sizeof(dir));
			watch_add_dir(co, dir);
		}
		watch_dirname(prefix, false, dir, sizeof(dir));
		if (strcmp(dir, prefix) == 0 || strcmp(dir, ".") == 0)
			break;
		memcpy(prefix, dir, strlen(dir) + 1);
	}
}

static void
watch_collect_file(const char *path, void *arg)
{
	struct watch_collect	*co = arg;
	char			 dir[PATH_MAX], real[PATH_MAX];

	watch_dirname(path, co->isdir, dir, sizeof(dir));
	watch_add_dir(co, dir);
	watch_collect_links(co, path);
	/* A file renewed in place where a link leads (certbot's
	 * archive/) is seen in the directory it resolves to. */
	if (realpath(path, real) != NULL) {
		watch_dirname(real, co->isdir, dir, sizeof(dir));
		watch_add_dir(co, dir);
	}
}

/* Watch the directories of every file as the links resolve now, and stop
 * watching the ones no file is in any more. */
static void
watch_sync(struct tf_watch *wt)
{
	const struct tf_config	*cf = wt->worker->gen->config;
	struct watch_collect	 co;
	size_t			 i, j;

	memset(&co, 0, sizeof(co));
	co.wt = wt;
	for (i = 0; i < cf->ncontexts; i++) {
		const struct tf_context_conf *cc = &cf->contexts[i];

		tf_context_conf_files(cc, watch_collect_file, &co);
		if (cc->capath.value != NULL) {
			co.isdir = true;
			watch_collect_file(cc->capath.value, &co);
			co.isdir = false;
		}
	}
	for (i = 0; i < wt->ndirs; i++) {
		for (j = 0; j < co.nnext; j++) {
			if (co.next[j].wd == wt->dirs[i].wd)
				break;
		}
		if (j == co.nnext)
			(void)inotify_rm_watch(wt->fd, wt->dirs[i].wd);
		free(wt->dirs[i].path);
	}
	free(wt->dirs);
	wt->dirs = co.next;
	wt->ndirs = co.nnext;
}

static void
watch_settled_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tf_watch	*wt = arg;

	(void)fd;
	(void)what;
	wt->pending = false;
	(void)tf_refresh(wt->worker->gen, wt->worker->index);
	watch_sync(wt);
}

/* Something changed in a watched directory: act once it settles. */
static void
watch_changed(struct tf_watch *wt)
{
	struct timeval	now, since, delay = { 0, WATCH_SETTLE_MS * 1000 };
	long		left_ms;

	event_base_gettimeofday_cached(wt->worker->base, &now);
	if (!wt->pending) {
		wt->pending = true;
		wt->first = now;
	}
	timersub(&now, &wt->first, &since);
	left_ms = WATCH_MAX_DELAY_MS -
	    (since.tv_sec * 1000 + since.tv_usec / 1000);
	if (left_ms < WATCH_SETTLE_MS)
		delay.tv_usec = (left_ms > 0 ? left_ms : 0) * 1000;
	evtimer_add(wt->settle, &delay);
}

static void
watch_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tf_watch	*wt = arg;
	char		 buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t		 n;
	bool		 changed = false;

	(void)what;
	/* What changed matters not: tf_refresh compares every file. */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		changed = true;
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		tf_log_warn("worker %d: reading file changes",
		    wt->worker->index);
	if (changed)
		watch_changed(wt);
}

struct tf_watch *
tf_watch_new(struct tf_worker *w)
{
	struct tf_watch	*wt;

	if ((wt = calloc(1, sizeof(*wt))) == NULL)
		tf_fatal("calloc");
	wt->worker = w;
	if ((wt->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		tf_log_warn("worker %d: cannot watch the certificate files "
		    "(a reload still reads them)", w->index);
		free(wt);
		return NULL;
	}
	wt->ev = event_new(w->base, wt->fd, EV_READ | EV_PERSIST,
	    watch_read_cb, wt);
	wt->settle = evtimer_new(w->base, watch_settled_cb, wt);
	if (wt->ev == NULL || wt->settle == NULL || event_add(wt->ev, NULL))
		tf_fatalx("cannot set up the file watch events");
	watch_sync(wt);
	if (wt->ndirs == 0) {
		tf_watch_free(wt);
		return NULL;
	}
	tf_log_debug("worker %d: watching %zu director%s for changes to the "
	    "contexts' files", w->index, wt->ndirs,
	    wt->ndirs == 1 ? "y" : "ies");
	return wt;
}

void
tf_watch_free(struct tf_watch *wt)
{
	size_t	i;

	if (wt == NULL)
		return;
	if (wt->ev != NULL)
		event_free(wt->ev);
	if (wt->settle != NULL)
		event_free(wt->settle);
	for (i = 0; i < wt->ndirs; i++)
		free(wt->dirs[i].path);
	free(wt->dirs);
	close(wt->fd);
	free(wt);
}
