/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: rebuilding changed contexts (see refresh.h). The new set
 * shares the SSL_CTXs of the contexts that did not change; one that did
 * gets a new SSL_CTX built from the same configuration, so it behaves as
 * a reload would have built it. Routes are made anew for the new set
 * because they point at its SSL_CTXs.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "context.h"
#include "generation.h"
#include "log.h"

/* The admin process rebuilds contexts too, to show what the workers
 * serve; it says so at debug level only (worker < 0), the workers at
 * theirs. */
#define REFRESH_LOG(worker, fn, ...) do {				\
	if ((worker) < 0)						\
		tf_log_debug(__VA_ARGS__);				\
	else								\
		fn(__VA_ARGS__);					\
} while (0)
#include "refresh.h"

/* The files of one context and whether one changed, and which first. */
struct refresh_scan {
	const struct tf_filestamp	*was;
	struct tf_filestamp		 now;
	size_t				 n;
	const char			*changed;	/* first path changed */
};

static void
refresh_scan_file(const char *path, void *arg)
{
	struct refresh_scan	*scan = arg;

	tf_filestamp_take(path, &scan->now);
	if (scan->changed == NULL &&
	    !tf_filestamp_equal(&scan->was[scan->n], &scan->now))
		scan->changed = path;
	scan->n++;
}

/* The first of context i's files that changed since it was stamped, or
 * NULL. Valid while the configuration is. */
static const char *
refresh_changed_file(const struct tf_generation *gen, size_t i)
{
	struct refresh_scan	scan;

	memset(&scan, 0, sizeof(scan));
	scan.was = gen->stamps[i];
	tf_context_conf_files(&gen->config->contexts[i], refresh_scan_file,
	    &scan);
	return scan.changed;
}

static void
refresh_log_errs(int worker, const char *ctxname, const char *path,
    const struct tf_errs *errs)
{
	size_t	i;

	REFRESH_LOG(worker, tf_log_warnx, "worker %d: context \"%s\": %s "
	    "changed, but the context cannot be rebuilt; the one built "
	    "before keeps serving until its files change again", worker,
	    ctxname, path);
	for (i = 0; i < tf_errs_count(errs); i++)
		REFRESH_LOG(worker, tf_log_warnx, "worker %d: %s", worker,
		    tf_errs_get(errs, i));
}

/*
 * Without session_ticket_keys, a context's ticket keys are random, made
 * before the workers start so that all of them share one set: the
 * rebuilt context keeps them, so tickets issued before still resume.
 */
static void
refresh_keep_ticket_keys(const struct tf_context_conf *cc, SSL_CTX *from,
    SSL_CTX *to)
{
	unsigned char	keys[80];

	if (cc->session_ticket_keys.value != NULL)
		return;
	if (SSL_CTX_get_tlsext_ticket_keys(from, keys, sizeof(keys)) == 1)
		(void)SSL_CTX_set_tlsext_ticket_keys(to, keys, sizeof(keys));
	OPENSSL_cleanse(keys, sizeof(keys));
}

/* Precise, for the log: a rebuild takes milliseconds. */
static double
refresh_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A new SSL_CTX for context i after path changed, or NULL (logged). */
static SSL_CTX *
refresh_build(struct tf_generation *gen, size_t i, const char *path,
    int worker)
{
	const struct tf_config		*cf = gen->config;
	const struct tf_context_conf	*cc = &cf->contexts[i];
	struct tf_errs			 errs;
	SSL_CTX				*ctx;
	size_t				 w;
	double				 t0 = refresh_now();

	tf_errs_init(&errs);
	ctx = tf_context_build(cc, cf->file, &errs);
	if (ctx == NULL) {
		refresh_log_errs(worker, cc->name, path, &errs);
		tf_errs_free(&errs);
		return NULL;
	}
	refresh_keep_ticket_keys(cc, gen->set->contexts[i], ctx);
	(void)tf_context_all_warnings(cc, ctx, cf->file, &errs);
	for (w = 0; w < tf_errs_count(&errs); w++)
		REFRESH_LOG(worker, tf_log_warnx, "worker %d: %s", worker,
		    tf_errs_get(&errs, w));
	tf_errs_free(&errs);
	REFRESH_LOG(worker, tf_log_info, "worker %d: context \"%s\": rebuilt "
	    "after %s changed (%zu certificate%s, %.1f ms)", worker, cc->name,
	    path,
	    tf_context_cert_count(ctx),
	    tf_context_cert_count(ctx) == 1 ? "" : "s",
	    (refresh_now() - t0) * 1000);
	return ctx;
}

int
tf_refresh(struct tf_generation *gen, int worker)
{
	const struct tf_config	*cf = gen->config;
	SSL_CTX			**contexts;
	struct tf_ctxset	*set;
	struct tf_errs		 errs;
	const char		*path;
	size_t			 i, j;
	int			 rebuilt = 0;

	if ((contexts = calloc(cf->ncontexts + 1, sizeof(*contexts))) == NULL)
		tf_fatal("calloc");
	for (i = 0; i < cf->ncontexts; i++) {
		/* Stamped before building: a change made meanwhile shows as
		 * one more change, and a file that does not build is tried
		 * again only once it changes again. */
		if ((path = refresh_changed_file(gen, i)) != NULL) {
			tf_generation_stamp(gen, i);
			contexts[i] = refresh_build(gen, i, path, worker);
		}
		if (contexts[i] != NULL)
			rebuilt++;
		else {
			contexts[i] = gen->set->contexts[i];
			SSL_CTX_up_ref(contexts[i]);
		}
	}
	if (rebuilt == 0) {
		for (j = 0; j < cf->ncontexts; j++)
			SSL_CTX_free(contexts[j]);
		free(contexts);
		return 0;
	}
	tf_errs_init(&errs);
	if ((set = tf_ctxset_new(cf, contexts, &errs)) == NULL) {
		REFRESH_LOG(worker, tf_log_warnx, "worker %d: the rebuilt "
		    "contexts cannot be routed to; the ones built before keep "
		    "serving", worker);
		for (j = 0; j < tf_errs_count(&errs); j++)
			REFRESH_LOG(worker, tf_log_warnx, "worker %d: %s",
			    worker, tf_errs_get(&errs, j));
		tf_errs_free(&errs);
		return 0;
	}
	tf_errs_free(&errs);
	tf_ctxset_unref(gen->set);
	gen->set = set;
	return rebuilt;
}
