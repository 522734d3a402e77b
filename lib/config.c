/*
 * tlsfront: the configuration file read with libconfig into struct
 * tf_config, with every problem reported as "file:line: message".
 * The only file that includes <libconfig.h>.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "config.h"
#include "config_check.h"

#define CONFIG_MAX_WORKERS	256
#define CONFIG_MAX_TIMEOUT	31536000.0	/* a year, in seconds */

/* The state of one load: where errors go and how to name the file. */
struct config_load {
	struct tf_config	*conf;
	struct tf_errs		*errs;
	const char		*file;		/* for messages */
	const char		*basedir;	/* for relative paths */
	const char		*text;		/* the source */
};

static const char *const root_keys[] = {
	"daemon", "contexts", "listeners", "backends", NULL
};
static const char *const daemon_keys[] = {
	"workers", "user", "group", "max_connections", "timeouts", "log",
	"allow_world_readable_keys", NULL
};
static const char *const timeout_keys[] = {
	"handshake", "connect", "idle", "drain", NULL
};
static const char *const log_keys[] = {
	"target", "level", "access", NULL
};
static const char *const context_keys[] = {
	"protocol", "options", "minimum_version", "maximum_version",
	"ciphers", "ciphersuites", "ecdh_curve", "cert_chain", "groups",
	"dh_params", "verify_mode", "verify_locations", "verify_flags",
	"alpn_protocols", "num_tickets", "post_handshake_auth",
	"keylog_filename", NULL
};
static const char *const verify_locations_keys[] = {
	"cafile", "capath", "cadata", NULL
};
static const char *const cert_keys[] = {
	"certfile", "keyfile", "password", "password_file", NULL
};
static const char *const listener_keys[] = {
	"listen", "context", "backend", NULL
};
static const char *const backend_keys[] = {
	"servers", "proxy_protocol", NULL
};

static void	config_err(struct config_load *, const config_setting_t *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));

static void *
config_calloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size)) == NULL)
		tf_fatal("calloc");
	return p;
}

static char *
config_strdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		tf_fatal("strdup");
	return p;
}

/* Write the dotted path of s ("contexts.default.cert_chain[0]") to buf. */
static size_t
config_path(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t	*parent;
	size_t			 off;
	int			 n;

	parent = config_setting_parent(s);
	if (parent == NULL) {
		buf[0] = '\0';
		return 0;
	}
	off = config_path(parent, buf, len);
	if (off >= len - 1)
		return off;
	if (config_setting_name(s) != NULL)
		n = snprintf(buf + off, len - off, "%s%s", off > 0 ? "." : "",
		    config_setting_name(s));
	else
		n = snprintf(buf + off, len - off, "[%d]",
		    config_setting_index(s));
	if (n < 0)
		return off;
	return (size_t)n >= len - off ? len - 1 : off + (size_t)n;
}

/*
 * The line of s. For the strings of a list that libconfig may place on the
 * line of the token after them, look for the string itself in the source.
 */
static int
config_line(struct config_load *ld, const config_setting_t *s)
{
	const config_setting_t	*parent = config_setting_parent(s);
	int			 line = (int)config_setting_source_line(s);

	if (config_setting_name(s) != NULL || parent == NULL ||
	    config_setting_type(s) != CONFIG_TYPE_STRING ||
	    config_setting_source_file(s) != NULL || ld->text == NULL)
		return line;
	return tf_config_check_line_of(ld->text,
	    (int)config_setting_source_line(parent), line,
	    config_setting_get_string(s));
}

/* Where s came from, for the config_check.c helpers. */
static struct tf_config_where
config_where(struct config_load *ld, const config_setting_t *s)
{
	struct tf_config_where	w;

	w.errs = ld->errs;
	w.file = config_setting_source_file(s) != NULL ?
	    config_setting_source_file(s) : ld->file;
	w.line = config_line(ld, s);
	return w;
}

/* Report a problem at the line of setting s. */
static void
config_err(struct config_load *ld, const config_setting_t *s,
    const char *fmt, ...)
{
	struct tf_config_where	 w;
	char			*msg;
	va_list			 ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		tf_fatal("vasprintf");
	va_end(ap);
	w = config_where(ld, s);
	tf_errs_add(w.errs, w.file, w.line, "%s", msg);
	free(msg);
}

/* Report "path: text" at the line of s. */
static void
config_err_type(struct config_load *ld, const config_setting_t *s,
    const char *text)
{
	char	path[256];

	config_path(s, path, sizeof(path));
	config_err(ld, s, "%s: %s", path, text);
}

static bool
config_key_known(const char *name, const char *const *keys)
{
	for (; *keys != NULL; keys++) {
		if (strcmp(name, *keys) == 0)
			return true;
	}
	return false;
}

/* Report every member of group whose name is not in keys. */
static void
config_check_keys(struct config_load *ld, const config_setting_t *group,
    const char *const *keys)
{
	const config_setting_t	*m;
	char			 path[256];
	int			 i;

	config_path(group, path, sizeof(path));
	for (i = 0; (m = config_setting_get_elem(group, i)) != NULL; i++) {
		if (config_key_known(config_setting_name(m), keys))
			continue;
		if (path[0] == '\0')
			config_err(ld, m, "unknown key \"%s\" at top level",
			    config_setting_name(m));
		else
			config_err(ld, m, "unknown key \"%s\" in %s",
			    config_setting_name(m), path);
	}
}

/* A member that must be a group; NULL if absent or not a group. */
static const config_setting_t *
config_group(struct config_load *ld, const config_setting_t *parent,
    const char *name, const char *const *keys)
{
	const config_setting_t	*s;

	if ((s = config_setting_get_member(parent, name)) == NULL)
		return NULL;
	if (!config_setting_is_group(s)) {
		config_err_type(ld, s, "expected a group");
		return NULL;
	}
	config_check_keys(ld, s, keys);
	return s;
}

/* A string member; NULL if absent or wrong (reported). */
static const config_setting_t *
config_string(struct config_load *ld, const config_setting_t *parent,
    const char *name, const char **value)
{
	const config_setting_t	*s;

	if ((s = config_setting_get_member(parent, name)) == NULL)
		return NULL;
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		config_err_type(ld, s, "expected a string");
		return NULL;
	}
	*value = config_setting_get_string(s);
	if (**value == '\0') {
		config_err_type(ld, s, "must not be empty");
		return NULL;
	}
	return s;
}

/* Copy an optional string member into *out; returns its line (or 0). */
static int
config_dup_string(struct config_load *ld, const config_setting_t *parent,
    const char *name, char **out)
{
	const config_setting_t	*s;
	const char		*v;

	if ((s = config_string(ld, parent, name, &v)) == NULL)
		return 0;
	*out = config_strdup(v);
	return (int)config_setting_source_line(s);
}

/* A string member and where it is; NULL if absent or wrong (reported). */
static const char *
config_value(struct config_load *ld, const config_setting_t *group,
    const char *name, struct tf_config_where *w)
{
	const config_setting_t	*s;
	const char		*v;

	if ((s = config_string(ld, group, name, &v)) == NULL)
		return NULL;
	*w = config_where(ld, s);
	return v;
}

/* A string member that must be there; NULL if absent or wrong. */
static const char *
config_required(struct config_load *ld, const config_setting_t *group,
    const char *name, struct tf_config_where *w)
{
	char	path[256];

	if (config_setting_get_member(group, name) == NULL) {
		config_path(group, path, sizeof(path));
		config_err(ld, group, "%s: %s is required", path, name);
		return NULL;
	}
	return config_value(ld, group, name, w);
}

static void
config_int(struct config_load *ld, const config_setting_t *parent,
    const char *name, long long min, long long max, int *out)
{
	const config_setting_t	*s;
	char			 msg[96];
	long long		 v;

	if ((s = config_setting_get_member(parent, name)) == NULL)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		config_err_type(ld, s, "expected an integer");
		return;
	}
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		if (max != INT_MAX)
			snprintf(msg, sizeof(msg), "must be between %lld and "
			    "%lld", min, max);
		else if (v < min)
			snprintf(msg, sizeof(msg), "must be at least %lld",
			    min);
		else
			snprintf(msg, sizeof(msg), "must be at most %lld", max);
		config_err_type(ld, s, msg);
		return;
	}
	*out = (int)v;
}

/* A number of seconds: an integer or a float, > 0. */
static void
config_seconds(struct config_load *ld, const config_setting_t *parent,
    const char *name, double *out)
{
	const config_setting_t	*s;
	double			 v;

	if ((s = config_setting_get_member(parent, name)) == NULL)
		return;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		v = (double)config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_FLOAT:
		v = config_setting_get_float(s);
		break;
	default:
		config_err_type(ld, s, "expected a number of seconds");
		return;
	}
	if (!isfinite(v) || v <= 0 || v > CONFIG_MAX_TIMEOUT) {
		config_err_type(ld, s, "must be greater than 0 and at most "
		    "31536000");
		return;
	}
	*out = v;
}

/* A member that must be an array or list; NULL if absent or wrong. */
static const config_setting_t *
config_list(struct config_load *ld, const config_setting_t *parent,
    const char *name, bool groups)
{
	const config_setting_t	*s;

	if ((s = config_setting_get_member(parent, name)) == NULL)
		return NULL;
	if (groups ? !config_setting_is_list(s) :
	    !config_setting_is_array(s) && !config_setting_is_list(s)) {
		config_err_type(ld, s, groups ? "expected a list of groups" :
		    "expected a list of strings");
		return NULL;
	}
	return s;
}

/* The string value of a list element; NULL if it is not a string. */
static const char *
config_elem_string(struct config_load *ld, const config_setting_t *e)
{
	if (config_setting_type(e) != CONFIG_TYPE_STRING) {
		config_err_type(ld, e, "expected a string");
		return NULL;
	}
	return config_setting_get_string(e);
}

static void
config_log(struct config_load *ld, const config_setting_t *log)
{
	struct tf_config	*conf = ld->conf;
	struct tf_config_where	 w;
	const char		*v;

	if ((v = config_value(ld, log, "target", &w)) != NULL) {
		tf_config_check_log_target(&w, v, &conf->log_target);
		conf->log_target_set = true;
	}
	if ((v = config_value(ld, log, "level", &w)) != NULL)
		tf_config_check_log_level(&w, v, &conf->log_level);
	if ((v = config_value(ld, log, "access", &w)) != NULL)
		tf_config_check_log_access(&w, v, &conf->log_access);
}

static void	config_bool(struct config_load *, const config_setting_t *,
		    const char *, bool *, int *);

static void
config_daemon(struct config_load *ld, const config_setting_t *root)
{
	struct tf_config	*conf = ld->conf;
	const config_setting_t	*daemon, *s;
	int			 line;

	if ((daemon = config_group(ld, root, "daemon", daemon_keys)) == NULL)
		return;
	config_int(ld, daemon, "workers", 0, CONFIG_MAX_WORKERS,
	    &conf->workers);
	config_dup_string(ld, daemon, "user", &conf->user);
	config_dup_string(ld, daemon, "group", &conf->group);
	config_int(ld, daemon, "max_connections", 1, INT_MAX,
	    &conf->max_connections);
	config_bool(ld, daemon, "allow_world_readable_keys",
	    &conf->allow_world_readable_keys, &line);
	if ((s = config_group(ld, daemon, "timeouts", timeout_keys)) != NULL) {
		config_seconds(ld, s, "handshake", &conf->timeout_handshake);
		config_seconds(ld, s, "connect", &conf->timeout_connect);
		config_seconds(ld, s, "idle", &conf->timeout_idle);
		config_seconds(ld, s, "drain", &conf->timeout_drain);
	}
	if ((s = config_group(ld, daemon, "log", log_keys)) != NULL)
		config_log(ld, s);
}

/* Returns false if the protocol was given but is not usable. */
static bool
config_protocol(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	struct tf_config_where	 w;
	const char		*v;

	if ((v = config_value(ld, group, "protocol", &w)) == NULL)
		return config_setting_get_member(group, "protocol") == NULL;
	ctx->protocol_line = w.line;
	return tf_config_check_protocol(&w, v, &ctx->protocol) == 0;
}

/* "OP_X" sets, "!OP_X" clears. */
static void
config_options(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	const config_setting_t	*list, *e;
	struct tf_config_where	 w;
	const char		*v;
	int			 i;

	if ((list = config_list(ld, group, "options", false)) == NULL)
		return;
	ctx->options_line = (int)config_setting_source_line(list);
	for (i = 0; (e = config_setting_get_elem(list, i)) != NULL; i++) {
		if ((v = config_elem_string(ld, e)) == NULL)
			continue;
		w = config_where(ld, e);
		tf_config_check_option(&w, v, &ctx->options_set,
		    &ctx->options_clear);
	}
}

static void
config_version(struct config_load *ld, const config_setting_t *group,
    const char *name, bool fixed, int *version, int *line)
{
	struct tf_config_where	 w;
	const char		*v;

	if ((v = config_value(ld, group, name, &w)) == NULL)
		return;
	*line = w.line;
	tf_config_check_version(&w, v, fixed, version);
}

/* A path member, resolved and checked; NULL if absent or wrong. */
static char *
config_file(struct config_load *ld, const config_setting_t *group,
    const char *name, bool required)
{
	struct tf_config_where	 w;
	const char		*v;
	char			*path, *expanded;

	v = required ? config_required(ld, group, name, &w) :
	    config_value(ld, group, name, &w);
	if (v == NULL || (expanded = tf_config_check_expand(&w, v)) == NULL)
		return NULL;
	path = tf_config_check_resolve(ld->basedir, expanded);
	free(expanded);
	tf_config_check_readable(&w, name, path);
	return path;
}

/*
 * A path member into out (resolved, with its line); a file that must be
 * readable if readable is set. Returns false if absent or wrong.
 */
static bool
config_path_str(struct config_load *ld, const config_setting_t *group,
    const char *name, bool readable, struct tf_conf_str *out)
{
	struct tf_config_where	 w;
	const char		*v;
	char			*expanded;

	if ((v = config_value(ld, group, name, &w)) == NULL ||
	    (expanded = tf_config_check_expand(&w, v)) == NULL)
		return false;
	out->value = tf_config_check_resolve(ld->basedir, expanded);
	free(expanded);
	out->line = w.line;
	if (readable)
		return tf_config_check_readable(&w, name, out->value) == 0;
	return true;
}

/*
 * A list of strings into a new array of (value, line); *line: the list's.
 * Returns false if absent or not a list; elements that are not strings are
 * reported and left NULL.
 */
static bool
config_strings(struct config_load *ld, const config_setting_t *group,
    const char *name, struct tf_conf_str **out, size_t *n, int *line)
{
	const config_setting_t	*list, *e;
	const char		*v;
	size_t			 i;

	if ((list = config_list(ld, group, name, false)) == NULL)
		return false;
	*line = (int)config_setting_source_line(list);
	*n = (size_t)config_setting_length(list);
	*out = config_calloc(*n, sizeof(**out));
	for (i = 0; i < *n; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		if ((v = config_elem_string(ld, e)) == NULL)
			continue;
		(*out)[i].value = config_strdup(v);
		(*out)[i].line = config_line(ld, e);
	}
	return true;
}

/* A where for the i-th string of a list read by config_strings. */
static struct tf_config_where
config_where_at(struct config_load *ld, const struct tf_conf_str *str)
{
	struct tf_config_where	w;

	w.errs = ld->errs;
	w.file = ld->file;
	w.line = str->line;
	return w;
}

static void
config_groups(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	const config_setting_t	*s;

	if (!config_strings(ld, group, "groups", &ctx->groups, &ctx->ngroups,
	    &ctx->groups_line))
		return;
	s = config_setting_get_member(group, "groups");
	if (ctx->ngroups == 0)
		config_err_type(ld, s, "needs at least one group");
	if (config_setting_get_member(group, "ecdh_curve") != NULL)
		config_err_type(ld, s, "groups and ecdh_curve both set the "
		    "key exchange groups: use one (ecdh_curve is Python's "
		    "set_ecdh_curve(), a single curve; groups is a list)");
}

static void
config_verify(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	const config_setting_t	*loc;
	struct tf_config_where	 w;
	const char		*v;
	size_t			 i, n;
	struct tf_conf_str	*flags;

	if ((v = config_value(ld, group, "verify_mode", &w)) != NULL) {
		ctx->verify_mode_line = w.line;
		tf_config_check_verify_mode(&w, v, &ctx->verify_mode);
	}
	if ((loc = config_group(ld, group, "verify_locations",
	    verify_locations_keys)) != NULL) {
		ctx->verify_locations_line =
		    (int)config_setting_source_line(loc);
		config_path_str(ld, loc, "cafile", true, &ctx->cafile);
		if (config_path_str(ld, loc, "capath", false, &ctx->capath)) {
			w = config_where(ld,
			    config_setting_get_member(loc, "capath"));
			tf_config_check_directory(&w, "capath",
			    ctx->capath.value);
		}
		ctx->cadata.line = config_dup_string(ld, loc, "cadata",
		    &ctx->cadata.value);
		if (config_setting_length(loc) == 0)
			config_err_type(ld, loc, "cafile, capath and cadata "
			    "cannot be all omitted");
	}
	if (config_strings(ld, group, "verify_flags", &flags, &n,
	    &ctx->verify_flags_line)) {
		ctx->verify_flags_set = true;
		for (i = 0; i < n; i++) {
			if (flags[i].value == NULL)
				continue;
			w = config_where_at(ld, &flags[i]);
			tf_config_check_verify_flag(&w, flags[i].value,
			    &ctx->verify_flags);
			free(flags[i].value);
		}
		free(flags);
	}
}

static void
config_alpn(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	struct tf_config_where	w;
	size_t			i;

	if (!config_strings(ld, group, "alpn_protocols", &ctx->alpn_protocols,
	    &ctx->nalpn_protocols, &ctx->alpn_protocols_line))
		return;
	ctx->alpn_protocols_set = true;
	for (i = 0; i < ctx->nalpn_protocols; i++) {
		if (ctx->alpn_protocols[i].value == NULL)
			continue;
		w = config_where_at(ld, &ctx->alpn_protocols[i]);
		tf_config_check_alpn(&w, ctx->alpn_protocols[i].value);
	}
}

/* num_tickets: Python's setter refuses all but PROTOCOL_TLS_SERVER. */
static void
config_num_tickets(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx, bool protocol_ok)
{
	const config_setting_t	*s;

	if ((s = config_setting_get_member(group, "num_tickets")) == NULL)
		return;
	ctx->num_tickets_line = (int)config_setting_source_line(s);
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		config_err_type(ld, s, "expected an integer");
		return;
	}
	ctx->num_tickets = config_setting_get_int64(s);
	if (ctx->num_tickets < 0) {
		config_err_type(ld, s, "value must be non-negative");
		return;
	}
	if (protocol_ok && ctx->protocol != TF_PROTOCOL_TLS_SERVER) {
		config_err_type(ld, s, "SSLContext is not a server context. "
		    "(Python sets num_tickets only with PROTOCOL_TLS_SERVER)");
		return;
	}
	ctx->num_tickets_set = true;
}

static void
config_bool(struct config_load *ld, const config_setting_t *group,
    const char *name, bool *out, int *line)
{
	const config_setting_t	*s;

	if ((s = config_setting_get_member(group, name)) == NULL)
		return;
	*line = (int)config_setting_source_line(s);
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		config_err_type(ld, s, "expected true or false");
		return;
	}
	*out = config_setting_get_bool(s) != 0;
}

/*
 * A private key everyone on the machine can read is refused unless the
 * configuration says it is fine (daemon.allow_world_readable_keys).
 */
static void
config_key_private(struct config_load *ld, const config_setting_t *group,
    const struct tf_cert_conf *cert)
{
	const config_setting_t	*s;
	const char		*key = cert->keyfile;
	struct stat		 st;

	s = config_setting_get_member(group, "keyfile");
	if (key == NULL && s != NULL)
		return;		/* keyfile given but unusable: reported */
	if (key == NULL) {
		key = cert->certfile;
		s = config_setting_get_member(group, "certfile");
	}
	if (key == NULL || ld->conf->allow_world_readable_keys ||
	    stat(key, &st) == -1 || (st.st_mode & S_IROTH) == 0)
		return;
	config_err(ld, s, "private key \"%s\" is readable by everyone "
	    "(mode %04o): chmod o-r it, or set "
	    "daemon.allow_world_readable_keys = true", key,
	    (unsigned)(st.st_mode & 07777));
}

static void
config_cert(struct config_load *ld, const config_setting_t *group,
    struct tf_cert_conf *cert)
{
	const config_setting_t	*pwfile;

	cert->line = (int)config_setting_source_line(group);
	if (!config_setting_is_group(group)) {
		config_err_type(ld, group, "expected a group");
		return;
	}
	config_check_keys(ld, group, cert_keys);
	cert->certfile = config_file(ld, group, "certfile", true);
	cert->keyfile = config_file(ld, group, "keyfile", false);
	config_key_private(ld, group, cert);
	config_dup_string(ld, group, "password", &cert->password);
	pwfile = config_setting_get_member(group, "password_file");
	if (pwfile != NULL &&
	    config_setting_get_member(group, "password") != NULL)
		config_err_type(ld, pwfile,
		    "password and password_file are mutually exclusive");
	else
		cert->password_file = config_file(ld, group, "password_file",
		    false);
}

static void
config_certs(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	const config_setting_t	*list;
	size_t			 i;

	if (config_setting_get_member(group, "cert_chain") == NULL) {
		config_err(ld, group, "context \"%s\": cert_chain is required",
		    ctx->name);
		return;
	}
	if ((list = config_list(ld, group, "cert_chain", true)) == NULL)
		return;
	ctx->ncerts = (size_t)config_setting_length(list);
	if (ctx->ncerts == 0)
		config_err_type(ld, list, "needs at least one entry");
	ctx->certs = config_calloc(ctx->ncerts, sizeof(*ctx->certs));
	for (i = 0; i < ctx->ncerts; i++)
		config_cert(ld, config_setting_get_elem(list, (unsigned)i),
		    &ctx->certs[i]);
}

static void
config_context(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	bool	fixed, protocol_ok;

	ctx->name = config_strdup(config_setting_name(group));
	ctx->line = (int)config_setting_source_line(group);
	ctx->protocol = TF_PROTOCOL_TLS_SERVER;
	if (!config_setting_is_group(group)) {
		config_err_type(ld, group, "expected a group");
		return;
	}
	config_check_keys(ld, group, context_keys);
	protocol_ok = config_protocol(ld, group, ctx);
	fixed = protocol_ok && tf_config_protocol_is_fixed(ctx->protocol);
	config_options(ld, group, ctx);
	config_version(ld, group, "minimum_version", fixed,
	    &ctx->minimum_version, &ctx->minimum_version_line);
	config_version(ld, group, "maximum_version", fixed,
	    &ctx->maximum_version, &ctx->maximum_version_line);
	ctx->ciphers.line = config_dup_string(ld, group, "ciphers",
	    &ctx->ciphers.value);
	ctx->ciphersuites.line = config_dup_string(ld, group, "ciphersuites",
	    &ctx->ciphersuites.value);
	ctx->ecdh_curve.line = config_dup_string(ld, group, "ecdh_curve",
	    &ctx->ecdh_curve.value);
	config_certs(ld, group, ctx);
	config_groups(ld, group, ctx);
	config_path_str(ld, group, "dh_params", true, &ctx->dh_params);
	config_verify(ld, group, ctx);
	config_alpn(ld, group, ctx);
	config_num_tickets(ld, group, ctx, protocol_ok);
	config_bool(ld, group, "post_handshake_auth",
	    &ctx->post_handshake_auth, &ctx->post_handshake_auth_line);
	config_path_str(ld, group, "keylog_filename", false,
	    &ctx->keylog_filename);
}

/* A group of named groups ("contexts", "backends"); *n: their number. */
static const config_setting_t *
config_section(struct config_load *ld, const config_setting_t *root,
    const char *name, size_t *n)
{
	const config_setting_t	*s;

	if ((s = config_setting_get_member(root, name)) == NULL)
		return NULL;
	if (!config_setting_is_group(s)) {
		config_err_type(ld, s, "expected a group");
		return NULL;
	}
	*n = (size_t)config_setting_length(s);
	return s;
}

static void
config_contexts(struct config_load *ld, const config_setting_t *root)
{
	struct tf_config	*conf = ld->conf;
	const config_setting_t	*s;
	size_t			 i;

	if ((s = config_section(ld, root, "contexts", &conf->ncontexts)) ==
	    NULL)
		return;
	conf->contexts = config_calloc(conf->ncontexts,
	    sizeof(*conf->contexts));
	for (i = 0; i < conf->ncontexts; i++)
		config_context(ld, config_setting_get_elem(s, (unsigned)i),
		    &conf->contexts[i]);
}

static void
config_servers(struct config_load *ld, const config_setting_t *group,
    struct tf_backend_conf *be)
{
	const config_setting_t	*list, *e;
	struct tf_config_where	 w;
	const char		*v;
	size_t			 i;

	if (config_setting_get_member(group, "servers") == NULL) {
		config_err(ld, group, "backend \"%s\": servers is required",
		    be->name);
		return;
	}
	if ((list = config_list(ld, group, "servers", false)) == NULL)
		return;
	be->nservers = (size_t)config_setting_length(list);
	if (be->nservers == 0)
		config_err_type(ld, list, "needs at least one server");
	be->servers = config_calloc(be->nservers, sizeof(*be->servers));
	be->server_names = config_calloc(be->nservers,
	    sizeof(*be->server_names));
	for (i = 0; i < be->nservers; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		if ((v = config_elem_string(ld, e)) == NULL)
			continue;
		be->server_names[i] = config_strdup(v);
		w = config_where(ld, e);
		tf_config_check_server(&w, v, &be->servers[i]);
	}
}

static void
config_backends(struct config_load *ld, const config_setting_t *root)
{
	struct tf_config	*conf = ld->conf;
	struct tf_backend_conf	*be;
	const config_setting_t	*s, *g;
	struct tf_config_where	 w;
	const char		*v;
	size_t			 i;

	if ((s = config_section(ld, root, "backends", &conf->nbackends)) ==
	    NULL)
		return;
	conf->backends = config_calloc(conf->nbackends,
	    sizeof(*conf->backends));
	for (i = 0; i < conf->nbackends; i++) {
		be = &conf->backends[i];
		g = config_setting_get_elem(s, (unsigned)i);
		be->name = config_strdup(config_setting_name(g));
		be->line = (int)config_setting_source_line(g);
		if (!config_setting_is_group(g)) {
			config_err_type(ld, g, "expected a group");
			continue;
		}
		config_check_keys(ld, g, backend_keys);
		config_servers(ld, g, be);
		if ((v = config_value(ld, g, "proxy_protocol", &w)) != NULL)
			tf_config_check_proxy_protocol(&w, v,
			    &be->proxy_protocol);
	}
}

static void
config_listener(struct config_load *ld, const config_setting_t *group,
    size_t idx)
{
	struct tf_config	*conf = ld->conf;
	struct tf_listener_conf	*l = &conf->listeners[idx];
	struct tf_config_where	 w;
	const char		*v;

	l->line = (int)config_setting_source_line(group);
	if (!config_setting_is_group(group)) {
		config_err_type(ld, group, "expected a group");
		return;
	}
	config_check_keys(ld, group, listener_keys);
	if ((v = config_required(ld, group, "listen", &w)) != NULL) {
		l->listen = config_strdup(v);
		tf_config_check_listen(&w, conf, idx, v);
	}
	if ((v = config_required(ld, group, "context", &w)) != NULL)
		tf_config_check_context(&w, conf, v, &l->context);
	if ((v = config_required(ld, group, "backend", &w)) != NULL)
		tf_config_check_backend(&w, conf, v, &l->backend);
}

static void
config_listeners(struct config_load *ld, const config_setting_t *root)
{
	struct tf_config	*conf = ld->conf;
	const config_setting_t	*s;
	size_t			 i;

	s = config_setting_get_member(root, "listeners");
	if (s == NULL) {
		tf_errs_add(ld->errs, ld->file, 0, "no listeners configured");
		return;
	}
	if ((s = config_list(ld, root, "listeners", true)) == NULL)
		return;
	conf->nlisteners = (size_t)config_setting_length(s);
	if (conf->nlisteners == 0)
		config_err(ld, s, "no listeners configured");
	conf->listeners = config_calloc(conf->nlisteners,
	    sizeof(*conf->listeners));
	for (i = 0; i < conf->nlisteners; i++)
		config_listener(ld, config_setting_get_elem(s, (unsigned)i),
		    i);
}

static struct tf_config *
config_new(const char *file)
{
	struct tf_config	*conf;

	conf = config_calloc(1, sizeof(*conf));
	conf->file = config_strdup(file);
	conf->workers = 0;
	conf->max_connections = TF_DEFAULT_MAX_CONNECTIONS;
	conf->timeout_handshake = TF_DEFAULT_TIMEOUT_HANDSHAKE;
	conf->timeout_connect = TF_DEFAULT_TIMEOUT_CONNECT;
	conf->timeout_idle = TF_DEFAULT_TIMEOUT_IDLE;
	conf->timeout_drain = TF_DEFAULT_TIMEOUT_DRAIN;
	conf->log_target = TF_LOG_TARGET_STDERR;
	conf->log_target_set = false;
	conf->log_level = TF_LOG_INFO;
	conf->log_access = TF_ACCESS_TEXT;
	return conf;
}

/* Walk the parsed tree: every section, every check. */
static void
config_walk(struct config_load *ld, const config_setting_t *root)
{
	config_check_keys(ld, root, root_keys);
	config_daemon(ld, root);
	config_contexts(ld, root);
	config_backends(ld, root);
	config_listeners(ld, root);
}

/*
 * Parse text as file, relative paths (and @include) against basedir,
 * into a checked tf_config; NULL if any error was added to errs.
 */
static struct tf_config *
config_load(const char *text, const char *file, const char *basedir,
    struct tf_errs *errs)
{
	struct config_load	 ld;
	config_t		 cfg;
	size_t			 nerrs;

	config_init(&cfg);
	config_set_include_dir(&cfg, basedir);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		tf_errs_add(errs, config_error_file(&cfg) != NULL ?
		    config_error_file(&cfg) : file, config_error_line(&cfg),
		    "%s", config_error_text(&cfg));
		config_destroy(&cfg);
		return NULL;
	}
	nerrs = tf_errs_count(errs);
	ld.conf = config_new(file);
	ld.errs = errs;
	ld.file = file;
	ld.basedir = basedir;
	ld.text = text;
	config_walk(&ld, config_root_setting(&cfg));
	config_destroy(&cfg);
	if (tf_errs_count(errs) > nerrs) {
		tf_config_free(ld.conf);
		return NULL;
	}
	return ld.conf;
}

struct tf_config *
tf_config_load_file(const char *path, struct tf_errs *errs)
{
	struct tf_config	*conf;
	char			*basedir, *text;

	if ((text = tf_config_check_read(path)) == NULL) {
		tf_errs_add(errs, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	basedir = tf_config_check_basedir(path);
	conf = config_load(text, path, basedir, errs);
	free(basedir);
	free(text);
	return conf;
}

struct tf_config *
tf_config_load_string(const char *text, const char *name,
    struct tf_errs *errs)
{
	struct tf_config	*conf;
	char			*basedir;

	basedir = tf_config_check_basedir(NULL);
	conf = config_load(text, name != NULL ? name : "<string>", basedir,
	    errs);
	free(basedir);
	return conf;
}

static void
config_free_context(struct tf_context_conf *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->ncerts; i++) {
		free(ctx->certs[i].certfile);
		free(ctx->certs[i].keyfile);
		free(ctx->certs[i].password);
		free(ctx->certs[i].password_file);
	}
	free(ctx->certs);
	free(ctx->name);
	free(ctx->ciphers.value);
	free(ctx->ciphersuites.value);
	free(ctx->ecdh_curve.value);
	for (i = 0; i < ctx->ngroups; i++)
		free(ctx->groups[i].value);
	free(ctx->groups);
	for (i = 0; i < ctx->nalpn_protocols; i++)
		free(ctx->alpn_protocols[i].value);
	free(ctx->alpn_protocols);
	free(ctx->dh_params.value);
	free(ctx->cafile.value);
	free(ctx->capath.value);
	free(ctx->cadata.value);
	free(ctx->keylog_filename.value);
}

void
tf_config_free(struct tf_config *conf)
{
	size_t	i, j;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->ncontexts; i++)
		config_free_context(&conf->contexts[i]);
	free(conf->contexts);
	for (i = 0; i < conf->nlisteners; i++)
		free(conf->listeners[i].listen);
	free(conf->listeners);
	for (i = 0; i < conf->nbackends; i++) {
		for (j = 0; j < conf->backends[i].nservers; j++)
			free(conf->backends[i].server_names[j]);
		free(conf->backends[i].server_names);
		free(conf->backends[i].servers);
		free(conf->backends[i].name);
	}
	free(conf->backends);
	free(conf->user);
	free(conf->group);
	free(conf->file);
	free(conf);
}
