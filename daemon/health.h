/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the up/down state of every backend server, in memory that
 * the master maps before it forks and every worker shares: what health
 * checks found, the passive backoff of servers that failed a connect,
 * and the choice of a server by balance mode from that state.
 */
#ifndef TF_HEALTH_H
#define TF_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "errs.h"

/* Servers of all backends of all loaded configurations at once. */
#define TF_HEALTH_SLOTS		4096

/* Which shared slot each server of a configuration uses. */
struct tf_health_map;

/*
 * In the master, before forking the workers of cf: give each server of
 * cf a slot (the one it had if an earlier configuration named the same
 * backend and server), mapping the shared table on first use. NULL with
 * errs filled if they do not fit. Free with tf_health_map_free().
 */
struct tf_health_map	*tf_health_bind(const struct tf_config *cf,
			    struct tf_errs *errs);
void			 tf_health_map_free(struct tf_health_map *);

/*
 * The server a connection to backend bi tries next (lib/balance.h, the
 * servers in tried[] left out) into *server, and into *left how many it
 * chose from; false if none is left. map NULL: every server is up.
 */
bool	tf_health_pick(const struct tf_health_map *map, const struct
	    tf_config *cf, size_t bi, size_t start, const size_t *tried,
	    size_t ntried, size_t *server, size_t *left);

/* A connect to server si of backend bi failed (why): start or lengthen
 * its backoff; the first failure of a run is logged, once. */
void	tf_health_failed(const struct tf_health_map *, const struct
	    tf_config *, size_t bi, size_t si, const char *why);
/* A connect to it succeeded: end a backoff (logged once); count the
 * connection for leastconn until tf_health_released(). */
void	tf_health_connected(const struct tf_health_map *, const struct
	    tf_config *, size_t bi, size_t si);
void	tf_health_released(const struct tf_health_map *, size_t bi,
	    size_t si);

/*
 * A health check of server si of backend bi passed (ok) or failed (why):
 * count it against rise/fall; an up/down change is logged by the one
 * process that makes it.
 */
void	tf_health_check_result(const struct tf_health_map *, const struct
	    tf_config *, size_t bi, size_t si, bool ok, const char *why);

/* For the admin endpoint: whether server si of backend bi is taken for
 * connections now (its checks pass, no backoff runs), and how many of
 * the connects to it failed since its slot was taken. */
void	tf_health_state(const struct tf_health_map *, const struct tf_config *,
	    size_t bi, size_t si, bool *up, uint64_t *connect_failures);

#endif
