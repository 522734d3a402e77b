/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a metrics view as Prometheus text exposition format 0.0.4
 * (/metrics), and the one-line verdict of /healthz.
 */
#ifndef TF_METRICS_TEXT_H
#define TF_METRICS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/buffer.h>

#include "metrics.h"

#define TF_METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* Append v to out. 0, or -1 if out could not grow. */
int	tf_metrics_render_prometheus(struct evbuffer *out,
	    const struct tf_metrics_view *v);

/*
 * Whether a balancer should send connections here: not draining and
 * every listener served. why[] says what is wrong when not ("draining",
 * "listener 127.0.0.1:8443 is down"), or "ok".
 */
bool	tf_metrics_healthy(const struct tf_metrics_view *v, char *why,
	    size_t whylen);

#endif
