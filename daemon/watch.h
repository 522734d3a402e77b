/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a worker's watch on the files its contexts read
 * (daemon.watch_files). Renewal tools (certbot, acme.sh, Kubernetes
 * secrets) replace a file by renaming a new one over it or by swapping a
 * symbolic link, so the directories are watched, not the files: the one
 * each path is named in and the one it resolves to. Any change there is
 * followed, once the directory has been quiet for a moment, by
 * tf_refresh(), which compares the files with what was built from them.
 */
#ifndef TF_WATCH_H
#define TF_WATCH_H

struct tf_worker;
struct tf_watch;

/* Start watching for w (NULL: nothing to watch, or inotify failed, which
 * is logged; contexts are then rebuilt only by a reload). */
struct tf_watch	*tf_watch_new(struct tf_worker *w);
void		 tf_watch_free(struct tf_watch *);

#endif
