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
#include "log.h"

/* Key passwords are not needed once the keys are loaded: a reload reads
 * the configuration again. */
static void
generation_wipe_passwords(struct tf_config *config)
{
	size_t	i, j;

	for (i = 0; i < config->ncontexts; i++) {
		for (j = 0; j < config->contexts[i].ncerts; j++) {
			char	*pw = config->contexts[i].certs[j].password;

			if (pw != NULL)
				OPENSSL_cleanse(pw, strlen(pw));
		}
	}
}

/* Every listener's routes; returns 1 if one is wrong (errs says why). */
static int
generation_routes(struct tf_generation *gen, struct tf_errs *errs)
{
	const struct tf_config	*config = gen->config;
	size_t			 i, nerrs = tf_errs_count(errs);

	if ((gen->routes = calloc(config->nlisteners + 1,
	    sizeof(*gen->routes))) == NULL)
		tf_fatal("calloc");
	for (i = 0; i < config->nlisteners; i++)
		gen->routes[i] = tf_routes_new(config, i, gen->contexts, errs);
	return tf_errs_count(errs) != nerrs;
}

struct tf_generation *
tf_generation_new(struct tf_config *config, struct tf_errs *errs)
{
	struct tf_generation	*gen;
	size_t			 i;
	int			 failed = 0;

	if ((gen = calloc(1, sizeof(*gen))) == NULL)
		tf_fatal("calloc");
	gen->config = config;
	tf_errs_init(&gen->warnings);
	gen->contexts = calloc(config->ncontexts + 1, sizeof(SSL_CTX *));
	if (gen->contexts == NULL)
		tf_fatal("calloc");
	/* Build all of them so that every broken context gets reported. */
	for (i = 0; i < config->ncontexts; i++) {
		gen->contexts[i] = tf_context_build(&config->contexts[i],
		    config->file, errs);
		if (gen->contexts[i] == NULL)
			failed = 1;
		else
			tf_context_all_warnings(&config->contexts[i],
			    gen->contexts[i], config->file, &gen->warnings);
	}
	generation_wipe_passwords(config);
	if (!failed)
		failed = generation_routes(gen, errs);
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
	if (gen->routes != NULL) {
		for (i = 0; i < gen->config->nlisteners; i++)
			tf_routes_free(gen->routes[i]);
		free(gen->routes);
	}
	if (gen->contexts != NULL) {
		for (i = 0; i < gen->config->ncontexts; i++)
			SSL_CTX_free(gen->contexts[i]);
		free(gen->contexts);
	}
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
	SSL_CTX				*ctx = gen->contexts[i];
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

	n = tf_context_ocsp_count(gen->contexts[i], &configured);
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
