/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the configuration file read with libconfig into struct
 * tf_config, with every problem reported as "file:line: message": the
 * daemon, listeners and backends sections, loading and freeing.
 * With config_context.c (the contexts section), the only files that
 * include <libconfig.h>; config_int.h holds what they share.
 */
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
#include "config_int.h"

#define CONFIG_MAX_WORKERS	256
#define CONFIG_MAX_TIMEOUT	31536000.0	/* a year, in seconds */

static const char *const root_keys[] = {
	"daemon", "contexts", "listeners", "backends", NULL
};
static const char *const daemon_keys[] = {
	"workers", "user", "group", "max_connections", "timeouts", "log",
	"allow_world_readable_keys", "limits", "watch_files", "admin", NULL
};
static const char *const limits_keys[] = {
	"client_hello", "handshakes", "per_address_connections",
	"per_address_rate", NULL
};
static const char *const timeout_keys[] = {
	"handshake", "connect", "idle", "drain", "retire", NULL
};
static const char *const log_keys[] = {
	"target", "level", "access", "rate_limit", NULL
};
static const char *const listener_keys[] = {
	"listen", "context", "backend", "routes", "accept_proxy",
	"accept_proxy_from", NULL
};
static const char *const backend_keys[] = {
	"servers", "proxy_protocol", "proxy_protocol_tlvs", "balance",
	"retry_after", "health_check", "tls", "server_hostname", NULL
};

void *
tf_config_calloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size)) == NULL)
		tf_fatal("calloc");
	return p;
}

char *
tf_config_strdup(const char *s)
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
int
tf_config_line(struct config_load *ld, const config_setting_t *s)
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
struct tf_config_where
tf_config_where_of(struct config_load *ld, const config_setting_t *s)
{
	struct tf_config_where	w;

	w.errs = ld->errs;
	w.file = config_setting_source_file(s) != NULL ?
	    config_setting_source_file(s) : ld->file;
	w.line = tf_config_line(ld, s);
	return w;
}

/* Report a problem at the line of setting s. */
void
tf_config_err(struct config_load *ld, const config_setting_t *s,
    const char *fmt, ...)
{
	struct tf_config_where	 w;
	char			*msg;
	va_list			 ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		tf_fatal("vasprintf");
	va_end(ap);
	w = tf_config_where_of(ld, s);
	tf_errs_add(w.errs, w.file, w.line, "%s", msg);
	free(msg);
}

/* Report "path: text" at the line of s. */
void
tf_config_err_type(struct config_load *ld, const config_setting_t *s,
    const char *text)
{
	char	path[256];

	config_path(s, path, sizeof(path));
	tf_config_err(ld, s, "%s: %s", path, text);
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
void
tf_config_keys(struct config_load *ld, const config_setting_t *group,
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
			tf_config_err(ld, m, "unknown key \"%s\" at top level",
			    config_setting_name(m));
		else
			tf_config_err(ld, m, "unknown key \"%s\" in %s",
			    config_setting_name(m), path);
	}
}

/* A member that must be a group; NULL if absent or not a group. */
const config_setting_t *
tf_config_group(struct config_load *ld, const config_setting_t *parent,
    const char *name, const char *const *keys)
{
	const config_setting_t	*s;

	if ((s = config_setting_get_member(parent, name)) == NULL)
		return NULL;
	if (!config_setting_is_group(s)) {
		tf_config_err_type(ld, s, "expected a group");
		return NULL;
	}
	tf_config_keys(ld, s, keys);
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
		tf_config_err_type(ld, s, "expected a string");
		return NULL;
	}
	*value = config_setting_get_string(s);
	if (**value == '\0') {
		tf_config_err_type(ld, s, "must not be empty");
		return NULL;
	}
	return s;
}

/* Copy an optional string member into *out; returns its line (or 0). */
int
tf_config_dup_string(struct config_load *ld, const config_setting_t *parent,
    const char *name, char **out)
{
	const config_setting_t	*s;
	const char		*v;

	if ((s = config_string(ld, parent, name, &v)) == NULL)
		return 0;
	*out = tf_config_strdup(v);
	return (int)config_setting_source_line(s);
}

/* A string member and where it is; NULL if absent or wrong (reported). */
const char *
tf_config_value(struct config_load *ld, const config_setting_t *group,
    const char *name, struct tf_config_where *w)
{
	const config_setting_t	*s;
	const char		*v;

	if ((s = config_string(ld, group, name, &v)) == NULL)
		return NULL;
	*w = tf_config_where_of(ld, s);
	return v;
}

/* A string member that must be there; NULL if absent or wrong. */
const char *
tf_config_required(struct config_load *ld, const config_setting_t *group,
    const char *name, struct tf_config_where *w)
{
	char	path[256];

	if (config_setting_get_member(group, name) == NULL) {
		config_path(group, path, sizeof(path));
		tf_config_err(ld, group, "%s: %s is required", path, name);
		return NULL;
	}
	return tf_config_value(ld, group, name, w);
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
		tf_config_err_type(ld, s, "expected an integer");
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
		tf_config_err_type(ld, s, msg);
		return;
	}
	*out = (int)v;
}

/* A number of seconds: an integer or a float, from 1 ms to a year. */
#define CONFIG_MIN_TIMEOUT	0.001

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
		tf_config_err_type(ld, s, "expected a number of seconds");
		return;
	}
	if (!isfinite(v) || v <= 0 || v > CONFIG_MAX_TIMEOUT) {
		tf_config_err_type(ld, s, "must be greater than 0 and at most "
		    "31536000");
		return;
	}
	/* Below the timers' resolution every connection would time out. */
	if (v < CONFIG_MIN_TIMEOUT) {
		tf_config_err_type(ld, s, "must be at least 0.001 (1 ms, the "
		    "resolution of the timers)");
		return;
	}
	*out = v;
}

void
tf_config_seconds(struct config_load *ld, const config_setting_t *parent,
    const char *name, double *out)
{
	config_seconds(ld, parent, name, out);
}

void
tf_config_int(struct config_load *ld, const config_setting_t *parent,
    const char *name, long long min, long long max, int *out)
{
	config_int(ld, parent, name, min, max, out);
}

/* A member that must be an array or list; NULL if absent or wrong. */
const config_setting_t *
tf_config_list(struct config_load *ld, const config_setting_t *parent,
    const char *name, bool groups)
{
	const config_setting_t	*s;

	if ((s = config_setting_get_member(parent, name)) == NULL)
		return NULL;
	if (groups ? !config_setting_is_list(s) :
	    !config_setting_is_array(s) && !config_setting_is_list(s)) {
		tf_config_err_type(ld, s, groups ? "expected a list of groups" :
		    "expected a list of strings");
		return NULL;
	}
	return s;
}

/* The string value of a list element; NULL if it is not a string. */
const char *
tf_config_elem_string(struct config_load *ld, const config_setting_t *e)
{
	if (config_setting_type(e) != CONFIG_TYPE_STRING) {
		tf_config_err_type(ld, e, "expected a string");
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

	if ((v = tf_config_value(ld, log, "target", &w)) != NULL) {
		tf_config_check_log_target(&w, v, &conf->log_target);
		conf->log_target_set = true;
	}
	if ((v = tf_config_value(ld, log, "level", &w)) != NULL)
		tf_config_check_log_level(&w, v, &conf->log_level);
	if ((v = tf_config_value(ld, log, "access", &w)) != NULL)
		tf_config_check_log_access(&w, v, &conf->log_access);
	config_int(ld, log, "rate_limit", 0, 1000000, &conf->log_rate_limit);
}

static void
config_daemon(struct config_load *ld, const config_setting_t *root)
{
	struct tf_config	*conf = ld->conf;
	const config_setting_t	*daemon, *s;
	int			 line;

	if ((daemon = tf_config_group(ld, root, "daemon", daemon_keys)) == NULL)
		return;
	config_int(ld, daemon, "workers", 0, CONFIG_MAX_WORKERS,
	    &conf->workers);
	tf_config_dup_string(ld, daemon, "user", &conf->user);
	tf_config_dup_string(ld, daemon, "group", &conf->group);
	config_int(ld, daemon, "max_connections", 1, INT_MAX,
	    &conf->max_connections);
	tf_config_bool(ld, daemon, "allow_world_readable_keys",
	    &conf->allow_world_readable_keys, &line);
	tf_config_bool(ld, daemon, "watch_files", &conf->watch_files, &line);
	if ((s = tf_config_group(ld, daemon, "timeouts", timeout_keys)) !=
	    NULL) {
		config_seconds(ld, s, "handshake", &conf->timeout_handshake);
		config_seconds(ld, s, "connect", &conf->timeout_connect);
		config_seconds(ld, s, "idle", &conf->timeout_idle);
		config_seconds(ld, s, "drain", &conf->timeout_drain);
		config_seconds(ld, s, "retire", &conf->timeout_retire);
	}
	if ((s = tf_config_group(ld, daemon, "log", log_keys)) != NULL)
		config_log(ld, s);
	if ((s = tf_config_group(ld, daemon, "limits", limits_keys)) != NULL) {
		config_int(ld, s, "client_hello", TF_MIN_CLIENT_HELLO,
		    TF_MAX_CLIENT_HELLO, &conf->limit_client_hello);
		config_int(ld, s, "handshakes", 0, INT_MAX,
		    &conf->limit_handshakes);
		config_int(ld, s, "per_address_connections", 0, INT_MAX,
		    &conf->limit_address_conns);
		config_int(ld, s, "per_address_rate", 0, INT_MAX,
		    &conf->limit_address_rate);
	}
	tf_config_admin(ld, daemon);
}

void
tf_config_bool(struct config_load *ld, const config_setting_t *group,
    const char *name, bool *out, int *line)
{
	const config_setting_t	*s;

	if ((s = config_setting_get_member(group, name)) == NULL)
		return;
	*line = (int)config_setting_source_line(s);
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		tf_config_err_type(ld, s, "expected true or false");
		return;
	}
	*out = config_setting_get_bool(s) != 0;
}

/* A group of named groups ("contexts", "backends"); *n: their number. */
const config_setting_t *
tf_config_section(struct config_load *ld, const config_setting_t *root,
    const char *name, size_t *n)
{
	const config_setting_t	*s;

	if ((s = config_setting_get_member(root, name)) == NULL)
		return NULL;
	if (!config_setting_is_group(s)) {
		tf_config_err_type(ld, s, "expected a group");
		return NULL;
	}
	*n = (size_t)config_setting_length(s);
	return s;
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
		tf_config_err(ld, group, "backend \"%s\": servers is required",
		    be->name);
		return;
	}
	if ((list = tf_config_list(ld, group, "servers", false)) == NULL)
		return;
	be->nservers = (size_t)config_setting_length(list);
	if (be->nservers == 0)
		tf_config_err_type(ld, list, "needs at least one server");
	be->servers = tf_config_calloc(be->nservers, sizeof(*be->servers));
	be->server_names = tf_config_calloc(be->nservers,
	    sizeof(*be->server_names));
	for (i = 0; i < be->nservers; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		if ((v = tf_config_server_elem(ld, e, be, i)) == NULL)
			continue;
		be->server_names[i] = tf_config_strdup(v);
		w = tf_config_where_of(ld, e);
		tf_config_check_server(&w, v, &be->servers[i]);
	}
}

static void
config_backends(struct config_load *ld, const config_setting_t *root)
{
	struct tf_config	*conf = ld->conf;
	struct tf_backend_conf	*be;
	const config_setting_t	*s, *g;
	size_t			 i;

	if ((s = tf_config_section(ld, root, "backends", &conf->nbackends)) ==
	    NULL)
		return;
	conf->backends = tf_config_calloc(conf->nbackends,
	    sizeof(*conf->backends));
	for (i = 0; i < conf->nbackends; i++) {
		be = &conf->backends[i];
		g = config_setting_get_elem(s, (unsigned)i);
		be->name = tf_config_strdup(config_setting_name(g));
		be->line = (int)config_setting_source_line(g);
		if (!config_setting_is_group(g)) {
			tf_config_err_type(ld, g, "expected a group");
			continue;
		}
		tf_config_keys(ld, g, backend_keys);
		config_servers(ld, g, be);
		tf_config_backend_proxy(ld, g, be);
		tf_config_backend_failover(ld, g, be);
		tf_config_backend_tls(ld, g, be);
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
		tf_config_err_type(ld, group, "expected a group");
		return;
	}
	tf_config_keys(ld, group, listener_keys);
	if ((v = tf_config_required(ld, group, "listen", &w)) != NULL) {
		l->listen = tf_config_strdup(v);
		tf_config_check_listen(&w, conf, idx, v);
	}
	if ((v = tf_config_required(ld, group, "context", &w)) != NULL)
		tf_config_check_context(&w, conf, v, &l->context);
	if ((v = tf_config_required(ld, group, "backend", &w)) != NULL)
		tf_config_check_backend(&w, conf, v, &l->backend);
	tf_config_routes(ld, group, l);
	tf_config_listener_proxy(ld, group, l);
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
	if ((s = tf_config_list(ld, root, "listeners", true)) == NULL)
		return;
	conf->nlisteners = (size_t)config_setting_length(s);
	if (conf->nlisteners == 0)
		tf_config_err(ld, s, "no listeners configured");
	conf->listeners = tf_config_calloc(conf->nlisteners,
	    sizeof(*conf->listeners));
	for (i = 0; i < conf->nlisteners; i++)
		config_listener(ld, config_setting_get_elem(s, (unsigned)i),
		    i);
}

static struct tf_config *
config_new(const char *file)
{
	struct tf_config	*conf;

	conf = tf_config_calloc(1, sizeof(*conf));
	conf->file = tf_config_strdup(file);
	conf->workers = 0;
	conf->max_connections = TF_DEFAULT_MAX_CONNECTIONS;
	conf->watch_files = true;
	conf->timeout_handshake = TF_DEFAULT_TIMEOUT_HANDSHAKE;
	conf->timeout_connect = TF_DEFAULT_TIMEOUT_CONNECT;
	conf->timeout_idle = TF_DEFAULT_TIMEOUT_IDLE;
	conf->timeout_drain = TF_DEFAULT_TIMEOUT_DRAIN;
	conf->log_target = TF_LOG_TARGET_STDERR;
	conf->log_target_set = false;
	conf->log_level = TF_LOG_INFO;
	conf->log_access = TF_ACCESS_TEXT;
	conf->log_rate_limit = TF_DEFAULT_LOG_RATE_LIMIT;
	conf->limit_client_hello = TF_DEFAULT_CLIENT_HELLO;
	conf->limit_handshakes = TF_DEFAULT_HANDSHAKES;
	return conf;
}

/* Walk the parsed tree: every section, every check. */
static void
config_walk(struct config_load *ld, const config_setting_t *root)
{
	tf_config_keys(ld, root, root_keys);
	config_daemon(ld, root);
	tf_config_contexts(ld, root);
	config_backends(ld, root);
	config_listeners(ld, root);
	tf_config_backend_tls_check(ld);
	tf_config_admin_check(ld, root);
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

	if (tf_config_check_includes(text, file, basedir, errs) == -1)
		return NULL;
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
	size_t			 len;

	if ((text = tf_config_check_read(path, &len)) == NULL) {
		tf_errs_add(errs, path, 0, "cannot open: %s", errno == EINVAL ?
		    "not a regular file" : strerror(errno));
		return NULL;
	}
	if (tf_config_check_nul(text, len, path, errs) == -1) {
		free(text);
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

void
tf_config_free(struct tf_config *conf)
{
	size_t	i, j;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->ncontexts; i++)
		tf_config_context_free(&conf->contexts[i]);
	free(conf->contexts);
	for (i = 0; i < conf->nlisteners; i++) {
		free(conf->listeners[i].listen);
		tf_config_routes_free(&conf->listeners[i]);
		free(conf->listeners[i].accept_proxy_from);
	}
	free(conf->listeners);
	for (i = 0; i < conf->nbackends; i++) {
		for (j = 0; j < conf->backends[i].nservers; j++)
			free(conf->backends[i].server_names[j]);
		free(conf->backends[i].server_names);
		tf_config_backend_failover_free(&conf->backends[i]);
		free(conf->backends[i].servers);
		tf_config_backend_tls_free(&conf->backends[i]);
		free(conf->backends[i].name);
	}
	free(conf->backends);
	free(conf->user);
	free(conf->group);
	tf_config_admin_free(conf);
	free(conf->file);
	free(conf);
}
