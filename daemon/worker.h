/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a worker is one event loop serving its own listening sockets
 * (one SO_REUSEPORT socket per configured listener). Workers share
 * nothing at run time; each is a process of its own when there are
 * several.
 */
#ifndef TF_WORKER_H
#define TF_WORKER_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "conn.h"

struct tf_addrlimit;
struct tf_count_sessions;
struct tf_metrics_slot;
struct tf_generation;
struct tf_listener;
struct tf_watch;

/*
 * A worker's counters, in memory shared with the master (for STATUS=).
 * Only the worker writes them; one cache line each.
 */
struct tf_worker_stats {
	_Atomic uint64_t	accepted;
	_Atomic uint64_t	active;
	_Atomic uint32_t	ready;		/* set once it serves */
	char			pad[44];
};

struct tf_worker {
	int			 index;
	struct event_base	*base;
	struct tf_generation	*gen;
	struct tf_listener	**listeners;	/* one per config listener */
	size_t			 nlisteners;
	size_t			 nfds_taken;	/* sockets handed to listeners */
	size_t			*backend_next;	/* round-robin start per backend */
	struct tf_conn_list	 conns;		/* open ones (conn.c) */
	size_t			 nconns;
	size_t			 nhandshakes;	/* of nconns, unfinished */
	size_t			 max_conns;
	uint64_t		 next_conn_id;
	bool			 draining;
	bool			 accept_paused;
	bool			 fds_short;	/* accept() ran out of them */
	struct event		*sig_term;
	struct event		*drain_timer;
	struct event		*accept_retry;	/* re-enable accept after EMFILE */
	struct event		*sig_retire;
	struct tf_watch		*watch;		/* NULL: files not watched */
	struct tf_addrlimit	*addrlimit;	/* NULL: no per-address limit */
	struct event		*addrlimit_timer;	/* expiry, each second */
	uint64_t		 addr_refused;
	struct tf_worker_stats	*stats;		/* never NULL */
	/* The admin endpoint's counters (count.c); NULL: not counted. */
	struct tf_metrics_slot	*metrics;
	struct tf_count_sessions *sessions;	/* per context */
	struct event		*sessions_timer;
	struct tf_worker_stats	 own_stats;	/* when the caller has none */
};

/*
 * Descriptors a worker keeps beside its connections' two each: listeners
 * aside, the event loop, logging and what the libraries open.
 */
#define TF_FD_RESERVE	64

/* Connections a worker can hold within its descriptor limit. */
size_t	tf_worker_fd_capacity(size_t nlisteners);

/*
 * Run worker index on the listening sockets fds[i] (one per configured
 * listener; taken over and closed on return) until stopped:
 * SIGTERM drains the connections for up to timeouts.drain (a second
 * SIGTERM closes them at once); SIGUSR2 retires the worker after a reload:
 * stop accepting and exit once the last connection has ended. stats may
 * be NULL; so may metrics (the admin endpoint's slot of this worker).
 * Returns 0 on a clean stop, -1 if it could not start.
 */
int	tf_worker_run(struct tf_generation *gen, int index, size_t nworkers,
	    const int *fds, struct tf_worker_stats *stats,
	    struct tf_metrics_slot *metrics);

/* A connection starts or ends (conn.c keeps w->conns): counting, accept
 * pause and resumption, the end of a drain. */
void	tf_worker_conn_opened(struct tf_worker *);
void	tf_worker_conn_closed(struct tf_worker *);
/*
 * A connection from sa may start (per-address limits): true, and counted
 * until tf_worker_conn_closed's caller releases it (tf_worker_address_
 * release); or false, logged (rate-limited) and not counted.
 */
bool	tf_worker_address_admit(struct tf_worker *, const struct sockaddr *sa,
	    socklen_t salen);
void	tf_worker_address_release(struct tf_worker *,
	    const struct sockaddr *sa);

/* A connection's handshake ended (done, failed or closed). */
void	tf_worker_handshake_ended(struct tf_worker *);

/* accept() ran out of descriptors: pause accepting for a moment. */
void	tf_worker_accept_backoff(struct tf_worker *);

#endif
