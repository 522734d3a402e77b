/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: service manager notifications through libsystemd.
 */
#include <time.h>

#include "autoconf.h"

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "notify.h"

void
tf_notify_ready(void)
{
#ifdef HAVE_LIBSYSTEMD
	sd_notify(0, "READY=1");
#endif
}

void
tf_notify_reloading(void)
{
#ifdef HAVE_LIBSYSTEMD
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)now.tv_sec * 1000000ULL +
	    (unsigned long long)now.tv_nsec / 1000ULL);
#endif
}

void
tf_notify_stopping(void)
{
#ifdef HAVE_LIBSYSTEMD
	sd_notify(0, "STOPPING=1");
#endif
}

void
tf_notify_status(const char *status)
{
#ifdef HAVE_LIBSYSTEMD
	sd_notifyf(0, "STATUS=%s", status);
#else
	(void)status;
#endif
}

void
tf_notify_watchdog(void)
{
#ifdef HAVE_LIBSYSTEMD
	sd_notify(0, "WATCHDOG=1");
#endif
}

uint64_t
tf_notify_watchdog_usec(void)
{
#ifdef HAVE_LIBSYSTEMD
	uint64_t	usec = 0;

	if (sd_watchdog_enabled(0, &usec) > 0)
		return usec;
#endif
	return 0;
}
