/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: gathering the admin endpoint's view (lib/metrics.h) in the
 * admin process: the shared counters, the certificates its contexts
 * serve, the backend servers' state, what the master says.
 */
#ifndef TF_ADMIN_VIEW_H
#define TF_ADMIN_VIEW_H

#include "counters.h"
#include "generation.h"
#include "metrics.h"

/* Seconds of handshake totals kept for /status's rates. */
#define TF_ADMIN_RATE_WINDOW	60

struct tf_admin_view {
	struct tf_metrics_view	 view;		/* what renders read */
	struct tf_generation	*gen;		/* borrowed */
	const struct tf_counters *counters;	/* borrowed */
	struct tf_metrics_slot	*sum;
	bool			*serving;	/* per listener key */
	bool			*listener_up;	/* per listener */
	struct tf_metrics_cert	*certs;
	size_t			 ncerts;
	struct tf_metrics_server *servers;
	size_t			 nservers;
	/* Completed and failed handshakes, one sample a second. */
	uint64_t		 done[TF_ADMIN_RATE_WINDOW + 1];
	uint64_t		 failed[TF_ADMIN_RATE_WINDOW + 1];
	size_t			 nsamples;
};

/* Set av up for gen (whose contexts it reads) and counters. -1 if
 * memory runs out. */
int	tf_admin_view_init(struct tf_admin_view *av, struct tf_generation *gen,
	    const struct tf_counters *counters);
void	tf_admin_view_free(struct tf_admin_view *av);

/* Refresh av->view from the counters, contexts and health table. */
void	tf_admin_view_update(struct tf_admin_view *av);
/* Take this second's sample for the rates (after an update). */
void	tf_admin_view_sample(struct tf_admin_view *av);

#endif
