/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: logging to stderr or syslog, with levels.
 * Each worker process logs on its own; lines are written whole.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum tf_log_target	 log_target = TF_LOG_TARGET_STDERR;
static enum tf_log_level	 log_level = TF_LOG_INFO;
static const char		*log_ident = "tlsfrontd";

static const char *const level_names[] = {
	[TF_LOG_ERR] = "err",
	[TF_LOG_WARNING] = "warning",
	[TF_LOG_NOTICE] = "notice",
	[TF_LOG_INFO] = "info",
	[TF_LOG_DEBUG] = "debug",
};

static const int syslog_priorities[] = {
	[TF_LOG_ERR] = LOG_ERR,
	[TF_LOG_WARNING] = LOG_WARNING,
	[TF_LOG_NOTICE] = LOG_NOTICE,
	[TF_LOG_INFO] = LOG_INFO,
	[TF_LOG_DEBUG] = LOG_DEBUG,
};

void
tf_log_open(const char *ident, enum tf_log_target target,
    enum tf_log_level level)
{
	if (log_target == TF_LOG_TARGET_SYSLOG)
		closelog();
	log_ident = ident;
	log_target = target;
	log_level = level;
	if (target == TF_LOG_TARGET_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
tf_log_set_level(enum tf_log_level level)
{
	log_level = level;
}

bool
tf_log_enabled(enum tf_log_level level)
{
	return level <= log_level;
}

int
tf_log_level_parse(const char *name, enum tf_log_level *out)
{
	size_t	i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum tf_log_level)i;
			return 0;
		}
	}
	return -1;
}

const char *
tf_log_level_name(enum tf_log_level level)
{
	return level_names[level];
}

/* Write one line; with_errno appends ": strerror(saved errno)". */
static void
log_vwrite(enum tf_log_level level, int saved_errno, bool with_errno,
    const char *fmt, va_list ap)
{
	char	msg[8192];
	size_t	len;

	if (!tf_log_enabled(level))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		len = strlen(msg);
		snprintf(msg + len, sizeof(msg) - len, ": %s",
		    strerror(saved_errno));
	}
	if (log_target == TF_LOG_TARGET_SYSLOG) {
		syslog(syslog_priorities[level], "%s", msg);
		return;
	}
	/* One fprintf per line so lines from workers do not interleave. */
	fprintf(stderr, "%s[%ld]: %s: %s\n", log_ident, (long)getpid(),
	    level_names[level], msg);
	fflush(stderr);
}

#define TF_LOG_FN(fn, level, with_errno)				\
void									\
fn(const char *fmt, ...)						\
{									\
	int	saved_errno = errno;					\
	va_list	ap;							\
									\
	va_start(ap, fmt);						\
	log_vwrite(level, saved_errno, with_errno, fmt, ap);		\
	va_end(ap);							\
	errno = saved_errno;						\
}

TF_LOG_FN(tf_log_err, TF_LOG_ERR, false)
TF_LOG_FN(tf_log_warn, TF_LOG_WARNING, true)
TF_LOG_FN(tf_log_warnx, TF_LOG_WARNING, false)
TF_LOG_FN(tf_log_notice, TF_LOG_NOTICE, false)
TF_LOG_FN(tf_log_info, TF_LOG_INFO, false)
TF_LOG_FN(tf_log_debug, TF_LOG_DEBUG, false)

void
tf_fatal(const char *fmt, ...)
{
	int	saved_errno = errno;
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(TF_LOG_ERR, saved_errno, true, fmt, ap);
	va_end(ap);
	exit(1);
}

void
tf_fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(TF_LOG_ERR, 0, false, fmt, ap);
	va_end(ap);
	exit(1);
}
