/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: what the libconfig users of the config module (config.c and
 * config_context.c) share: the state of one load and the typed getters,
 * which report every problem at the line of its setting. Private to those
 * two files, the only ones that include <libconfig.h>.
 */
#ifndef TF_CONFIG_INT_H
#define TF_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <libconfig.h>

#include "config.h"
#include "config_check.h"
#include "errs.h"

/* The state of one load: where errors go and how to name the file. */
struct config_load {
	struct tf_config	*conf;
	struct tf_errs		*errs;
	const char		*file;		/* for messages */
	const char		*basedir;	/* for relative paths */
	const char		*text;		/* the source */
};

/* calloc and strdup that treat running out of memory as fatal. */
void		*tf_config_calloc(size_t n, size_t size);
char		*tf_config_strdup(const char *s);

/*
 * The line of s. For the strings of a list that libconfig may place on the
 * line of the token after them, look for the string itself in the source.
 */
int		 tf_config_line(struct config_load *,
		    const config_setting_t *s);
/* Where s came from, for the config_check.c helpers. */
struct tf_config_where tf_config_where_of(struct config_load *,
		    const config_setting_t *s);
/* Report a problem at the line of setting s. */
void		 tf_config_err(struct config_load *, const config_setting_t *s,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Report "path: text" at the line of s. */
void		 tf_config_err_type(struct config_load *,
		    const config_setting_t *s, const char *text);
/* Report every member of group whose name is not in keys. */
void		 tf_config_keys(struct config_load *,
		    const config_setting_t *group, const char *const *keys);

/*
 * The typed getters of a member called name. Each reports a member of the
 * wrong type (or an empty string) and then acts as if it were absent.
 */
/* A group, its keys checked; NULL if absent or not a group. */
const config_setting_t *tf_config_group(struct config_load *,
		    const config_setting_t *parent, const char *name,
		    const char *const *keys);
/* Copy an optional string into *out; returns its line (or 0). */
int		 tf_config_dup_string(struct config_load *,
		    const config_setting_t *parent, const char *name,
		    char **out);
/* A string and where it is; NULL if absent or wrong. */
const char	*tf_config_value(struct config_load *,
		    const config_setting_t *group, const char *name,
		    struct tf_config_where *w);
/* A string that must be there; NULL if absent or wrong. */
const char	*tf_config_required(struct config_load *,
		    const config_setting_t *group, const char *name,
		    struct tf_config_where *w);
/* An array or list (a list of groups if groups); NULL if absent or wrong. */
const config_setting_t *tf_config_list(struct config_load *,
		    const config_setting_t *parent, const char *name,
		    bool groups);
/* The string value of a list element; NULL if it is not a string. */
const char	*tf_config_elem_string(struct config_load *,
		    const config_setting_t *e);
/* true or false into *out, the member's line into *line. */
void		 tf_config_bool(struct config_load *,
		    const config_setting_t *group, const char *name, bool *out,
		    int *line);
/* A number of seconds (an int or a float, 1 ms to a year) into *out. */
void		 tf_config_seconds(struct config_load *,
		    const config_setting_t *parent, const char *name,
		    double *out);
/* An integer from min to max into *out. */
void		 tf_config_int(struct config_load *,
		    const config_setting_t *parent, const char *name,
		    long long min, long long max, int *out);
/* A group of named groups ("contexts", "backends"); *n: their number. */
const config_setting_t *tf_config_section(struct config_load *,
		    const config_setting_t *root, const char *name, size_t *n);

/*
 * The contexts section into ld->conf->contexts, and the freeing of one
 * context (config_context.c).
 */
void		 tf_config_contexts(struct config_load *,
		    const config_setting_t *root);
void		 tf_config_context_free(struct tf_context_conf *);

/*
 * The PROXY protocol keys (config_proxy.c): a backend's proxy_protocol and
 * proxy_protocol_tlvs, a listener's accept_proxy and accept_proxy_from.
 */
void		 tf_config_backend_proxy(struct config_load *,
		    const config_setting_t *group, struct tf_backend_conf *);
void		 tf_config_listener_proxy(struct config_load *,
		    const config_setting_t *group, struct tf_listener_conf *);

/*
 * What a backend does when servers fail (config_backend.c): balance,
 * retry_after, health_check; and the freeing of what it allocated.
 */
void		 tf_config_backend_failover(struct config_load *,
		    const config_setting_t *group, struct tf_backend_conf *);
void		 tf_config_backend_failover_free(struct tf_backend_conf *);

/*
 * The routes list of a listener group into l (config_route.c); the
 * contexts and backends must have been read.
 */
void		 tf_config_routes(struct config_load *,
		    const config_setting_t *group, struct tf_listener_conf *l);
void		 tf_config_routes_free(struct tf_listener_conf *l);

/*
 * TLS to backends (config_backend_tls.c): a context's check_hostname and
 * its client/server-only keys (after the rest of the context is read);
 * element i of a backend's servers (a string or a group { address;
 * server_hostname; }), returning the address; a backend's tls and
 * server_hostname (after its servers); the checks that need every
 * section; and the freeing of what a backend holds for TLS.
 */
void		 tf_config_context_client(struct config_load *,
		    const config_setting_t *group, struct tf_context_conf *);
const char	*tf_config_server_elem(struct config_load *,
		    const config_setting_t *e, struct tf_backend_conf *,
		    size_t i);
void		 tf_config_backend_tls(struct config_load *,
		    const config_setting_t *group, struct tf_backend_conf *);
void		 tf_config_backend_tls_check(struct config_load *);
void		 tf_config_backend_tls_free(struct tf_backend_conf *);

/*
 * The admin endpoint (config_admin.c): the daemon group's admin group
 * into ld->conf->admin_*; the check, once the listeners are read, that
 * it does not take a listener's address; the freeing of its strings.
 */
void		 tf_config_admin(struct config_load *,
		    const config_setting_t *daemon);
void		 tf_config_admin_check(struct config_load *,
		    const config_setting_t *root);
void		 tf_config_admin_free(struct tf_config *);

#endif
