/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the admin endpoint's /status page, one self-contained HTML
 * document (inline style, no script, nothing fetched) rendered from a
 * metrics view (lib/metrics.h).
 */
#ifndef TF_STATUS_PAGE_H
#define TF_STATUS_PAGE_H

#include <stddef.h>
#include <time.h>

#include "metrics.h"

struct evbuffer;

/* Certificates with fewer days left than this are highlighted. */
#define TF_STATUS_EXPIRING_DAYS	30

/*
 * Append the whole /status document for v to out: UTF-8 HTML5, every
 * name from the configuration and every certificate field escaped.
 * The stable hooks (ids listeners, certificates, contexts, backends,
 * limits; data-listener, data-context, data-file, data-backend,
 * data-server, data-field; classes expiring, expired, days, up, down) are
 * what tests and scripts read. Returns 0, or -1 if out could not grow
 * (out then holds a partial page: the caller discards it).
 */
int	tf_status_page_render(struct evbuffer *out,
	    const struct tf_metrics_view *v);

/*
 * Append s to out with &, <, >, " and ' replaced by entities, safe in
 * element text and in quoted attribute values. Returns 0 or -1.
 */
int	tf_status_page_escape(struct evbuffer *out, const char *s);

/* Whole days from now until not_after, rounded down (negative: expired). */
long long	tf_status_page_days_left(time_t not_after, time_t now);

#endif
