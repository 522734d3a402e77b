/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: choosing a backend server by balance mode, the passive
 * backoff of one that failed, and the rise/fall counter of health checks
 * (lib/balance.h). No state of its own: the daemon passes it in.
 */
#include <string.h>

#include "balance.h"

static const char *const balance_names[] = {
	[TF_BALANCE_ROUNDROBIN] = "roundrobin",
	[TF_BALANCE_FIRST] = "first",
	[TF_BALANCE_LEASTCONN] = "leastconn",
};

int
tf_balance_parse(const char *name, enum tf_balance *out)
{
	size_t	i;

	for (i = 0; i < sizeof(balance_names) / sizeof(balance_names[0]);
	    i++) {
		if (strcmp(name, balance_names[i]) == 0) {
			*out = (enum tf_balance)i;
			return 0;
		}
	}
	return -1;
}

const char *
tf_balance_name(enum tf_balance mode)
{
	if ((size_t)mode >= sizeof(balance_names) / sizeof(balance_names[0]))
		return NULL;
	return balance_names[mode];
}

double
tf_balance_backoff(double retry_after, unsigned failures)
{
	double		delay = retry_after;
	double		cap = retry_after * TF_BALANCE_BACKOFF_MAX_FACTOR;
	unsigned	i;

	for (i = 1; i < failures && delay < cap; i++)
		delay *= 2;
	return delay < cap ? delay : cap;
}

static bool
balance_was_tried(size_t i, const size_t *tried, size_t ntried)
{
	size_t	k;

	for (k = 0; k < ntried; k++)
		if (tried[k] == i)
			return true;
	return false;
}

size_t
tf_balance_candidates(const struct tf_balance_server *s, size_t n,
    const size_t *tried, size_t ntried)
{
	size_t	i, count = 0;

	for (i = 0; i < n; i++)
		count += !s[i].down && !balance_was_tried(i, tried, ntried);
	return count;
}

/* Whether server a beats the best so far (b, or none yet) for mode;
 * the scan order breaks ties, so strictly better only. */
static bool
balance_better(enum tf_balance mode, const struct tf_balance_server *a,
    const struct tf_balance_server *b)
{
	if (b == NULL)
		return true;
	return mode == TF_BALANCE_LEASTCONN && a->conns < b->conns;
}

bool
tf_balance_pick(enum tf_balance mode, const struct tf_balance_server *s,
    size_t n, size_t start, int64_t now_ms, const size_t *tried,
    size_t ntried, size_t *pick)
{
	const struct tf_balance_server	*best = NULL, *due = NULL;
	size_t				 k, i, best_i = 0, due_i = 0;

	if (n == 0)
		return false;
	if (mode == TF_BALANCE_FIRST)
		start = 0;
	for (k = 0; k < n; k++) {
		i = (start + k) % n;
		if (s[i].down || balance_was_tried(i, tried, ntried))
			continue;
		if (s[i].retry_at_ms > now_ms) {
			if (due == NULL || s[i].retry_at_ms < due->retry_at_ms) {
				due = &s[i];
				due_i = i;
			}
		} else if (balance_better(mode, &s[i], best)) {
			best = &s[i];
			best_i = i;
		}
	}
	if (best == NULL && due == NULL)
		return false;
	*pick = best != NULL ? best_i : due_i;
	return true;
}

uint32_t
tf_health_initial(int fall)
{
	return fall > 1 ? (uint32_t)(fall - 1) : 0;
}

uint32_t
tf_health_next(uint32_t word, bool ok, int rise, int fall,
    enum tf_health_change *change)
{
	uint32_t	count = word & TF_HEALTH_COUNT_MASK;
	bool		up = tf_health_is_up(word);

	*change = TF_HEALTH_SAME;
	if (up == ok)		/* as it is: the other way's run is over */
		return up ? 0 : TF_HEALTH_DOWN;
	count++;
	if (up && count >= (uint32_t)fall) {
		*change = TF_HEALTH_WENT_DOWN;
		return TF_HEALTH_DOWN;
	}
	if (!up && count >= (uint32_t)rise) {
		*change = TF_HEALTH_WENT_UP;
		return 0;
	}
	return (up ? 0 : TF_HEALTH_DOWN) | count;
}
