/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront tests: a synthetic metrics view for the /status page (used by
 * check_status_page and by tests/helpers/status_render).
 */
#ifndef TF_STATUS_FIXTURE_H
#define TF_STATUS_FIXTURE_H

#include <time.h>

#include "config.h"
#include "metrics.h"

/*
 * Three listeners (the last one down and not counted), two contexts,
 * certificates 400 and 10 days from now and one expired, whose subjects
 * hold characters HTML must escape; a backend with one server up and one
 * down. Everything lives in the fixture.
 */
struct status_fixture {
	struct tf_config		cf;
	struct tf_listener_conf		listeners[3];
	struct tf_context_conf		contexts[2];
	struct tf_backend_conf		backends[1];
	char				*server_names[2];
	uint32_t			listener_key[3];
	uint32_t			context_key[2];
	bool				listener_up[3];
	struct tf_metrics_cert		certs[3];
	struct tf_metrics_server	servers[2];
	struct tf_metrics_view		view;
	struct tf_metrics_slot		sum;	/* large: heap the fixture */
};

#define FIXTURE_NOW	((time_t)1790000000)	/* 2026-09-21 */

/* Fill f (allocated by the caller; calloc it: the slot is big). */
void	status_fixture_init(struct status_fixture *f, time_t now);

#endif
