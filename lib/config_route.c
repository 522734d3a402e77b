/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a listener's routes (listeners[].routes): which server names
 * and ALPN protocols go to which context and backend, checked so that a
 * name can only be routed one way.
 */
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "config.h"
#include "config_check.h"
#include "config_int.h"
#include "names.h"

static const char *const route_keys[] = {
	"names", "alpn", "context", "backend", "passthrough", NULL
};

/* The names seen so far for one alpn value (NULL: routes without alpn). */
struct route_seen {
	const char	*alpn;
	struct tf_names	*names;
};

/* Index of a context or backend called name; false if there is none. */
static bool
route_lookup(const char *name, bool context, const struct tf_config *conf,
    size_t *out)
{
	size_t	i, n = context ? conf->ncontexts : conf->nbackends;

	for (i = 0; i < n; i++) {
		if (strcmp(context ? conf->contexts[i].name :
		    conf->backends[i].name, name) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

/* context = "..." / backend = "..." of route r. */
static void
route_target(struct config_load *ld, const config_setting_t *group,
    bool context, struct tf_route_conf *r)
{
	struct tf_config_where	 w;
	const char		*v;

	if ((v = tf_config_value(ld, group, context ? "context" : "backend",
	    &w)) == NULL)
		return;
	if (!route_lookup(v, context, ld->conf,
	    context ? &r->context : &r->backend)) {
		tf_errs_add(ld->errs, w.file, w.line, "route names unknown "
		    "%s \"%s\"", context ? "context" : "backend", v);
		return;
	}
	if (context)
		r->has_context = true;
	else
		r->has_backend = true;
}

/* names = [ ... ]: each a DNS name or a "*." pattern. */
static void
route_names(struct config_load *ld, const config_setting_t *group,
    struct tf_route_conf *r)
{
	const config_setting_t	*list, *e;
	struct tf_config_where	 w;
	const char		*v, *why;
	size_t			 i;

	if ((list = tf_config_list(ld, group, "names", false)) == NULL)
		return;
	r->nnames = (size_t)config_setting_length(list);
	if (r->nnames == 0)
		tf_config_err_type(ld, list, "needs at least one name");
	r->names = tf_config_calloc(r->nnames, sizeof(*r->names));
	for (i = 0; i < r->nnames; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		if ((v = tf_config_elem_string(ld, e)) == NULL)
			continue;
		w = tf_config_where_of(ld, e);
		if (!tf_names_valid(v, &why)) {
			tf_errs_add(ld->errs, w.file, w.line, "route name "
			    "\"%s\": %s", v, why);
			continue;
		}
		r->names[i].value = tf_config_strdup(v);
		r->names[i].line = w.line;
	}
}

static void
route_read(struct config_load *ld, const config_setting_t *group,
    struct tf_route_conf *r)
{
	struct tf_config_where	 w;
	const char		*v;
	int			 line = 0;

	r->line = (int)config_setting_source_line(group);
	if (!config_setting_is_group(group)) {
		tf_config_err_type(ld, group, "expected a group");
		return;
	}
	tf_config_keys(ld, group, route_keys);
	route_names(ld, group, r);
	if ((v = tf_config_value(ld, group, "alpn", &w)) != NULL &&
	    tf_config_check_alpn(&w, v) == 0) {
		r->alpn.value = tf_config_strdup(v);
		r->alpn.line = w.line;
	}
	route_target(ld, group, true, r);
	route_target(ld, group, false, r);
	tf_config_bool(ld, group, "passthrough", &r->passthrough, &line);
	if (r->passthrough && (config_setting_get_member(group, "context") !=
	    NULL || config_setting_get_member(group, "backend") == NULL))
		tf_config_err(ld, group, "a passthrough route needs a backend "
		    "and no context: its TLS is not terminated here");
	if (config_setting_get_member(group, "names") == NULL &&
	    config_setting_get_member(group, "alpn") == NULL)
		tf_config_err(ld, group, "a route needs names, alpn or both");
	if (config_setting_get_member(group, "context") == NULL &&
	    config_setting_get_member(group, "backend") == NULL)
		tf_config_err(ld, group, "a route needs a context, a backend "
		    "or both");
	if (r->alpn.value != NULL &&
	    config_setting_get_member(group, "context") != NULL)
		tf_config_err(ld, group, "a route with alpn cannot set a "
		    "context: the context is chosen before ALPN is "
		    "negotiated (give such a route a backend only)");
}

/* The names table of routes with this alpn, made on first use. */
static struct tf_names *
route_seen_for(struct route_seen *seen, size_t *nseen, const char *alpn)
{
	size_t	i;

	for (i = 0; i < *nseen; i++) {
		if ((seen[i].alpn == NULL) != (alpn == NULL))
			continue;
		if (alpn == NULL || strcmp(seen[i].alpn, alpn) == 0)
			return seen[i].names;
	}
	seen[*nseen].alpn = alpn;
	seen[*nseen].names = tf_names_new();
	return seen[(*nseen)++].names;
}

/* Whether an earlier route than i routes i's alpn for any name. */
static bool
route_alpn_routed(const struct tf_listener_conf *l, size_t i, size_t *first)
{
	const char	*alpn = l->routes[i].alpn.value;
	size_t		 j;

	for (j = 0; alpn != NULL && j < i; j++) {
		if (l->routes[j].nnames == 0 && l->routes[j].alpn.value !=
		    NULL && strcmp(l->routes[j].alpn.value, alpn) == 0) {
			*first = j;
			return true;
		}
	}
	return false;
}

/*
 * A name routed twice (for the same alpn, or both without) is an error
 * at the second one: which route would win is not obvious to a reader.
 * So is a second route with the same alpn and no names.
 */
static void
route_duplicates(struct config_load *ld, const struct tf_listener_conf *l)
{
	struct route_seen	*seen;
	struct tf_names		*names;
	const struct tf_route_conf *r;
	size_t			 nseen = 0, i, j, first;

	seen = tf_config_calloc(l->nroutes + 1, sizeof(*seen));
	for (i = 0; i < l->nroutes; i++) {
		r = &l->routes[i];
		names = route_seen_for(seen, &nseen, r->alpn.value);
		if (r->nnames == 0 && route_alpn_routed(l, i, &first))
			tf_errs_add(ld->errs, ld->file, r->line, "alpn \"%s\" "
			    "is already routed by the route at line %d",
			    r->alpn.value, l->routes[first].line);
		for (j = 0; j < r->nnames; j++) {
			if (r->names[j].value == NULL ||
			    tf_names_add(names, r->names[j].value, i,
			    &first) != 1)
				continue;
			tf_errs_add(ld->errs, ld->file, r->names[j].line,
			    "name \"%s\" is already routed by the route at "
			    "line %d", r->names[j].value,
			    l->routes[first].line);
		}
	}
	for (i = 0; i < nseen; i++)
		tf_names_free(seen[i].names);
	free(seen);
}

void
tf_config_routes(struct config_load *ld, const config_setting_t *group,
    struct tf_listener_conf *l)
{
	const config_setting_t	*list;
	size_t			 i;

	if ((list = tf_config_list(ld, group, "routes", true)) == NULL)
		return;
	l->nroutes = (size_t)config_setting_length(list);
	l->routes = tf_config_calloc(l->nroutes, sizeof(*l->routes));
	for (i = 0; i < l->nroutes; i++)
		route_read(ld, config_setting_get_elem(list, (unsigned)i),
		    &l->routes[i]);
	route_duplicates(ld, l);
}

void
tf_config_routes_free(struct tf_listener_conf *l)
{
	size_t	i, j;

	for (i = 0; i < l->nroutes; i++) {
		for (j = 0; j < l->routes[i].nnames; j++)
			free(l->routes[i].names[j].value);
		free(l->routes[i].names);
		free(l->routes[i].alpn.value);
	}
	free(l->routes);
}
