/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: seconds on the monotonic clock, for deadlines and rates that
 * must not jump with the wall clock.
 */
#ifndef TF_CLOCK_H
#define TF_CLOCK_H

#include <sys/time.h>

#include <time.h>

/* CLOCK_MONOTONIC_COARSE: a resolution of a few milliseconds, which is
 * all a deadline or a per-second rate needs, and no system call. */
static inline double
tf_monotonic(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A duration in seconds as a timeval, for libevent's timers. */
static inline struct timeval
tf_timeval_of(double seconds)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	return tv;
}

#endif
