/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a window counter for log rate limiting: at most `limit'
 * events per window pass, the rest are counted for one summary line.
 * Pure logic: the caller passes the time, so tests need no clock.
 */
#ifndef TF_RATELIMIT_H
#define TF_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct tf_ratelimit {
	uint64_t	limit;		/* events passed per window; 0: all */
	uint64_t	window_ms;	/* length of a window */
	uint64_t	start_ms;	/* when the current window began */
	uint64_t	passed;		/* events let through in it */
	uint64_t	suppressed;	/* events held back in it */
	bool		active;		/* a window is open */
};

/* Let limit events through per window_ms (limit 0: no limit). */
void	tf_ratelimit_init(struct tf_ratelimit *, uint64_t limit,
	    uint64_t window_ms);

/*
 * Count one event at now_ms; returns true if it may be logged. When the
 * event opens a new window and the previous one held events back, their
 * number goes to *suppressed and the time from that window's start to
 * now_ms to *span_ms, for the caller to log (before this event's line);
 * otherwise *suppressed is 0.
 */
bool	tf_ratelimit_hit(struct tf_ratelimit *, uint64_t now_ms,
	    uint64_t *suppressed, uint64_t *span_ms);

/*
 * Close the current window if it has ended at now_ms, or in any case if
 * force is set, and return the number of events it held back (0 if none;
 * *span_ms as for tf_ratelimit_hit). Later events open a new window.
 */
uint64_t tf_ratelimit_take(struct tf_ratelimit *, uint64_t now_ms,
	    bool force, uint64_t *span_ms);

/*
 * Whether the current window holds events back; if so *due_ms is when it
 * ends, the time from which tf_ratelimit_take returns them.
 */
bool	tf_ratelimit_is_pending(const struct tf_ratelimit *, uint64_t *due_ms);

#endif
