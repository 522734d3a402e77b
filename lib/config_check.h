/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: checks of configuration values that need no libconfig: names
 * of constants, files, addresses, references between sections. config.c
 * and config_context.c walk the tree and check types; these check what a
 * string says. Each check reports at w and returns 0 or -1. Private to the
 * config module.
 */
#ifndef TF_CONFIG_CHECK_H
#define TF_CONFIG_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "config.h"
#include "errs.h"

/* Where a value came from, for "file:line: message". */
struct tf_config_where {
	struct tf_errs	*errs;
	const char	*file;
	int		 line;
};

/*
 * The absolute directory of path; the current directory if path is NULL
 * or has no slash. Returns an allocated string.
 */
char	*tf_config_check_basedir(const char *path);
/* path made absolute against basedir; an allocated string. */
char	*tf_config_check_resolve(const char *basedir, const char *path);
/*
 * path with "${CREDENTIALS_DIRECTORY}" replaced by that environment
 * variable (systemd's LoadCredential= directory); an allocated string, or
 * NULL with an error at w if the variable is unset.
 */
char	*tf_config_check_expand(const struct tf_config_where *w,
	    const char *path);
/* 0 if path is a readable file; else -1 and "cannot read WHAT "PATH": why". */
int	 tf_config_check_readable(const struct tf_config_where *,
	    const char *what, const char *path);
/*
 * Parse a listener's address into conf->listeners[idx].addr: TCP only and
 * not used by an earlier listener. Returns 0 or -1 (reported).
 */
int	 tf_config_check_listen(const struct tf_config_where *,
	    struct tf_config *conf, size_t idx, const char *text);
/*
 * The whole of file path, NUL-terminated, its length in *len; NULL (errno
 * set) on failure. Only a regular file is read (EISDIR for a directory,
 * EINVAL for anything else that is not one): the open does not block, so
 * a FIFO cannot stall it.
 */
char	*tf_config_check_read(const char *path, size_t *len);
/*
 * 0 if text (len bytes, from file) holds no NUL byte; else -1 and
 * "file:line: contains a NUL byte". Past a NUL, the @include check and
 * libconfig's string reader see nothing, but libconfig reads an included
 * file on: an @include hidden there would reach libconfig unchecked.
 */
int	 tf_config_check_nul(const char *text, size_t len, const char *file,
	    struct tf_errs *errs);

/*
 * Files one configuration may include in all: libconfig reads an included
 * file again for each @include of it, so a few files that include each
 * other several times would have it (and this check) read millions.
 */
#define TF_CONFIG_MAX_INCLUDES	256

/*
 * Check every file the @include lines of text (the main file, file) name,
 * and theirs, before libconfig sees them: libconfig 1.5 calls exit() on a
 * directory or an empty name and blocks on a FIFO. Reports
 * "file:line: @include ..." for each one that is not a readable regular
 * file, nested too deep or past TF_CONFIG_MAX_INCLUDES. Returns 0 or -1.
 */
int	 tf_config_check_includes(const char *text, const char *file,
	    const char *basedir, struct tf_errs *errs);
/*
 * The last line of text, from line back to first, that contains needle;
 * line if none does. libconfig gives the last string of a list the line
 * of the token after it ("]" on the next line): this finds the string.
 */
int	 tf_config_check_line_of(const char *text, int first, int line,
	    const char *needle);
/* PROTOCOL_* name; the unavailable and client ones are explained. */
int	 tf_config_check_protocol(const struct tf_config_where *,
	    const char *text, enum tf_protocol *);
/* "python" or "openssl". */
int	 tf_config_check_default_suites(const struct tf_config_where *,
	    const char *text, enum tf_default_suites *);
/* TLSVersion name; refused on a fixed-version protocol, as Python does. */
int	 tf_config_check_version(const struct tf_config_where *,
	    const char *text, bool fixed, int *version);
/* "OP_X" is or-ed into *set, "!OP_X" into *clear. */
int	 tf_config_check_option(const struct tf_config_where *,
	    const char *text, uint64_t *set, uint64_t *clear);
/* CERT_* name. */
int	 tf_config_check_verify_mode(const struct tf_config_where *,
	    const char *text, enum tf_verify_mode *);
/* VERIFY_* name, or-ed into *flags. */
int	 tf_config_check_verify_flag(const struct tf_config_where *,
	    const char *text, unsigned long *flags);
/* One ALPN protocol name: 1 to 255 ASCII bytes, as Python requires. */
int	 tf_config_check_alpn(const struct tf_config_where *,
	    const char *text);
/* 0 if path is a searchable directory; else -1 and "cannot use WHAT ...". */
int	 tf_config_check_directory(const struct tf_config_where *,
	    const char *what, const char *path);
int	 tf_config_check_log_target(const struct tf_config_where *,
	    const char *text, enum tf_log_target *);
int	 tf_config_check_log_level(const struct tf_config_where *,
	    const char *text, enum tf_log_level *);
int	 tf_config_check_log_access(const struct tf_config_where *,
	    const char *text, enum tf_access_format *);
int	 tf_config_check_proxy_protocol(const struct tf_config_where *,
	    const char *text, enum tf_proxy_protocol *);
/* Parse a backend server address. Returns 0 or -1 (reported). */
int	 tf_config_check_server(const struct tf_config_where *,
	    const char *text, struct tf_addr *out);
/* Index of the context or backend called name; -1 (reported) if none. */
int	 tf_config_check_context(const struct tf_config_where *,
	    const struct tf_config *conf, const char *name, size_t *out);
int	 tf_config_check_backend(const struct tf_config_where *,
	    const struct tf_config *conf, const char *name, size_t *out);

#endif
