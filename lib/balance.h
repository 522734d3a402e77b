/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: which of a backend's servers a connection goes to, and how
 * long a failing server is left alone: the pure part of backends that
 * fail (balance modes, passive backoff, the rise/fall counter of health
 * checks). daemon/health.c keeps the state these functions are given.
 */
#ifndef TF_BALANCE_H
#define TF_BALANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* backends.NAME.balance */
enum tf_balance {
	TF_BALANCE_ROUNDROBIN = 0,	/* the default: today's behaviour */
	TF_BALANCE_FIRST,		/* the first server up, in order */
	TF_BALANCE_LEASTCONN,		/* fewest connections (per worker) */
};

/* backends.NAME.health_check; the defaults are HAProxy's. */
struct tf_health_check_conf {
	double	 interval;		/* seconds between checks */
	double	 timeout;		/* connect + send + expect */
	int	 rise;			/* successes that bring one up */
	int	 fall;			/* failures that take one down */
	char	*send;			/* NULL: nothing written */
	char	*expect;		/* NULL: a connect is enough */
	int	 line;
};

#define TF_DEFAULT_RETRY_AFTER		2.0
/* The backoff doubles per consecutive failure up to this many times
 * retry_after (60 s with the default of 2 s). */
#define TF_BALANCE_BACKOFF_MAX_FACTOR	30
#define TF_DEFAULT_CHECK_INTERVAL	2.0
#define TF_DEFAULT_CHECK_RISE		2
#define TF_DEFAULT_CHECK_FALL		3
#define TF_CHECK_COUNT_MAX		100	/* rise and fall */
/* A connection tries at most this many servers (and never for longer
 * than timeouts.connect in all). */
#define TF_BALANCE_MAX_TRIES		16

/* "roundrobin", "first", "leastconn": 0, or -1 for another name. */
int		 tf_balance_parse(const char *name, enum tf_balance *);
const char	*tf_balance_name(enum tf_balance);

/*
 * How long a server that failed failures times in a row (>= 1) is
 * skipped: retry_after, doubled for each failure after the first, at
 * most TF_BALANCE_BACKOFF_MAX_FACTOR * retry_after.
 */
double		 tf_balance_backoff(double retry_after, unsigned failures);

/* What a pick knows of one server. */
struct tf_balance_server {
	bool		 down;		/* by its health checks: never tried */
	int64_t		 retry_at_ms;	/* marked down passively until then */
	unsigned	 conns;		/* open connections (leastconn) */
};

/*
 * The server a connection tries next, into *pick; false if none is left.
 * Servers in tried[] (ntried of them) and those down by their checks are
 * out. Of the others, those not in a backoff at now_ms are chosen by mode
 * (roundrobin: the first from start on; first: the lowest index;
 * leastconn: the fewest conns, ties the first from start on). If every
 * one left is in a backoff, the one due soonest is tried anyway: a mark
 * is a guess from one failure, and a refused connect costs microseconds.
 */
bool		 tf_balance_pick(enum tf_balance mode,
		    const struct tf_balance_server *servers, size_t n,
		    size_t start, int64_t now_ms, const size_t *tried,
		    size_t ntried, size_t *pick);

/* How many servers a pick may still choose from (the same rules). */
size_t		 tf_balance_candidates(const struct tf_balance_server *,
		    size_t n, const size_t *tried, size_t ntried);

/*
 * The state of a health-checked server in one word, so that processes
 * can share it and change it with one compare-and-swap: up or down, and
 * how many checks in a row said otherwise.
 */
#define TF_HEALTH_DOWN		0x80000000U
#define TF_HEALTH_COUNT_MASK	0x7fffffffU

enum tf_health_change {
	TF_HEALTH_SAME = 0,
	TF_HEALTH_WENT_UP,
	TF_HEALTH_WENT_DOWN,
};

/*
 * A new server: up, as HAProxy starts one, and down after a single
 * failed check (so that one dead at start is found at the first check).
 */
uint32_t	 tf_health_initial(int fall);

/*
 * The word after a check that passed (ok) or failed: fall failures in a
 * row take an up server down, rise successes in a row bring a down one
 * up; *change says whether this check did either.
 */
uint32_t	 tf_health_next(uint32_t word, bool ok, int rise, int fall,
		    enum tf_health_change *change);

static inline bool
tf_health_is_up(uint32_t word)
{
	return (word & TF_HEALTH_DOWN) == 0;
}

#endif
