/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: /status, a metrics view as one HTML page.
 */
#ifndef TF_STATUS_PAGE_H
#define TF_STATUS_PAGE_H

#include <event2/buffer.h>

#include "metrics.h"

int	tf_status_page_render(struct evbuffer *out,
	    const struct tf_metrics_view *v);

#endif
