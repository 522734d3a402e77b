/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: writing the access line of a connection that ended (its
 * format is lib/access_line.c's), and the rate limit that turns floods of
 * failing connections into a few lines plus one summary line per second.
 */
#ifndef TF_ACCESS_H
#define TF_ACCESS_H

#include <stdbool.h>

#include <event2/event.h>

#include "access_line.h"
#include "config.h"
#include "conn.h"

/* Lines per second and kind that pass before the rest are summarized. */
#define TF_ACCESS_RATE_LIMIT	10

/* The kinds of line that a flood of connections can multiply. */
enum tf_access_kind {
	TF_ACCESS_KIND_HANDSHAKE_ERROR = 0,	/* end=handshake_error */
	TF_ACCESS_KIND_HANDSHAKE_TIMEOUT,	/* end=handshake_timeout */
	TF_ACCESS_KIND_CONNECT_FAILED,		/* end=connect_failed */
	TF_ACCESS_KIND_BACKEND_WARNING,		/* a server connect failed */
	TF_ACCESS_KIND_ACCEPT_PAUSE,		/* accepts paused: limit, fds */
	TF_ACCESS_KIND_ADDRESS_LIMIT,		/* refused: per-address limit */
	TF_ACCESS_KIND_PROXY,			/* PROXY header refused */
	TF_ACCESS_KIND_LISTENER,		/* accept error, no memory */
	TF_ACCESS_NKINDS
};

/*
 * Whether the access line of a connection that ended so is to be written
 * (format not off, info level on, and for the failure kinds above within
 * the rate limit, which this counts). Ask once per connection.
 */
bool	tf_access_wanted(struct event_base *, enum tf_conn_end,
	    enum tf_access_format);

/* Write the access line at info level in format. */
void	tf_access_log(const struct tf_access_record *,
	    enum tf_access_format);

/*
 * Whether one more line of kind may be logged now in the worker whose
 * loop is base. Counts the line; when a window of held-back lines ends,
 * logs their summary first ("suppressed N KIND lines in the last T s"),
 * from here or from a timer on base, so no line is lost unreported.
 */
bool	tf_access_may_log(struct event_base *base, enum tf_access_kind);

/* Lines per second and kind before summaries take over (daemon.log.
 * rate_limit); 0 logs every line. Set once as a worker starts. */
void	tf_access_set_rate_limit(unsigned lines_per_second);

/*
 * Log the summaries still held back and release what the access log keeps
 * (a worker calls it once when it stops, before freeing its event_base).
 */
void	tf_access_flush(void);

#endif
