/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: per-client-address limits (addrlimit.h). A chained hash table
 * keyed by the address (IPv6: its /64), with a random seed so that
 * clients cannot choose addresses that collide.
 */
#include <netinet/in.h>
#include <sys/un.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "addrlimit.h"
#include "log.h"

#define ADDR_KEY_LEN		9	/* family tag + 4 or 8 address bytes */
#define ADDR_MIN_BUCKETS	64

struct addr_entry {
	struct addr_entry	*next;
	uint8_t			 key[ADDR_KEY_LEN];
	unsigned		 conns;		/* open now */
	double			 tokens;	/* new connections allowed */
	double			 last;		/* when tokens was computed */
};

struct tf_addrlimit {
	unsigned		  max_conns;
	unsigned		  max_rate;
	uint64_t		  seed;
	struct addr_entry	**buckets;
	size_t			  nbuckets;	/* a power of 2 */
	size_t			  count;
};

/* The key of sa; false for addresses that are not limited. */
static bool
addr_key(const struct sockaddr *sa, uint8_t key[ADDR_KEY_LEN])
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(key, 0, ADDR_KEY_LEN);
	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)(const void *)sa;
		key[0] = 4;
		memcpy(key + 1, &sin->sin_addr, 4);
		return true;
	}
	if (sa->sa_family != AF_INET6)
		return false;
	sin6 = (const struct sockaddr_in6 *)(const void *)sa;
	/* An IPv4 client of a dual-stack listener is an IPv4 client, not
	 * one of a /64 shared by all of them. */
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		key[0] = 4;
		memcpy(key + 1, sin6->sin6_addr.s6_addr + 12, 4);
	} else {
		key[0] = 6;
		memcpy(key + 1, sin6->sin6_addr.s6_addr, 8);
	}
	return true;
}

/* FNV-1a, seeded. */
static size_t
addr_bucket(const struct tf_addrlimit *t, const uint8_t key[ADDR_KEY_LEN])
{
	uint64_t	h = 14695981039346656037ULL ^ t->seed;
	size_t		i;

	for (i = 0; i < ADDR_KEY_LEN; i++) {
		h ^= key[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 29;
	return (size_t)h & (t->nbuckets - 1);
}

static struct addr_entry **
addr_buckets_new(size_t n)
{
	struct addr_entry	**b;

	if ((b = calloc(n, sizeof(*b))) == NULL)
		tf_fatal("calloc");
	return b;
}

struct tf_addrlimit *
tf_addrlimit_new(unsigned max_conns, unsigned max_rate)
{
	struct tf_addrlimit	*t;

	if (max_conns == 0 && max_rate == 0)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		tf_fatal("calloc");
	t->max_conns = max_conns;
	t->max_rate = max_rate;
	if (RAND_bytes((unsigned char *)&t->seed, sizeof(t->seed)) != 1)
		t->seed = (uint64_t)(uintptr_t)t;
	t->nbuckets = ADDR_MIN_BUCKETS;
	t->buckets = addr_buckets_new(t->nbuckets);
	return t;
}

void
tf_addrlimit_free(struct tf_addrlimit *t)
{
	struct addr_entry	*e, *next;
	size_t			 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nbuckets; i++)
		for (e = t->buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	free(t->buckets);
	free(t);
}

/* Double the table once it holds more entries than buckets. */
static void
addr_grow(struct tf_addrlimit *t)
{
	struct addr_entry	**old = t->buckets, *e, *next;
	size_t			  i, n = t->nbuckets, b;

	if (t->count <= t->nbuckets)
		return;
	t->nbuckets = n * 2;
	t->buckets = addr_buckets_new(t->nbuckets);
	for (i = 0; i < n; i++)
		for (e = old[i]; e != NULL; e = next) {
			next = e->next;
			b = addr_bucket(t, e->key);
			e->next = t->buckets[b];
			t->buckets[b] = e;
		}
	free(old);
}

static struct addr_entry *
addr_find(const struct tf_addrlimit *t, const uint8_t key[ADDR_KEY_LEN])
{
	struct addr_entry	*e;

	for (e = t->buckets[addr_bucket(t, key)]; e != NULL; e = e->next)
		if (memcmp(e->key, key, ADDR_KEY_LEN) == 0)
			return e;
	return NULL;
}

static struct addr_entry *
addr_insert(struct tf_addrlimit *t, const uint8_t key[ADDR_KEY_LEN],
    double now)
{
	struct addr_entry	*e;
	size_t			 b;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		tf_fatal("calloc");
	memcpy(e->key, key, ADDR_KEY_LEN);
	e->tokens = t->max_rate;
	e->last = now;
	b = addr_bucket(t, key);
	e->next = t->buckets[b];
	t->buckets[b] = e;
	t->count++;
	addr_grow(t);
	return e;
}

/* Refill e's bucket for the time since it was last looked at. */
static void
addr_refill(const struct tf_addrlimit *t, struct addr_entry *e, double now)
{
	if (now > e->last) {
		e->tokens += (now - e->last) * t->max_rate;
		if (e->tokens > t->max_rate)
			e->tokens = t->max_rate;
	}
	e->last = now;
}

enum tf_addrlimit_verdict
tf_addrlimit_admit(struct tf_addrlimit *t, const struct sockaddr *sa,
    double now)
{
	uint8_t			 key[ADDR_KEY_LEN];
	struct addr_entry	*e;

	if (t == NULL || !addr_key(sa, key))
		return TF_ADDRLIMIT_OK;
	if ((e = addr_find(t, key)) == NULL)
		e = addr_insert(t, key, now);
	if (t->max_conns > 0 && e->conns >= t->max_conns)
		return TF_ADDRLIMIT_TOO_MANY;
	if (t->max_rate > 0) {
		addr_refill(t, e, now);
		if (e->tokens < 1)
			return TF_ADDRLIMIT_TOO_FAST;
		e->tokens -= 1;
	}
	e->conns++;
	return TF_ADDRLIMIT_OK;
}

void
tf_addrlimit_release(struct tf_addrlimit *t, const struct sockaddr *sa)
{
	uint8_t			 key[ADDR_KEY_LEN];
	struct addr_entry	*e;

	if (t == NULL || !addr_key(sa, key) || (e = addr_find(t, key)) ==
	    NULL || e->conns == 0)
		return;
	e->conns--;
}

size_t
tf_addrlimit_expire(struct tf_addrlimit *t, double now)
{
	struct addr_entry	**p, *e;
	size_t			  i;

	if (t == NULL)
		return 0;
	for (i = 0; i < t->nbuckets; i++) {
		for (p = &t->buckets[i]; (e = *p) != NULL;) {
			addr_refill(t, e, now);
			if (e->conns == 0 && e->tokens >= t->max_rate) {
				*p = e->next;
				free(e);
				t->count--;
			} else {
				p = &e->next;
			}
		}
	}
	return t->count;
}
