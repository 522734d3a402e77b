/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the configuration of TLS to backends: a backend's tls (a
 * client context, PROTOCOL_TLS_CLIENT) and server_hostname, a server
 * written as a group { address; server_hostname; }, a context's
 * check_hostname, and the checks that keep client and server contexts
 * apart (each refused where the other is expected, at its line).
 */
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "config.h"
#include "config_check.h"
#include "config_int.h"

static const char *const server_keys[] = {
	"address", "server_hostname", NULL
};

/*
 * Keys of a server context that mean nothing for a client: refused in a
 * client context as an unknown key would be. (num_tickets has Python's
 * own refusal, "SSLContext is not a server context.")
 */
static const char *const server_only_keys[] = {
	"sni_strict", "session_ticket_keys", NULL
};

/*
 * A context's check_hostname and the client/server-only keys. Python
 * applies check_hostname before verify_mode here (the one order in
 * which "check_hostname = false; verify_mode = CERT_NONE" is accepted):
 * then CERT_NONE with check_hostname on is its ValueError.
 */
void
tf_config_context_client(struct config_load *ld,
    const config_setting_t *group, struct tf_context_conf *ctx)
{
	const config_setting_t	*s;
	size_t			 i;
	bool			 client;

	client = tf_config_protocol_is_client(ctx->protocol);
	s = config_setting_get_member(group, "check_hostname");
	ctx->check_hostname = client;
	tf_config_bool(ld, group, "check_hostname", &ctx->check_hostname,
	    &ctx->check_hostname_line);
	if (!client) {
		ctx->check_hostname = false;
		if (s != NULL)
			tf_config_err(ld, s, "check_hostname is a setting of a "
			    "client context (protocol = "
			    "\"PROTOCOL_TLS_CLIENT\", for backends.NAME.tls); "
			    "context \"%s\" is a server context", ctx->name);
		return;
	}
	for (i = 0; server_only_keys[i] != NULL; i++) {
		if ((s = config_setting_get_member(group,
		    server_only_keys[i])) != NULL)
			tf_config_err(ld, s, "%s is a setting of a server "
			    "context; context \"%s\" is a client context "
			    "(PROTOCOL_TLS_CLIENT)", server_only_keys[i],
			    ctx->name);
	}
	if (ctx->check_hostname && ctx->verify_mode_line > 0 &&
	    ctx->verify_mode == TF_CERT_NONE) {
		s = config_setting_get_member(group, "verify_mode");
		tf_config_err(ld, s, "Cannot set verify_mode to CERT_NONE when "
		    "check_hostname is enabled. (set check_hostname = false "
		    "too)");
	}
	if (ctx->verify_mode_line == 0)
		ctx->verify_mode = TF_CERT_REQUIRED;
	if (ctx->ncerts > 1) {
		s = config_setting_get_member(group, "cert_chain");
		tf_config_err(ld, s, "a client context sends one certificate: "
		    "cert_chain takes one entry here");
	}
}

/*
 * The host part of a server address as written ("name:443" -> "name",
 * "[::1]:443" -> "::1"); NULL for a unix socket. An allocated string.
 */
static char *
config_address_host(const char *text)
{
	const char	*end;

	if (strncmp(text, "unix:", 5) == 0)
		return NULL;
	if (text[0] == '[') {
		if ((end = strchr(text, ']')) == NULL)
			return NULL;
		return strndup(text + 1, (size_t)(end - text - 1));
	}
	if ((end = strrchr(text, ':')) == NULL)
		return NULL;
	return strndup(text, (size_t)(end - text));
}

/*
 * A server_hostname value: Python's wrap_socket refuses one that starts
 * with a dot (empty ones are refused as every empty string is). Returns
 * a copy, or NULL (reported).
 */
static char *
config_server_hostname(const struct tf_config_where *w, const char *v)
{
	if (v[0] == '.') {
		tf_errs_add(w->errs, w->file, w->line,
		    "server_hostname \"%s\": server_hostname cannot be an "
		    "empty string or start with a leading dot.", v);
		return NULL;
	}
	return tf_config_strdup(v);
}

/*
 * Element i of servers: a string "host:port", or a group { address;
 * server_hostname; }. Returns the address, NULL if wrong (reported).
 */
const char *
tf_config_server_elem(struct config_load *ld, const config_setting_t *e,
    struct tf_backend_conf *be, size_t i)
{
	struct tf_config_where	 w;
	const char		*v;

	if (be->tls_names == NULL)
		be->tls_names = tf_config_calloc(be->nservers,
		    sizeof(*be->tls_names));
	if (!config_setting_is_group(e))
		return tf_config_elem_string(ld, e);
	tf_config_keys(ld, e, server_keys);
	if ((v = tf_config_value(ld, e, "server_hostname", &w)) != NULL)
		be->tls_names[i] = config_server_hostname(&w, v);
	return tf_config_required(ld, e, "address", &w);
}

/* backends.NAME.tls and server_hostname, after servers. */
void
tf_config_backend_tls(struct config_load *ld, const config_setting_t *group,
    struct tf_backend_conf *be)
{
	const struct tf_context_conf	*cc;
	struct tf_config_where		 w;
	const char			*v;
	size_t				 i;

	if ((v = tf_config_value(ld, group, "server_hostname", &w)) != NULL)
		be->server_hostname = config_server_hostname(&w, v);
	if ((v = tf_config_value(ld, group, "tls", &w)) == NULL)
		return;
	be->tls_line = w.line;
	if (tf_config_check_context(&w, ld->conf, v, &be->tls) == -1)
		return;
	cc = &ld->conf->contexts[be->tls];
	if (!tf_config_protocol_is_client(cc->protocol)) {
		tf_errs_add(w.errs, w.file, w.line, "backend \"%s\": tls names "
		    "context \"%s\", a server context (line %d): a backend's "
		    "context needs protocol = \"PROTOCOL_TLS_CLIENT\"",
		    be->name, v, cc->line);
		return;
	}
	be->has_tls = true;
	if (be->tls_names == NULL)
		return;
	/* Each server's name: its own, the backend's, or its host. */
	for (i = 0; i < be->nservers; i++) {
		if (be->tls_names[i] == NULL && be->server_hostname != NULL)
			be->tls_names[i] = tf_config_strdup(
			    be->server_hostname);
		if (be->tls_names[i] == NULL && be->server_names[i] != NULL)
			be->tls_names[i] = config_address_host(
			    be->server_names[i]);
		if (be->tls_names[i] == NULL && be->server_names[i] != NULL &&
		    cc->check_hostname)
			tf_errs_add(w.errs, w.file, w.line, "backend \"%s\": "
			    "server \"%s\" has no name to check the "
			    "certificate against: check_hostname requires "
			    "server_hostname", be->name, be->server_names[i]);
	}
}

/* A server_hostname without tls would do nothing: refused. */
static void
config_backend_unused_names(struct config_load *ld,
    const struct tf_backend_conf *be)
{
	size_t	i;
	bool	any = be->server_hostname != NULL;

	for (i = 0; !any && be->tls_names != NULL && i < be->nservers; i++)
		any = be->tls_names[i] != NULL;
	if (any && !be->has_tls && be->tls_line == 0)
		tf_errs_add(ld->errs, ld->file, be->line, "backend \"%s\": "
		    "server_hostname needs tls (a client context): without "
		    "it no name is sent or checked", be->name);
}

/*
 * Once every section is read: listeners and routes take server contexts
 * only; a passthrough route cannot go to a TLS backend (the client's
 * TLS bytes would be encrypted a second time).
 */
void
tf_config_backend_tls_check(struct config_load *ld)
{
	const struct tf_config		*conf = ld->conf;
	const struct tf_listener_conf	*l;
	const struct tf_route_conf	*r;
	const struct tf_context_conf	*cc;
	size_t				 i, j;

	for (i = 0; i < conf->nbackends; i++)
		config_backend_unused_names(ld, &conf->backends[i]);
	for (i = 0; i < conf->nlisteners; i++) {
		l = &conf->listeners[i];
		if (l->listen == NULL || l->context >= conf->ncontexts)
			continue;
		cc = &conf->contexts[l->context];
		if (tf_config_protocol_is_client(cc->protocol))
			tf_errs_add(ld->errs, ld->file, cc->protocol_line,
			    "PROTOCOL_TLS_CLIENT is a client protocol; a "
			    "listener's context needs PROTOCOL_TLS or "
			    "PROTOCOL_TLS_SERVER (or a fixed version)");
		for (j = 0; j < l->nroutes; j++) {
			r = &l->routes[j];
			if (r->has_context && tf_config_protocol_is_client(
			    conf->contexts[r->context].protocol))
				tf_errs_add(ld->errs, ld->file, r->line,
				    "route names context \"%s\", a client "
				    "context (PROTOCOL_TLS_CLIENT): a route's "
				    "context needs a server protocol",
				    conf->contexts[r->context].name);
			if (r->passthrough && r->has_backend &&
			    conf->backends[r->backend].has_tls)
				tf_errs_add(ld->errs, ld->file, r->line,
				    "a passthrough route cannot go to backend "
				    "\"%s\", which has tls: the client's TLS "
				    "would be encrypted again",
				    conf->backends[r->backend].name);
		}
	}
}

void
tf_config_backend_tls_free(struct tf_backend_conf *be)
{
	size_t	i;

	for (i = 0; be->tls_names != NULL && i < be->nservers; i++)
		free(be->tls_names[i]);
	free(be->tls_names);
	free(be->server_hostname);
}
