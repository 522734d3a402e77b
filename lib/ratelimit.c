/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: log rate limiting by fixed windows: the first `limit' events
 * of a window pass, later ones are only counted until the window ends.
 */
#include <stdbool.h>
#include <stdint.h>

#include "ratelimit.h"

void
tf_ratelimit_init(struct tf_ratelimit *rl, uint64_t limit, uint64_t window_ms)
{
	rl->limit = limit;
	rl->window_ms = window_ms > 0 ? window_ms : 1;
	rl->start_ms = 0;
	rl->passed = 0;
	rl->suppressed = 0;
	rl->active = false;
}

/* A clock that went backwards keeps the current window open. */
static bool
ratelimit_window_over(const struct tf_ratelimit *rl, uint64_t now_ms)
{
	return !rl->active ||
	    (now_ms >= rl->start_ms && now_ms - rl->start_ms >= rl->window_ms);
}

/* Close the current window; return what it held back. */
static uint64_t
ratelimit_close(struct tf_ratelimit *rl, uint64_t now_ms, uint64_t *span_ms)
{
	uint64_t	n = rl->active ? rl->suppressed : 0;

	*span_ms = n > 0 && now_ms >= rl->start_ms ? now_ms - rl->start_ms : 0;
	rl->active = false;
	rl->passed = 0;
	rl->suppressed = 0;
	return n;
}

bool
tf_ratelimit_hit(struct tf_ratelimit *rl, uint64_t now_ms,
    uint64_t *suppressed, uint64_t *span_ms)
{
	*suppressed = 0;
	*span_ms = 0;
	if (rl->limit == 0)
		return true;
	if (ratelimit_window_over(rl, now_ms)) {
		*suppressed = ratelimit_close(rl, now_ms, span_ms);
		rl->active = true;
		rl->start_ms = now_ms;
	}
	if (rl->passed < rl->limit) {
		rl->passed++;
		return true;
	}
	rl->suppressed++;
	return false;
}

uint64_t
tf_ratelimit_take(struct tf_ratelimit *rl, uint64_t now_ms, bool force,
    uint64_t *span_ms)
{
	*span_ms = 0;
	if (!force && !ratelimit_window_over(rl, now_ms))
		return 0;
	return ratelimit_close(rl, now_ms, span_ms);
}

bool
tf_ratelimit_is_pending(const struct tf_ratelimit *rl, uint64_t *due_ms)
{
	if (!rl->active || rl->suppressed == 0)
		return false;
	*due_ms = rl->start_ms + rl->window_ms;
	return true;
}
