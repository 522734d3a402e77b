/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a generation is one loaded configuration with the SSL_CTXs
 * built from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "context.h"
#include "explain.h"
#include "generation.h"
#include "health.h"
#include "log.h"

/*
 * Key passwords are not needed once the keys are loaded: a reload reads
 * the configuration again. A worker that rebuilds a context after its
 * files changed (daemon.watch_files) needs the inline ones again;
 * password_file is read anew each time.
 */
static void
generation_wipe_passwords(struct tf_config *config)
{
	size_t	i, j;

	if (config->watch_files)
		return;
	for (i = 0; i < config->ncontexts; i++) {
		for (j = 0; j < config->contexts[i].ncerts; j++) {
			char	*pw = config->contexts[i].certs[j].password;

			if (pw != NULL)
				OPENSSL_cleanse(pw, strlen(pw));
		}
	}
}

struct tf_ctxset *
tf_ctxset_new(const struct tf_config *config, SSL_CTX **contexts,
    struct tf_errs *errs)
{
	struct tf_ctxset	*set;
	size_t			 i, nerrs = tf_errs_count(errs);

	if ((set = calloc(1, sizeof(*set))) == NULL ||
	    (set->routes = calloc(config->nlisteners + 1,
	    sizeof(*set->routes))) == NULL)
		tf_fatal("calloc");
	set->contexts = contexts;
	set->ncontexts = config->ncontexts;
	set->nlisteners = config->nlisteners;
	set->refs = 1;
	for (i = 0; i < config->nlisteners; i++)
		set->routes[i] = tf_routes_new(config, i, contexts, errs);
	if (tf_errs_count(errs) != nerrs) {
		tf_ctxset_unref(set);
		return NULL;
	}
	return set;
}

struct tf_ctxset *
tf_ctxset_ref(struct tf_ctxset *set)
{
	set->refs++;
	return set;
}

void
tf_ctxset_unref(struct tf_ctxset *set)
{
	size_t	i;

	if (set == NULL || --set->refs > 0)
		return;
	for (i = 0; i < set->nlisteners; i++)
		tf_routes_free(set->routes[i]);
	free(set->routes);
	for (i = 0; i < set->ncontexts; i++)
		SSL_CTX_free(set->contexts[i]);
	free(set->contexts);
	free(set);
}

struct stamp_fill {
	struct tf_filestamp	*stamps;
	size_t			 n;
};

static void
generation_count_file(const char *path, void *arg)
{
	(void)path;
	((struct stamp_fill *)arg)->n++;
}

static void
generation_stamp_file(const char *path, void *arg)
{
	struct stamp_fill	*fill = arg;

	tf_filestamp_take(path, &fill->stamps[fill->n++]);
}

void
tf_generation_stamp(struct tf_generation *gen, size_t i)
{
	const struct tf_context_conf	*cc = &gen->config->contexts[i];
	struct stamp_fill		 fill = { NULL, 0 };

	if (gen->stamps[i] == NULL) {
		tf_context_conf_files(cc, generation_count_file, &fill);
		if ((gen->stamps[i] = calloc(fill.n + 1,
		    sizeof(*gen->stamps[i]))) == NULL)
			tf_fatal("calloc");
		gen->nstamps[i] = fill.n;
	}
	fill.stamps = gen->stamps[i];
	fill.n = 0;
	tf_context_conf_files(cc, generation_stamp_file, &fill);
}

struct tf_generation *
tf_generation_new(struct tf_config *config, struct tf_errs *errs)
{
	struct tf_generation	*gen;
	SSL_CTX			**contexts;
	size_t			 i, n = config->ncontexts;
	int			 failed = 0;

	if ((gen = calloc(1, sizeof(*gen))) == NULL ||
	    (contexts = calloc(n + 1, sizeof(*contexts))) == NULL ||
	    (gen->stamps = calloc(n + 1, sizeof(*gen->stamps))) == NULL ||
	    (gen->nstamps = calloc(n + 1, sizeof(*gen->nstamps))) == NULL)
		tf_fatal("calloc");
	gen->config = config;
	tf_errs_init(&gen->warnings);
	/* Build all of them so that every broken context gets reported. */
	for (i = 0; i < n; i++) {
		tf_generation_stamp(gen, i);
		contexts[i] = tf_context_build(&config->contexts[i],
		    config->file, errs);
		if (contexts[i] == NULL)
			failed = 1;
		else
			tf_context_all_warnings(&config->contexts[i],
			    contexts[i], config->file, &gen->warnings);
	}
	generation_wipe_passwords(config);
	if (failed) {
		for (i = 0; i < n; i++)
			SSL_CTX_free(contexts[i]);
		free(contexts);
	} else if ((gen->set = tf_ctxset_new(config, contexts, errs)) == NULL)
		failed = 1;
	if (failed) {
		tf_generation_free(gen);
		return NULL;
	}
	return gen;
}

void
tf_generation_free(struct tf_generation *gen)
{
	size_t	i;

	if (gen == NULL)
		return;
	tf_health_map_free(gen->health);
	free(gen->listener_keys);
	free(gen->context_keys);
	tf_ctxset_unref(gen->set);
	if (gen->stamps != NULL) {
		for (i = 0; i < gen->config->ncontexts; i++)
			free(gen->stamps[i]);
		free(gen->stamps);
	}
	free(gen->nstamps);
	tf_errs_free(&gen->warnings);
	tf_config_free(gen->config);
	free(gen);
}

/* Context i's summary line into buf; returns buf. */
static const char *
generation_context_summary(const struct tf_generation *gen, size_t i,
    char *buf, size_t len)
{
	const struct tf_context_conf	*cc = &gen->config->contexts[i];
	char				 suites[640];

	snprintf(buf, len, "context \"%s\" (%s:%d): %s, default_suites %s",
	    cc->name, gen->config->file, cc->line,
	    tf_config_protocol_name(cc->protocol),
	    tf_explain_default_suites(cc, suites, sizeof(suites)));
	return buf;
}

/* For a context with certificates chosen by name: how many of each. */
static bool
generation_names_summary(const struct tf_generation *gen, size_t i,
    char *buf, size_t len)
{
	const struct tf_context_conf	*cc = &gen->config->contexts[i];
	SSL_CTX				*ctx = gen->set->contexts[i];
	size_t				 n = tf_context_cert_count(ctx);

	if (n < 2 && !cc->sni_strict)
		return false;
	snprintf(buf, len, "context \"%s\": %zu certificate%s for %zu "
	    "name%s by SNI%s", cc->name, n, n == 1 ? "" : "s",
	    tf_context_name_count(ctx),
	    tf_context_name_count(ctx) == 1 ? "" : "s",
	    cc->sni_strict ? ", sni_strict (no other name served)" : "");
	return true;
}

/* For a context with ocsp_response settings: how many are stapled. */
static bool
generation_ocsp_summary(const struct tf_generation *gen, size_t i,
    char *buf, size_t len)
{
	const struct tf_context_conf	*cc = &gen->config->contexts[i];
	size_t				 n, configured;

	n = tf_context_ocsp_count(gen->set->contexts[i], &configured);
	if (configured == 0)
		return false;
	snprintf(buf, len, "context \"%s\": OCSP response stapled for %zu "
	    "certificate%s%s", cc->name, n, n == 1 ? "" : "s",
	    n < configured ? " (see the warnings for the others)" : "");
	return true;
}

void
tf_generation_each_summary(const struct tf_generation *gen,
    void (*emit)(const char *))
{
	size_t	i;
	char	line[1024];

	for (i = 0; i < gen->config->ncontexts; i++) {
		emit(generation_context_summary(gen, i, line,
		    sizeof(line)));
		if (generation_names_summary(gen, i, line, sizeof(line)))
			emit(line);
		if (generation_ocsp_summary(gen, i, line, sizeof(line)))
			emit(line);
	}
}

static void
generation_log_line(const char *line)
{
	tf_log_info("%s", line);
}

void
tf_generation_log_contexts(const struct tf_generation *gen)
{
	tf_generation_each_summary(gen, generation_log_line);
}
