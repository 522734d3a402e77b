/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the contexts section of the configuration file, one struct
 * tf_context_conf per context, checked as Python's setters would; and
 * its freeing. Walks the libconfig tree, so it includes <libconfig.h>
 * as config.c does (the config module's two libconfig users).
 */
#include <sys/stat.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>
#include <openssl/crypto.h>

#include "config.h"
#include "config_check.h"
#include "config_int.h"

static const char *const context_keys[] = {
	"protocol", "default_suites", "options", "minimum_version",
	"maximum_version", "ciphers", "ciphersuites", "ecdh_curve",
	"cert_chain", "groups", "dh_params", "verify_mode",
	"verify_locations", "verify_flags", "alpn_protocols", "num_tickets",
	"post_handshake_auth", "keylog_filename", "sni_strict",
	"verify_depth", "session_ticket_keys",
	"check_hostname",
	NULL
};
static const char *const verify_locations_keys[] = {
	"cafile", "capath", "cadata",
	"crlfile",
	NULL
};
static const char *const cert_keys[] = {
	"certfile", "keyfile", "password", "password_file",
	"ocsp_response",
	NULL
};

/* Returns false if the protocol was given but is not usable. */
static bool
config_protocol(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	struct tf_config_where	 w;
	const char		*v;

	if ((v = tf_config_value(ld, group, "protocol", &w)) == NULL)
		return config_setting_get_member(group, "protocol") == NULL;
	ctx->protocol_line = w.line;
	return tf_config_check_protocol(&w, v, &ctx->protocol) == 0;
}

static void
config_default_suites(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	struct tf_config_where	 w;
	const char		*v;

	if ((v = tf_config_value(ld, group, "default_suites", &w)) == NULL)
		return;
	ctx->default_suites_line = w.line;
	tf_config_check_default_suites(&w, v, &ctx->default_suites);
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

	if ((list = tf_config_list(ld, group, "options", false)) == NULL)
		return;
	ctx->options_line = (int)config_setting_source_line(list);
	for (i = 0; (e = config_setting_get_elem(list, i)) != NULL; i++) {
		if ((v = tf_config_elem_string(ld, e)) == NULL)
			continue;
		w = tf_config_where_of(ld, e);
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

	if ((v = tf_config_value(ld, group, name, &w)) == NULL)
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

	v = required ? tf_config_required(ld, group, name, &w) :
	    tf_config_value(ld, group, name, &w);
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

	if ((v = tf_config_value(ld, group, name, &w)) == NULL ||
	    (expanded = tf_config_check_expand(&w, v)) == NULL)
		return false;
	out->value = tf_config_check_resolve(ld->basedir, expanded);
	free(expanded);
	out->line = w.line;
	if (readable)
		return tf_config_check_readable(&w, name, out->value) == 0;
	return true;
}

/* Checks one string of a list where it was written (its file, its line). */
typedef void	(*config_elem_check)(const struct tf_config_where *,
		    const char *, void *);

/*
 * A list of strings into a new array of (value, line) if out is not NULL;
 * *line: the list's. check, if not NULL, sees each string with the file
 * and line it came from (an @include'd file's own). Returns false if
 * absent or not a list; elements that are not strings are reported and
 * left NULL.
 */
static bool
config_strings(struct config_load *ld, const config_setting_t *group,
    const char *name, struct tf_conf_str **out, size_t *n, int *line,
    config_elem_check check, void *arg)
{
	const config_setting_t	*list, *e;
	struct tf_config_where	 w;
	const char		*v;
	size_t			 i;

	if ((list = tf_config_list(ld, group, name, false)) == NULL)
		return false;
	*line = (int)config_setting_source_line(list);
	*n = (size_t)config_setting_length(list);
	if (out != NULL)
		*out = tf_config_calloc(*n, sizeof(**out));
	for (i = 0; i < *n; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		if ((v = tf_config_elem_string(ld, e)) == NULL)
			continue;
		if (check != NULL) {
			w = tf_config_where_of(ld, e);
			check(&w, v, arg);
		}
		if (out != NULL) {
			(*out)[i].value = tf_config_strdup(v);
			(*out)[i].line = tf_config_line(ld, e);
		}
	}
	return true;
}

static void
config_check_verify_flag(const struct tf_config_where *w, const char *v,
    void *flags)
{
	tf_config_check_verify_flag(w, v, flags);
}

static void
config_check_alpn(const struct tf_config_where *w, const char *v,
    void *unused)
{
	(void)unused;
	tf_config_check_alpn(w, v);
}

static void
config_groups(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	const config_setting_t	*s;

	if (!config_strings(ld, group, "groups", &ctx->groups, &ctx->ngroups,
	    &ctx->groups_line, NULL, NULL))
		return;
	s = config_setting_get_member(group, "groups");
	if (ctx->ngroups == 0)
		tf_config_err_type(ld, s, "needs at least one group");
	if (config_setting_get_member(group, "ecdh_curve") != NULL)
		tf_config_err_type(ld, s, "groups and ecdh_curve both set the "
		    "key exchange groups: use one (ecdh_curve is Python's "
		    "set_ecdh_curve(), a single curve; groups is a list)");
}

/* verify_locations holds a crlfile but nothing to trust (Python's
 * load_verify_locations needs one of cafile, capath, cadata). */
static bool
config_verify_crl_only(const config_setting_t *loc)
{
	return config_setting_get_member(loc, "crlfile") != NULL &&
	    config_setting_get_member(loc, "cafile") == NULL &&
	    config_setting_get_member(loc, "capath") == NULL &&
	    config_setting_get_member(loc, "cadata") == NULL;
}

static void
config_verify(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	const config_setting_t	*loc;
	struct tf_config_where	 w;
	const char		*v;
	size_t			 n;

	if ((v = tf_config_value(ld, group, "verify_mode", &w)) != NULL) {
		ctx->verify_mode_line = w.line;
		tf_config_check_verify_mode(&w, v, &ctx->verify_mode);
	}
	if ((loc = tf_config_group(ld, group, "verify_locations",
	    verify_locations_keys)) != NULL) {
		ctx->verify_locations_line =
		    (int)config_setting_source_line(loc);
		config_path_str(ld, loc, "cafile", true, &ctx->cafile);
		if (config_path_str(ld, loc, "capath", false, &ctx->capath)) {
			w = tf_config_where_of(ld,
			    config_setting_get_member(loc, "capath"));
			tf_config_check_directory(&w, "capath",
			    ctx->capath.value);
		}
		ctx->cadata.line = tf_config_dup_string(ld, loc, "cadata",
		    &ctx->cadata.value);
		config_path_str(ld, loc, "crlfile", true, &ctx->crlfile);
		if (config_setting_length(loc) == 0 ||
		    config_verify_crl_only(loc))
			tf_config_err_type(ld, loc, "cafile, capath and cadata "
			    "cannot be all omitted");
	}
	if (config_strings(ld, group, "verify_flags", NULL, &n,
	    &ctx->verify_flags_line, config_check_verify_flag,
	    &ctx->verify_flags))
		ctx->verify_flags_set = true;
}

static void
config_alpn(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	if (config_strings(ld, group, "alpn_protocols", &ctx->alpn_protocols,
	    &ctx->nalpn_protocols, &ctx->alpn_protocols_line,
	    config_check_alpn, NULL))
		ctx->alpn_protocols_set = true;
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
		tf_config_err_type(ld, s, "expected an integer");
		return;
	}
	ctx->num_tickets = config_setting_get_int64(s);
	if (ctx->num_tickets < 0) {
		tf_config_err_type(ld, s, "value must be non-negative");
		return;
	}
	if (protocol_ok && ctx->protocol != TF_PROTOCOL_TLS_SERVER) {
		tf_config_err_type(ld, s, "SSLContext is not a server context. "
		    "(Python sets num_tickets only with PROTOCOL_TLS_SERVER)");
		return;
	}
	ctx->num_tickets_set = true;
}

/* verify_depth: an int from 0 to TF_VERIFY_DEPTH_MAX. */
static void
config_verify_depth(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	const config_setting_t	*s;
	long long		 v;

	if ((s = config_setting_get_member(group, "verify_depth")) == NULL)
		return;
	ctx->verify_depth_line = (int)config_setting_source_line(s);
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		tf_config_err_type(ld, s, "expected an integer");
		return;
	}
	v = config_setting_get_int64(s);
	if (v < 0 || v > TF_VERIFY_DEPTH_MAX) {
		tf_config_err(ld, s, "verify_depth %lld is out of range: 0 to "
		    "%d intermediate CA certificates (0: the client's "
		    "certificate must be issued by a trusted CA itself)", v,
		    TF_VERIFY_DEPTH_MAX);
		return;
	}
	ctx->verify_depth = (int)v;
	ctx->verify_depth_set = true;
}

/*
 * A secret (a private key, session ticket keys) everyone on the machine
 * can read is refused unless the configuration says it is fine
 * (daemon.allow_world_readable_keys). what names it in the message.
 */
static void
config_secret_private(struct config_load *ld, const config_setting_t *s,
    const char *what, const char *path)
{
	struct stat	st;

	if (path == NULL || ld->conf->allow_world_readable_keys ||
	    stat(path, &st) == -1 || (st.st_mode & S_IROTH) == 0)
		return;
	tf_config_err(ld, s, "%s \"%s\" is readable by everyone "
	    "(mode %04o): chmod o-r it, or set "
	    "daemon.allow_world_readable_keys = true", what, path,
	    (unsigned)(st.st_mode & 07777));
}

/* The private key of a cert_chain entry: keyfile, else certfile. */
static void
config_key_private(struct config_load *ld, const config_setting_t *group,
    const struct tf_cert_conf *cert)
{
	const config_setting_t	*s;
	const char		*key = cert->keyfile;

	s = config_setting_get_member(group, "keyfile");
	if (key == NULL && s != NULL)
		return;		/* keyfile given but unusable: reported */
	if (key == NULL) {
		key = cert->certfile;
		s = config_setting_get_member(group, "certfile");
	}
	config_secret_private(ld, s, "private key", key);
}

/*
 * session_ticket_keys: a readable file, as private as a key. Its keys are
 * read by the context builder, which a reload runs again.
 */
static void
config_ticket_keys(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	if (!config_path_str(ld, group, "session_ticket_keys", true,
	    &ctx->session_ticket_keys))
		return;
	config_secret_private(ld, config_setting_get_member(group,
	    "session_ticket_keys"), "session_ticket_keys",
	    ctx->session_ticket_keys.value);
}

static void
config_cert(struct config_load *ld, const config_setting_t *group,
    struct tf_cert_conf *cert)
{
	const config_setting_t	*pwfile;

	cert->line = (int)config_setting_source_line(group);
	if (!config_setting_is_group(group)) {
		tf_config_err_type(ld, group, "expected a group");
		return;
	}
	tf_config_keys(ld, group, cert_keys);
	cert->certfile = config_file(ld, group, "certfile", true);
	cert->keyfile = config_file(ld, group, "keyfile", false);
	config_key_private(ld, group, cert);
	tf_config_dup_string(ld, group, "password", &cert->password);
	pwfile = config_setting_get_member(group, "password_file");
	if (pwfile != NULL &&
	    config_setting_get_member(group, "password") != NULL)
		tf_config_err_type(ld, pwfile,
		    "password and password_file are mutually exclusive");
	else
		cert->password_file = config_file(ld, group, "password_file",
		    false);
	/* Read and checked against the certificate by the context builder. */
	config_path_str(ld, group, "ocsp_response", true,
	    &cert->ocsp_response);
}

static void
config_certs(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	const config_setting_t	*list;
	size_t			 i;

	if (config_setting_get_member(group, "cert_chain") == NULL) {
		/* A client certificate is optional (mTLS backends). */
		if (tf_config_protocol_is_client(ctx->protocol))
			return;
		tf_config_err(ld, group, "context \"%s\": cert_chain is "
		    "required", ctx->name);
		return;
	}
	if ((list = tf_config_list(ld, group, "cert_chain", true)) == NULL)
		return;
	ctx->ncerts = (size_t)config_setting_length(list);
	if (ctx->ncerts == 0)
		tf_config_err_type(ld, list, "needs at least one entry");
	ctx->certs = tf_config_calloc(ctx->ncerts, sizeof(*ctx->certs));
	for (i = 0; i < ctx->ncerts; i++)
		config_cert(ld, config_setting_get_elem(list, (unsigned)i),
		    &ctx->certs[i]);
}

static void
config_context(struct config_load *ld, const config_setting_t *group,
    struct tf_context_conf *ctx)
{
	bool	fixed, protocol_ok;

	ctx->name = tf_config_strdup(config_setting_name(group));
	ctx->line = (int)config_setting_source_line(group);
	ctx->protocol = TF_PROTOCOL_TLS_SERVER;
	if (!config_setting_is_group(group)) {
		tf_config_err_type(ld, group, "expected a group");
		return;
	}
	tf_config_keys(ld, group, context_keys);
	protocol_ok = config_protocol(ld, group, ctx);
	fixed = protocol_ok && tf_config_protocol_is_fixed(ctx->protocol);
	config_default_suites(ld, group, ctx);
	config_options(ld, group, ctx);
	config_version(ld, group, "minimum_version", fixed,
	    &ctx->minimum_version, &ctx->minimum_version_line);
	config_version(ld, group, "maximum_version", fixed,
	    &ctx->maximum_version, &ctx->maximum_version_line);
	ctx->ciphers.line = tf_config_dup_string(ld, group, "ciphers",
	    &ctx->ciphers.value);
	ctx->ciphersuites.line = tf_config_dup_string(ld, group, "ciphersuites",
	    &ctx->ciphersuites.value);
	ctx->ecdh_curve.line = tf_config_dup_string(ld, group, "ecdh_curve",
	    &ctx->ecdh_curve.value);
	config_certs(ld, group, ctx);
	config_groups(ld, group, ctx);
	config_path_str(ld, group, "dh_params", true, &ctx->dh_params);
	config_verify(ld, group, ctx);
	config_alpn(ld, group, ctx);
	config_num_tickets(ld, group, ctx, protocol_ok);
	tf_config_bool(ld, group, "post_handshake_auth",
	    &ctx->post_handshake_auth, &ctx->post_handshake_auth_line);
	tf_config_bool(ld, group, "sni_strict", &ctx->sni_strict,
	    &ctx->sni_strict_line);
	config_path_str(ld, group, "keylog_filename", false,
	    &ctx->keylog_filename);
	config_verify_depth(ld, group, ctx);
	config_ticket_keys(ld, group, ctx);
	tf_config_context_client(ld, group, ctx);
}

void
tf_config_contexts(struct config_load *ld, const config_setting_t *root)
{
	struct tf_config	*conf = ld->conf;
	const config_setting_t	*s;
	size_t			 i;

	if ((s = tf_config_section(ld, root, "contexts", &conf->ncontexts)) ==
	    NULL)
		return;
	conf->contexts = tf_config_calloc(conf->ncontexts,
	    sizeof(*conf->contexts));
	for (i = 0; i < conf->ncontexts; i++)
		config_context(ld, config_setting_get_elem(s, (unsigned)i),
		    &conf->contexts[i]);
}

void
tf_config_context_free(struct tf_context_conf *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->ncerts; i++) {
		free(ctx->certs[i].certfile);
		free(ctx->certs[i].keyfile);
		/* No copy of a password is left in freed memory. */
		if (ctx->certs[i].password != NULL)
			OPENSSL_cleanse(ctx->certs[i].password,
			    strlen(ctx->certs[i].password));
		free(ctx->certs[i].password);
		free(ctx->certs[i].password_file);
		free(ctx->certs[i].ocsp_response.value);
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
	free(ctx->crlfile.value);
	free(ctx->session_ticket_keys.value);
}
