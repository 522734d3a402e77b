/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: logging to stderr, syslog or the systemd journal, with levels.
 * Each worker process logs on its own; lines are written whole.
 */
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "autoconf.h"

#ifdef HAVE_LIBSYSTEMD
/* CODE_FILE= and CODE_LINE= would name this file for every line. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#endif

#include "log.h"

#define LOG_MSG_MAX	8192
#define LOG_FIELDS_MAX	32	/* structured fields per entry */

static enum tf_log_target	 log_target = TF_LOG_TARGET_STDERR;
static enum tf_log_level	 log_level = TF_LOG_INFO;
static const char		*log_ident = "tlsfrontd";
static bool			 log_stderr_journal;	/* "<N>" prefixes */

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
	log_stderr_journal = tf_log_stderr_is_journal();
}

bool
tf_log_stderr_is_journal(void)
{
	const char	*env = getenv("JOURNAL_STREAM");
	uintmax_t	 dev, ino;
	struct stat	 st;
	char		 end;

	if (env == NULL || sscanf(env, "%ju:%ju%c", &dev, &ino, &end) != 2 ||
	    fstat(STDERR_FILENO, &st) == -1)
		return false;
	return (uintmax_t)st.st_dev == dev && (uintmax_t)st.st_ino == ino;
}

bool
tf_log_journal_available(void)
{
#ifdef HAVE_LIBSYSTEMD
	return true;
#else
	return false;
#endif
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

#ifdef HAVE_LIBSYSTEMD
/*
 * "KEY=value" of each field into area (cut to what is left of it), then
 * one entry to the journal. Returns sd_journal_sendv's result.
 */
static int
log_journal_send(enum tf_log_level level, const char *msg,
    const struct tf_log_field *fields, size_t nfields)
{
	struct iovec	 iov[LOG_FIELDS_MAX + 3];
	char		 head[64], ident[128], area[LOG_MSG_MAX];
	char		 msgfield[LOG_MSG_MAX + sizeof("MESSAGE=")];
	size_t		 i, n = 0, used = 0, klen, vlen;

	snprintf(msgfield, sizeof(msgfield), "MESSAGE=%s", msg);
	iov[n++] = (struct iovec){ msgfield, strlen(msgfield) };
	snprintf(head, sizeof(head), "PRIORITY=%d", syslog_priorities[level]);
	iov[n++] = (struct iovec){ head, strlen(head) };
	snprintf(ident, sizeof(ident), "SYSLOG_IDENTIFIER=%s", log_ident);
	iov[n++] = (struct iovec){ ident, strlen(ident) };
	for (i = 0; i < nfields && i < LOG_FIELDS_MAX; i++) {
		klen = strlen(fields[i].key);
		if (used + klen + 1 >= sizeof(area))
			break;
		vlen = fields[i].len;
		if (vlen > sizeof(area) - used - klen - 1)
			vlen = sizeof(area) - used - klen - 1;
		memcpy(area + used, fields[i].key, klen);
		area[used + klen] = '=';
		memcpy(area + used + klen + 1, fields[i].value, vlen);
		iov[n++] = (struct iovec){ area + used, klen + 1 + vlen };
		used += klen + 1 + vlen;
	}
	return sd_journal_sendv(iov, (int)n);
}
#endif

/*
 * One line to where logs go. Under systemd, plain lines on stderr carry
 * their priority as a "<N>" prefix rather than going through
 * sd_journal_send: the stream keeps their order with anything else on
 * stderr (libraries, sanitizers), costs no socket per worker and works in
 * a build without libsystemd; only target journal (lines with fields)
 * uses the native protocol. If that fails (journald gone), stderr.
 */
static void
log_emit(enum tf_log_level level, const char *msg,
    const struct tf_log_field *fields, size_t nfields)
{
	if (log_target == TF_LOG_TARGET_SYSLOG) {
		syslog(syslog_priorities[level], "%s", msg);
		return;
	}
#ifdef HAVE_LIBSYSTEMD
	if (log_target == TF_LOG_TARGET_JOURNAL &&
	    log_journal_send(level, msg, fields, nfields) >= 0)
		return;
#else
	(void)fields;
	(void)nfields;
#endif
	/* One fprintf per line so lines from workers do not interleave. */
	if (log_stderr_journal)
		fprintf(stderr, "<%d>%s\n", syslog_priorities[level], msg);
	else
		fprintf(stderr, "%s[%ld]: %s: %s\n", log_ident,
		    (long)getpid(), level_names[level], msg);
	fflush(stderr);
}

/* Write one line; with_errno appends ": strerror(saved errno)". */
static void
log_vwrite(enum tf_log_level level, int saved_errno, bool with_errno,
    const char *fmt, va_list ap)
{
	char	msg[LOG_MSG_MAX];
	size_t	len;

	if (!tf_log_enabled(level))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		len = strlen(msg);
		snprintf(msg + len, sizeof(msg) - len, ": %s",
		    strerror(saved_errno));
	}
	log_emit(level, msg, NULL, 0);
}

void
tf_log_fields(enum tf_log_level level, const struct tf_log_field *fields,
    size_t nfields, const char *fmt, ...)
{
	int	saved_errno = errno;
	char	msg[LOG_MSG_MAX];
	va_list	ap;

	if (!tf_log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_emit(level, msg, fields, nfields);
	errno = saved_errno;
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
