/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: checks of configuration values that need no libconfig: names
 * of constants, referenced files, addresses, names of other sections.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_check.h"
#include "log.h"

char *
tf_config_check_basedir(const char *path)
{
	const char	*slash;
	char		*cwd, *dir;

	slash = path != NULL ? strrchr(path, '/') : NULL;
	if (slash != NULL && slash == path)
		dir = strdup("/");
	else if (slash != NULL && path[0] == '/')
		dir = strndup(path, (size_t)(slash - path));
	else {
		cwd = getcwd(NULL, 0);
		if (slash == NULL)
			dir = cwd != NULL ? cwd : strdup(".");
		else {
			if (asprintf(&dir, "%s/%.*s", cwd != NULL ? cwd : ".",
			    (int)(slash - path), path) == -1)
				dir = NULL;
			free(cwd);
		}
	}
	if (dir == NULL)
		tf_fatal("basedir");
	return dir;
}

char *
tf_config_check_expand(const struct tf_config_where *w, const char *path)
{
	static const char	 var[] = "${CREDENTIALS_DIRECTORY}";
	const char		*at = strstr(path, var), *dir;
	char			*out;

	if (at == NULL) {
		if ((out = strdup(path)) == NULL)
			tf_fatal("strdup");
		return out;
	}
	dir = getenv("CREDENTIALS_DIRECTORY");
	if (dir == NULL || dir[0] == '\0') {
		tf_errs_add(w->errs, w->file, w->line, "\"%s\": "
		    "CREDENTIALS_DIRECTORY is not set (it is, under systemd, "
		    "for a unit with LoadCredential=)", path);
		return NULL;
	}
	if (asprintf(&out, "%.*s%s%s", (int)(at - path), path, dir,
	    at + sizeof(var) - 1) == -1)
		tf_fatal("asprintf");
	return out;
}

char *
tf_config_check_resolve(const char *basedir, const char *path)
{
	char	*abs;

	if (path[0] == '/')
		abs = strdup(path);
	else if (asprintf(&abs, "%s%s%s", basedir,
	    strcmp(basedir, "/") == 0 ? "" : "/", path) == -1)
		abs = NULL;
	if (abs == NULL)
		tf_fatal("resolve");
	return abs;
}

int
tf_config_check_readable(const struct tf_config_where *w, const char *what,
    const char *path)
{
	struct stat	st;
	int		error = 0;

	if (access(path, R_OK) == -1)
		error = errno;
	else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		error = EISDIR;
	else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		/* A FIFO would hold the master in open() at a reload. */
		error = EINVAL;
	if (error == 0)
		return 0;
	return tf_errs_add(w->errs, w->file, w->line,
	    "cannot read %s \"%s\": %s", what, path, error == EINVAL ?
	    "not a regular file" : strerror(error));
}

char *
tf_config_check_read(const char *path, size_t *lenp)
{
	struct stat	 st;
	FILE		*fp;
	char		*text, *grown;
	size_t		 len = 0, cap = 4096, n;
	int		 fd, error;

	/* Non-blocking, so that a FIFO cannot hold the master in open(). */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		error = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		errno = error;
		return NULL;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		error = errno;
		close(fd);
		errno = error;
		return NULL;
	}
	if ((text = malloc(cap)) == NULL)
		tf_fatal("malloc");
	while ((n = fread(text + len, 1, cap - len - 1, fp)) > 0) {
		len += n;
		if (cap - len - 1 > 0)
			continue;
		if ((grown = realloc(text, cap * 2)) == NULL)
			tf_fatal("realloc");
		text = grown;
		cap *= 2;
	}
	if (ferror(fp)) {
		error = errno;
		fclose(fp);
		free(text);
		errno = error;
		return NULL;
	}
	fclose(fp);
	text[len] = '\0';
	*lenp = len;
	return text;
}

int
tf_config_check_nul(const char *text, size_t len, const char *file,
    struct tf_errs *errs)
{
	const char	*nul = memchr(text, '\0', len), *p;
	int		 line = 1;

	if (nul == NULL)
		return 0;
	for (p = text; (p = memchr(p, '\n', (size_t)(nul - p))) != NULL; p++)
		line++;
	return tf_errs_add(errs, file, line, "contains a NUL byte (libconfig "
	    "reads no further)");
}

/* libconfig's limit on nested @include files. */
#define CONFIG_INCLUDE_DEPTH	10

/* The walk of one configuration's includes: how deep, how many so far. */
struct include_walk {
	const char	*basedir;
	int		 depth;
	int		 files;
};

static int	config_walk_includes(const char *text, const char *file,
		    struct include_walk *w, struct tf_errs *errs);

/*
 * The name of an @include directive that starts line p (libconfig 1.5
 * takes only `^[ \t]*@include[ \t]+"NAME"`), copied into name; false if
 * the line is none.
 */
static bool
config_include_name(const char *p, char *name, size_t len)
{
	size_t	n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "@include", 8) != 0 || (p[8] != ' ' && p[8] != '\t'))
		return false;
	for (p += 8; *p == ' ' || *p == '\t'; p++)
		continue;
	if (*p++ != '"')
		return false;
	for (; *p != '"' && *p != '\0' && *p != '\n'; p++)
		if (n + 1 < len)
			name[n++] = *p;
	name[n] = '\0';
	return *p == '"';
}

/* Check the file an @include at file:line names, then its own. */
static int
config_check_include(const char *file, int line, const char *name,
    struct include_walk *w, struct tf_errs *errs)
{
	const char	*basedir = w->basedir;
	char		*path, *text;
	size_t		 len;
	int		 rv;

	if (name[0] == '\0')
		return tf_errs_add(errs, file, line,
		    "@include \"\": names no file");
	if (++w->files > TF_CONFIG_MAX_INCLUDES)
		return tf_errs_add(errs, file, line, "@include: more than %d "
		    "files included in all (includes that include each other "
		    "several times multiply)", TF_CONFIG_MAX_INCLUDES);
	if (name[0] == '/' || basedir == NULL) {
		if ((path = strdup(name)) == NULL)
			tf_fatal("strdup");
	} else if (asprintf(&path, "%s/%s", basedir, name) == -1)
		tf_fatal("asprintf");
	if ((text = tf_config_check_read(path, &len)) == NULL) {
		rv = tf_errs_add(errs, file, line, "@include \"%s\": %s", name,
		    errno == EINVAL ? "not a regular file" : strerror(errno));
		free(path);
		return rv;
	}
	/* Named as written, as libconfig names an included file. */
	rv = tf_config_check_nul(text, len, name, errs);
	if (rv == 0) {
		w->depth++;
		rv = config_walk_includes(text, name, w, errs);
		w->depth--;
	}
	free(text);
	free(path);
	return rv;
}

/* Every @include of text, and theirs; past the file budget, nothing
 * more is read. */
static int
config_walk_includes(const char *text, const char *file,
    struct include_walk *w, struct tf_errs *errs)
{
	const char	*p;
	char		 name[1024];
	int		 line = 1, rv = 0;

	if (w->depth > CONFIG_INCLUDE_DEPTH)
		return tf_errs_add(errs, file, 1, "@include nested more than "
		    "%d deep", CONFIG_INCLUDE_DEPTH);
	for (p = text; *p != '\0' && w->files <= TF_CONFIG_MAX_INCLUDES;
	    line++) {
		if (config_include_name(p, name, sizeof(name)) &&
		    config_check_include(file, line, name, w, errs) == -1)
			rv = -1;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	return rv;
}

int
tf_config_check_includes(const char *text, const char *file,
    const char *basedir, struct tf_errs *errs)
{
	struct include_walk	w = { basedir, 0, 0 };

	return config_walk_includes(text, file, &w, errs);
}

int
tf_config_check_line_of(const char *text, int first, int line,
    const char *needle)
{
	const char	*start, *end;
	int		 l, n;

	if (*needle == '\0' || first < 1)
		return line;
	for (l = line; l >= first; l--) {
		start = text;
		for (n = 1; n < l && start != NULL; n++) {
			start = strchr(start, '\n');
			if (start != NULL)
				start++;
		}
		if (start == NULL)
			continue;
		if ((end = strchr(start, '\n')) == NULL)
			end = start + strlen(start);
		if (memmem(start, (size_t)(end - start), needle,
		    strlen(needle)) != NULL)
			return l;
	}
	return line;
}

int
tf_config_check_protocol(const struct tf_config_where *w, const char *text,
    enum tf_protocol *out)
{
	if (tf_config_protocol_parse(text, out) == 0)
		return 0;
	if (strcmp(text, "PROTOCOL_SSLv2") == 0 ||
	    strcmp(text, "PROTOCOL_SSLv3") == 0)
		return tf_errs_add(w->errs, w->file, w->line, "%s is not "
		    "available: this OpenSSL has no SSLv2/SSLv3 support", text);
	return tf_errs_add(w->errs, w->file, w->line,
	    "unknown protocol \"%s\"", text);
}

int
tf_config_check_default_suites(const struct tf_config_where *w,
    const char *text, enum tf_default_suites *out)
{
	if (tf_config_default_suites_parse(text, out) == 0)
		return 0;
	return tf_errs_add(w->errs, w->file, w->line, "unknown default_suites "
	    "\"%s\" (expected \"python\": CPython's own defaults, or "
	    "\"openssl\": OpenSSL's system configuration, as "
	    "--with-ssl-default-suites builds python3)", text);
}

int
tf_config_check_version(const struct tf_config_where *w, const char *text,
    bool fixed, int *version)
{
	if (tf_config_version_parse(text, version) == -1)
		return tf_errs_add(w->errs, w->file, w->line,
		    "unknown TLS version \"%s\"", text);
	if (fixed)
		return tf_errs_add(w->errs, w->file, w->line, "The context's "
		    "protocol doesn't support modification of highest and "
		    "lowest version.");
	return 0;
}

int
tf_config_check_option(const struct tf_config_where *w, const char *text,
    uint64_t *set, uint64_t *clear)
{
	const char	*name = text[0] == '!' ? text + 1 : text;
	uint64_t	 value;

	if (tf_config_option_parse(name, &value) == -1)
		return tf_errs_add(w->errs, w->file, w->line,
		    "unknown option \"%s\"", name);
	if (name != text)
		*clear |= value;
	else
		*set |= value;
	return 0;
}

int
tf_config_check_log_target(const struct tf_config_where *w,
    const char *text, enum tf_log_target *out)
{
	if (strcmp(text, "stderr") == 0)
		*out = TF_LOG_TARGET_STDERR;
	else if (strcmp(text, "syslog") == 0)
		*out = TF_LOG_TARGET_SYSLOG;
	else if (strcmp(text, "journal") == 0 && tf_log_journal_available())
		*out = TF_LOG_TARGET_JOURNAL;
	else if (strcmp(text, "journal") == 0)
		return tf_errs_add(w->errs, w->file, w->line, "log target "
		    "\"journal\" needs a build with libsystemd");
	else
		return tf_errs_add(w->errs, w->file, w->line, "unknown log "
		    "target \"%s\" (expected stderr, syslog or journal)",
		    text);
	return 0;
}

int
tf_config_check_log_level(const struct tf_config_where *w, const char *text,
    enum tf_log_level *out)
{
	if (tf_log_level_parse(text, out) == 0)
		return 0;
	return tf_errs_add(w->errs, w->file, w->line, "unknown log level "
	    "\"%s\" (expected err, warning, notice, info or debug)", text);
}

int
tf_config_check_log_access(const struct tf_config_where *w,
    const char *text, enum tf_access_format *out)
{
	if (strcmp(text, "off") == 0)
		*out = TF_ACCESS_OFF;
	else if (strcmp(text, "text") == 0)
		*out = TF_ACCESS_TEXT;
	else if (strcmp(text, "json") == 0)
		*out = TF_ACCESS_JSON;
	else
		return tf_errs_add(w->errs, w->file, w->line, "unknown access "
		    "log format \"%s\" (expected off, text or json)", text);
	return 0;
}

int
tf_config_check_proxy_protocol(const struct tf_config_where *w,
    const char *text, enum tf_proxy_protocol *out)
{
	if (strcmp(text, "none") == 0)
		*out = TF_PROXY_NONE;
	else if (strcmp(text, "v1") == 0)
		*out = TF_PROXY_V1;
	else if (strcmp(text, "v2") == 0)
		*out = TF_PROXY_V2;
	else
		return tf_errs_add(w->errs, w->file, w->line, "unknown "
		    "proxy_protocol \"%s\" (expected none, v1 or v2)", text);
	return 0;
}

int
tf_config_check_listen(const struct tf_config_where *w,
    struct tf_config *conf, size_t idx, const char *text)
{
	struct tf_listener_conf	*l = &conf->listeners[idx];
	char			 err[256];
	char			 a[TF_ADDR_STRLEN], b[TF_ADDR_STRLEN];
	size_t			 i;

	if (tf_addr_parse(text, false, &l->addr, err, sizeof(err)) == -1)
		return tf_errs_add(w->errs, w->file, w->line,
		    "listen \"%s\": %s", text, err);
	if (tf_addr_is_unix(&l->addr)) {
		l->addr.len = 0;
		return tf_errs_add(w->errs, w->file, w->line, "listen \"%s\": "
		    "unix sockets are not supported for listeners", text);
	}
	tf_addr_format(&l->addr, a, sizeof(a));
	for (i = 0; i < idx; i++) {
		if (conf->listeners[i].addr.len == 0)
			continue;
		tf_addr_format(&conf->listeners[i].addr, b, sizeof(b));
		if (strcmp(a, b) == 0)
			return tf_errs_add(w->errs, w->file, w->line,
			    "listen \"%s\": address already used by the "
			    "listener at line %d", text,
			    conf->listeners[i].line);
	}
	return 0;
}

int
tf_config_check_server(const struct tf_config_where *w, const char *text,
    struct tf_addr *out)
{
	char	err[256];

	if (tf_addr_parse(text, false, out, err, sizeof(err)) == -1)
		return tf_errs_add(w->errs, w->file, w->line,
		    "server \"%s\": %s", text, err);
	return 0;
}

int
tf_config_check_context(const struct tf_config_where *w,
    const struct tf_config *conf, const char *name, size_t *out)
{
	size_t	i;

	for (i = 0; i < conf->ncontexts; i++) {
		if (strcmp(conf->contexts[i].name, name) == 0) {
			*out = i;
			return 0;
		}
	}
	return tf_errs_add(w->errs, w->file, w->line,
	    "listener names unknown context \"%s\"", name);
}

int
tf_config_check_backend(const struct tf_config_where *w,
    const struct tf_config *conf, const char *name, size_t *out)
{
	size_t	i;

	for (i = 0; i < conf->nbackends; i++) {
		if (strcmp(conf->backends[i].name, name) == 0) {
			*out = i;
			return 0;
		}
	}
	return tf_errs_add(w->errs, w->file, w->line,
	    "listener names unknown backend \"%s\"", name);
}

int
tf_config_check_verify_mode(const struct tf_config_where *w,
    const char *text, enum tf_verify_mode *out)
{
	if (tf_config_verify_mode_parse(text, out) == 0)
		return 0;
	return tf_errs_add(w->errs, w->file, w->line, "unknown verify_mode "
	    "\"%s\" (expected CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED)",
	    text);
}

int
tf_config_check_verify_flag(const struct tf_config_where *w,
    const char *text, unsigned long *flags)
{
	unsigned long	value;

	if (tf_config_verify_flag_parse(text, &value) == -1)
		return tf_errs_add(w->errs, w->file, w->line,
		    "unknown verify flag \"%s\"", text);
	*flags |= value;
	return 0;
}

int
tf_config_check_alpn(const struct tf_config_where *w, const char *text)
{
	const unsigned char	*p;
	size_t			 len = strlen(text);

	if (len == 0 || len > 255)
		return tf_errs_add(w->errs, w->file, w->line,
		    "ALPN protocols must be 1 to 255 in length");
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p > 0x7f)
			return tf_errs_add(w->errs, w->file, w->line,
			    "ALPN protocol \"%s\" is not ASCII", text);
	}
	return 0;
}

int
tf_config_check_directory(const struct tf_config_where *w, const char *what,
    const char *path)
{
	struct stat	st;
	int		error = 0;

	if (stat(path, &st) == -1)
		error = errno;
	else if (!S_ISDIR(st.st_mode))
		error = ENOTDIR;
	else if (access(path, R_OK | X_OK) == -1)
		error = errno;
	if (error == 0)
		return 0;
	return tf_errs_add(w->errs, w->file, w->line,
	    "cannot use %s \"%s\": %s", what, path, strerror(error));
}
