/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: logging to stderr, syslog or the systemd journal, with levels.
 * The only lib/ module that may write to stderr or exit.
 */
#ifndef TF_LOG_H
#define TF_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum tf_log_level {
	TF_LOG_ERR = 0,
	TF_LOG_WARNING,
	TF_LOG_NOTICE,
	TF_LOG_INFO,
	TF_LOG_DEBUG,
};

enum tf_log_target {
	TF_LOG_TARGET_STDERR = 0,
	TF_LOG_TARGET_SYSLOG,
	TF_LOG_TARGET_JOURNAL,	/* journald's native protocol (libsystemd) */
};

/* One structured field of a journal entry: KEY (upper case, [A-Z0-9_])
 * and a value of len bytes (any bytes). */
struct tf_log_field {
	const char	*key;
	const char	*value;
	size_t		 len;
};

/*
 * Start logging as ident to target; messages above level are dropped.
 * On stderr, when stderr is the journal's stream (tf_log_stderr_is_journal)
 * each line is "<N>message": its syslog priority, without the ident[pid]
 * prefix the journal adds itself.
 */
void	tf_log_open(const char *ident, enum tf_log_target, enum tf_log_level);
/* Whether stderr is connected to the journal: JOURNAL_STREAM names its
 * device and inode (systemd.exec(5)). */
bool	tf_log_stderr_is_journal(void);
/* Whether this build can log to the journal natively (libsystemd). */
bool	tf_log_journal_available(void);
/*
 * Log the message at level with fields: to the journal, one entry with
 * the fields besides MESSAGE=, PRIORITY= and SYSLOG_IDENTIFIER= (values cut
 * to what fits 8 KB together); elsewhere the message alone, as tf_log_*.
 */
void	tf_log_fields(enum tf_log_level, const struct tf_log_field *fields,
	    size_t nfields, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
void	tf_log_set_level(enum tf_log_level);
bool	tf_log_enabled(enum tf_log_level);
/* Parse "err", "warning", "notice", "info", "debug". Returns 0 or -1. */
int	tf_log_level_parse(const char *name, enum tf_log_level *out);
const char *tf_log_level_name(enum tf_log_level);

/* tf_log_warn appends strerror(errno); the x variants do not. */
void	tf_log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	tf_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	tf_log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	tf_log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	tf_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	tf_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Log at err (with/without strerror) and exit(1). Start-up only. */
void	tf_fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	tf_fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
