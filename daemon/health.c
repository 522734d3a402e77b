/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the state of backend servers, shared by every worker.
 *
 * Workers share nothing on the hot path, but a server's state must be
 * one thing: a server found dead by one worker is skipped by all, and a
 * change is logged once, not once per worker. So the master maps one
 * table of TF_HEALTH_SLOTS cache lines (MAP_SHARED|MAP_ANONYMOUS) the
 * first time it binds a configuration, before it forks; the workers of
 * that configuration and of every later reload inherit it. A slot is a
 * server of a backend, known by backend name and server as written, so
 * that a reload that renumbers or renames servers keeps what is known of
 * each and starts the new ones afresh; only the master (one thread)
 * assigns slots, and each generation carries its map. Workers read the
 * words with relaxed atomics when they connect and change them with
 * atomic exchanges and compare-and-swaps: the process whose operation
 * made a change is the one that logs it. Active checks run in worker 0
 * (health_check.c); passive marks come from any worker.
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "balance.h"
#include "health.h"
#include "log.h"

/* One server's shared state: one cache line. */
struct health_slot {
	_Atomic uint32_t	word;		/* health checks: tf_health_* */
	_Atomic uint32_t	fails;		/* failed connects in a row */
	_Atomic int64_t		retry_at_ms;	/* backoff ends (monotonic) */
	_Atomic uint64_t	connect_failures;	/* ever, for /metrics */
	char			pad[40];
};

struct tf_health_map {
	size_t		 nbackends;
	size_t		*first;		/* backend i's server j: */
	uint32_t	*slots;		/* slots[first[i] + j] */
	size_t		 nslots;
};

/* Mapped by the master, inherited by every worker. */
static struct health_slot	*health_table;
/* The master's bookkeeping (a worker's copy goes unused): who holds a
 * slot, how many generations use it, where the next free one is looked
 * for (on from the last taken, so that a slot given up is not taken
 * again at once while retiring workers may still write to it). */
static char		*health_keys[TF_HEALTH_SLOTS];
static unsigned		 health_refs[TF_HEALTH_SLOTS];
static size_t		 health_next_free;
/* This worker's open connections per slot (leastconn): its own. */
static uint32_t		 health_conns[TF_HEALTH_SLOTS];
/* The view a pick builds, grown as needed; a worker has one thread. */
static struct tf_balance_server	*health_view;
static size_t			 health_view_cap;

static int64_t
health_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
health_table_map(struct tf_errs *errs)
{
	void	*p;

	if (health_table != NULL)
		return 0;
	p = mmap(NULL, TF_HEALTH_SLOTS * sizeof(*health_table),
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return tf_errs_addx(errs, "mmap of the backend server "
		    "states: %s", strerror(errno));
	health_table = p;
	return 0;
}

static char *
health_key(const struct tf_backend_conf *be, size_t si)
{
	size_t	len = strlen(be->name) + strlen(be->server_names[si]) + 2;
	char	*key;

	if ((key = malloc(len)) == NULL)
		return NULL;
	snprintf(key, len, "%s\n%s", be->name, be->server_names[si]);
	return key;
}

/* The slot of key, taken and set up afresh if no one has it; -1 if
 * the table is full. Takes key. */
static long
health_slot_for(char *key, const struct tf_backend_conf *be)
{
	struct health_slot	*s;
	size_t			 i, k;
	int			 fall = be->health_check != NULL ?
				    be->health_check->fall : 1;

	for (i = 0; i < TF_HEALTH_SLOTS; i++) {
		if (health_keys[i] != NULL && strcmp(health_keys[i], key) == 0) {
			free(key);
			health_refs[i]++;
			return (long)i;
		}
	}
	for (k = 0; k < TF_HEALTH_SLOTS; k++) {
		i = (health_next_free + k) % TF_HEALTH_SLOTS;
		if (health_keys[i] != NULL)
			continue;
		health_next_free = (i + 1) % TF_HEALTH_SLOTS;
		health_keys[i] = key;
		health_refs[i] = 1;
		s = &health_table[i];
		atomic_store(&s->word, tf_health_initial(fall));
		atomic_store(&s->fails, 0);
		atomic_store(&s->retry_at_ms, 0);
		atomic_store(&s->connect_failures, 0);
		return (long)i;
	}
	free(key);
	return -1;
}

static void
health_unref(uint32_t slot)
{
	if (health_refs[slot] > 0 && --health_refs[slot] == 0) {
		free(health_keys[slot]);
		health_keys[slot] = NULL;
	}
}

struct tf_health_map *
tf_health_bind(const struct tf_config *cf, struct tf_errs *errs)
{
	struct tf_health_map	*m;
	size_t			 i, j, n = 0;
	char			*key;
	long			 slot;

	if (health_table_map(errs) == -1)
		return NULL;
	for (i = 0; i < cf->nbackends; i++)
		n += cf->backends[i].nservers;
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->first = calloc(cf->nbackends + 1, sizeof(*m->first))) ==
	    NULL || (m->slots = calloc(n + 1, sizeof(*m->slots))) == NULL)
		tf_fatal("calloc");
	m->nbackends = cf->nbackends;
	for (i = 0; i < cf->nbackends; i++) {
		m->first[i] = m->nslots;
		for (j = 0; j < cf->backends[i].nservers; j++) {
			if ((key = health_key(&cf->backends[i], j)) == NULL)
				tf_fatal("malloc");
			slot = health_slot_for(key, &cf->backends[i]);
			if (slot == -1) {
				tf_errs_addx(errs, "more than %d backend "
				    "servers in the configurations running",
				    TF_HEALTH_SLOTS);
				tf_health_map_free(m);
				return NULL;
			}
			m->slots[m->nslots++] = (uint32_t)slot;
		}
	}
	return m;
}

void
tf_health_map_free(struct tf_health_map *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nslots; i++)
		health_unref(m->slots[i]);
	free(m->first);
	free(m->slots);
	free(m);
}

static struct health_slot *
health_slot(const struct tf_health_map *m, size_t bi, size_t si,
    uint32_t *index)
{
	if (m == NULL || health_table == NULL || bi >= m->nbackends)
		return NULL;
	*index = m->slots[m->first[bi] + si];
	return &health_table[*index];
}

static struct tf_balance_server *
health_view_of(size_t n)
{
	struct tf_balance_server	*v;

	if (n > health_view_cap) {
		if ((v = realloc(health_view, n * sizeof(*v))) == NULL)
			return NULL;
		health_view = v;
		health_view_cap = n;
	}
	return health_view;
}

bool
tf_health_pick(const struct tf_health_map *m, const struct tf_config *cf,
    size_t bi, size_t start, const size_t *tried, size_t ntried,
    size_t *server, size_t *left)
{
	const struct tf_backend_conf	*be = &cf->backends[bi];
	struct tf_balance_server	*view;
	struct health_slot		*s;
	uint32_t			 idx;
	size_t				 i;

	if ((view = health_view_of(be->nservers)) == NULL)
		return false;
	memset(view, 0, be->nservers * sizeof(*view));
	for (i = 0; i < be->nservers; i++) {
		if ((s = health_slot(m, bi, i, &idx)) == NULL)
			continue;
		/* A word left by checks the configuration no longer has
		 * means nothing. */
		view[i].down = be->health_check != NULL &&
		    !tf_health_is_up(atomic_load_explicit(&s->word,
		    memory_order_relaxed));
		view[i].retry_at_ms = atomic_load_explicit(&s->retry_at_ms,
		    memory_order_relaxed);
		view[i].conns = health_conns[idx];
	}
	*left = tf_balance_candidates(view, be->nservers, tried, ntried);
	return tf_balance_pick(be->balance, view, be->nservers, start,
	    health_now_ms(), tried, ntried, server);
}

void
tf_health_failed(const struct tf_health_map *m, const struct tf_config *cf,
    size_t bi, size_t si, const char *why)
{
	const struct tf_backend_conf	*be = &cf->backends[bi];
	struct health_slot		*s;
	uint32_t			 idx, n;
	double				 delay;

	if ((s = health_slot(m, bi, si, &idx)) == NULL)
		return;
	n = atomic_fetch_add_explicit(&s->fails, 1, memory_order_relaxed) + 1;
	atomic_fetch_add_explicit(&s->connect_failures, 1,
	    memory_order_relaxed);
	delay = tf_balance_backoff(be->retry_after, n);
	atomic_store_explicit(&s->retry_at_ms, health_now_ms() +
	    (int64_t)(delay * 1000), memory_order_relaxed);
	if (n == 1)
		tf_log_warnx("backend %s: server %s is down: %s; skipped for "
		    "%.3g s, longer while it keeps failing", be->name,
		    be->server_names[si], why, delay);
	else
		tf_log_debug("backend %s: server %s failed %u time(s) in a "
		    "row: %s; skipped for %.3g s", be->name,
		    be->server_names[si], n, why, delay);
}

/* A backoff ends: whoever ends it says so. */
static void
health_backoff_end(struct health_slot *s, const struct tf_backend_conf *be,
    size_t si, const char *how)
{
	if (atomic_load_explicit(&s->fails, memory_order_relaxed) == 0 ||
	    atomic_exchange(&s->fails, 0) == 0)
		return;
	atomic_store_explicit(&s->retry_at_ms, 0, memory_order_relaxed);
	tf_log_notice("backend %s: server %s is up: %s", be->name,
	    be->server_names[si], how);
}

void
tf_health_connected(const struct tf_health_map *m,
    const struct tf_config *cf, size_t bi, size_t si)
{
	struct health_slot	*s;
	uint32_t		 idx;

	if ((s = health_slot(m, bi, si, &idx)) == NULL)
		return;
	health_conns[idx]++;
	health_backoff_end(s, &cf->backends[bi], si, "a connect succeeded");
}

void
tf_health_released(const struct tf_health_map *m, size_t bi, size_t si)
{
	uint32_t	idx;

	if (health_slot(m, bi, si, &idx) != NULL && health_conns[idx] > 0)
		health_conns[idx]--;
}

void
tf_health_check_result(const struct tf_health_map *m,
    const struct tf_config *cf, size_t bi, size_t si, bool ok,
    const char *why)
{
	const struct tf_backend_conf		*be = &cf->backends[bi];
	const struct tf_health_check_conf	*hc = be->health_check;
	struct health_slot			*s;
	enum tf_health_change			 change;
	uint32_t				 idx, old, new;

	if (hc == NULL || (s = health_slot(m, bi, si, &idx)) == NULL)
		return;
	old = atomic_load(&s->word);
	do {
		new = tf_health_next(old, ok, hc->rise, hc->fall, &change);
	} while (!atomic_compare_exchange_weak(&s->word, &old, new));
	if (change == TF_HEALTH_WENT_DOWN)
		tf_log_warnx("backend %s: server %s is down: health check "
		    "failed %d time(s) in a row: %s", be->name,
		    be->server_names[si], hc->fall, why);
	else if (change == TF_HEALTH_WENT_UP)
		tf_log_notice("backend %s: server %s is up: health check "
		    "passed %d time(s) in a row", be->name,
		    be->server_names[si], hc->rise);
	if (ok)
		health_backoff_end(s, be, si, "its health check passed");
}

void
tf_health_state(const struct tf_health_map *m, const struct tf_config *cf,
    size_t bi, size_t si, bool *up, uint64_t *connect_failures)
{
	const struct tf_backend_conf	*be = &cf->backends[bi];
	struct health_slot		*s;
	uint32_t			 idx;

	*up = true;
	*connect_failures = 0;
	if ((s = health_slot(m, bi, si, &idx)) == NULL)
		return;
	*connect_failures = atomic_load_explicit(&s->connect_failures,
	    memory_order_relaxed);
	if (be->health_check != NULL && !tf_health_is_up(atomic_load_explicit(
	    &s->word, memory_order_relaxed)))
		*up = false;
	else if (atomic_load_explicit(&s->retry_at_ms, memory_order_relaxed) >
	    health_now_ms())
		*up = false;
}
