/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the admin process's view of the daemon (admin_view.h).
 */
#include <sys/resource.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/x509.h>

#include "admin_view.h"
#include "autoconf.h"
#include "context.h"
#include "health.h"

static size_t
view_count_certs(const struct tf_generation *gen)
{
	size_t	i, n = 0;

	for (i = 0; i < gen->config->ncontexts; i++)
		n += tf_context_cert_count(gen->set->contexts[i]);
	return n;
}

int
tf_admin_view_init(struct tf_admin_view *av, struct tf_generation *gen,
    const struct tf_counters *counters)
{
	const struct tf_config	*cf = gen->config;
	size_t			 i;

	memset(av, 0, sizeof(*av));
	av->gen = gen;
	av->counters = counters;
	for (i = 0; i < cf->nbackends; i++)
		av->nservers += cf->backends[i].nservers;
	av->sum = malloc(sizeof(*av->sum));
	av->serving = calloc(TF_METRICS_LISTENERS, sizeof(*av->serving));
	av->listener_up = calloc(cf->nlisteners + 1,
	    sizeof(*av->listener_up));
	av->servers = calloc(av->nservers + 1, sizeof(*av->servers));
	if (av->sum == NULL || av->serving == NULL ||
	    av->listener_up == NULL || av->servers == NULL) {
		tf_admin_view_free(av);
		return -1;
	}
	return 0;
}

void
tf_admin_view_free(struct tf_admin_view *av)
{
	free(av->sum);
	free(av->serving);
	free(av->listener_up);
	free(av->certs);
	free(av->servers);
	memset(av, 0, sizeof(*av));
}

/* "RSA 2048", "EC P-256", "ED25519". */
static void
view_key_type(X509 *x, char *out, size_t len)
{
	EVP_PKEY	*key = X509_get0_pubkey(x);
	char		 group[64];
	size_t		 glen;

	if (key == NULL) {
		snprintf(out, len, "?");
		return;
	}
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
	    EVP_PKEY_get_group_name(key, group, sizeof(group), &glen) == 1) {
		const char	*nist = EC_curve_nid2nist(OBJ_txt2nid(group));

		snprintf(out, len, "EC %s", nist != NULL ? nist : group);
	} else if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA)
		snprintf(out, len, "RSA %d", EVP_PKEY_get_bits(key));
	else
		snprintf(out, len, "%s", OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
}

static void
view_subject(X509 *x, char *out, size_t len)
{
	BIO	*b;
	int	 n;

	out[0] = '\0';
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
	    XN_FLAG_RFC2253) >= 0 && (n = BIO_read(b, out, (int)len - 1)) > 0)
		out[n] = '\0';
	BIO_free(b);
}

/* The configured file of the cert_chain entry at line, or "". */
static const char *
view_cert_file(const struct tf_context_conf *cc, int line)
{
	size_t	j;

	for (j = 0; j < cc->ncerts; j++)
		if (cc->certs[j].line == line)
			return cc->certs[j].certfile;
	return "";
}

static void
view_certs(struct tf_admin_view *av)
{
	const struct tf_config	*cf = av->gen->config;
	struct tf_metrics_cert	*c;
	struct tm		 tm;
	SSL_CTX			*ctx;
	X509			*x;
	size_t			 i, k, n = view_count_certs(av->gen);
	int			 line;

	free(av->certs);
	av->ncerts = 0;
	if ((av->certs = calloc(n + 1, sizeof(*av->certs))) == NULL)
		return;
	for (i = 0; i < cf->ncontexts; i++) {
		ctx = av->gen->set->contexts[i];
		for (k = 0; (x = tf_context_cert_at(ctx, k, &line)) != NULL;
		    k++) {
			c = &av->certs[av->ncerts++];
			c->context = i;
			c->file = view_cert_file(&cf->contexts[i], line);
			view_subject(x, c->subject, sizeof(c->subject));
			view_key_type(x, c->key_type, sizeof(c->key_type));
			if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
				c->not_after = timegm(&tm);
		}
	}
}

static void
view_servers(struct tf_admin_view *av)
{
	const struct tf_config	*cf = av->gen->config;
	struct tf_metrics_server *s = av->servers;
	size_t			 b, i;

	for (b = 0; b < cf->nbackends; b++)
		for (i = 0; i < cf->backends[b].nservers; i++, s++) {
			s->backend = b;
			s->server = i;
			tf_health_state(av->gen->health, cf, b, i, &s->up,
			    &s->connect_failures);
		}
}

static void
view_limits(struct tf_metrics_view *v, const struct tf_config *cf)
{
	struct rlimit	rl;

	v->limits[TF_LIMIT_MAX_CONNECTIONS] = (uint64_t)cf->max_connections;
	v->limits[TF_LIMIT_HANDSHAKES] = (uint64_t)cf->limit_handshakes;
	v->limits[TF_LIMIT_ADDRESS_CONNECTIONS] =
	    (uint64_t)cf->limit_address_conns;
	v->limits[TF_LIMIT_ADDRESS_RATE] = (uint64_t)cf->limit_address_rate;
	v->limits[TF_LIMIT_CLIENT_HELLO] = (uint64_t)cf->limit_client_hello;
	/* The workers' limit: the master raised it before forking us. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		v->limits[TF_LIMIT_FILE_DESCRIPTORS] = (uint64_t)rl.rlim_cur;
}

/* Handshakes completed and failed, all listeners. */
static void
view_totals(const struct tf_metrics_slot *sum, uint64_t *done,
    uint64_t *failed)
{
	size_t	k, f;

	*done = *failed = 0;
	for (k = 0; k < TF_METRICS_LISTENERS; k++) {
		*done += tf_counter_get(&sum->listeners[k].handshakes) +
		    tf_counter_get(&sum->listeners[k].resumed);
		for (f = 0; f < TF_HS_FAIL_N; f++)
			*failed += tf_counter_get(&sum->listeners[k].
			    failures[f]);
	}
}

static void
view_rates(struct tf_admin_view *av)
{
	size_t		n = av->nsamples, w;
	uint64_t	done, failed;

	av->view.handshake_rate = av->view.failure_rate = -1;
	if (n < 2)
		return;
	w = n - 1 < TF_ADMIN_RATE_WINDOW ? n - 1 : TF_ADMIN_RATE_WINDOW;
	view_totals(av->sum, &done, &failed);
	av->view.handshake_rate = (double)(done -
	    av->done[(n - 1 - w) % (TF_ADMIN_RATE_WINDOW + 1)]) / (double)w;
	av->view.failure_rate = (double)(failed -
	    av->failed[(n - 1 - w) % (TF_ADMIN_RATE_WINDOW + 1)]) / (double)w;
}

void
tf_admin_view_update(struct tf_admin_view *av)
{
	const struct tf_counters_master	*m = &av->counters->master;
	const struct tf_config		*cf = av->gen->config;
	struct tf_metrics_view		*v = &av->view;
	uint32_t			 key;
	size_t				 i;

	memset(v, 0, sizeof(*v));
	tf_counters_snapshot(av->counters, av->gen->id, av->sum, av->serving,
	    &v->workers, &v->workers_retiring);
	for (i = 0; i < cf->nlisteners; i++) {
		key = av->gen->listener_keys[i];
		/* One past the keys is not counted: not known to be down. */
		av->listener_up[i] = key == TF_METRICS_NONE || av->serving[key];
	}
	view_certs(av);
	view_servers(av);
	v->cf = cf;
	v->listener_key = av->gen->listener_keys;
	v->context_key = av->gen->context_keys;
	v->sum = av->sum;
	v->listener_up = av->listener_up;
	v->certs = av->certs;
	v->ncerts = av->ncerts;
	v->servers = av->servers;
	v->nservers = av->nservers;
	view_limits(v, cf);
	v->generation = atomic_load(&m->generation);
	v->reloads_ok = atomic_load(&m->reloads_ok);
	v->reloads_failed = atomic_load(&m->reloads_failed);
	v->started = (time_t)atomic_load(&m->started);
	v->last_reload = (time_t)atomic_load(&m->last_reload);
	v->draining = atomic_load(&m->draining) != 0;
	v->now = time(NULL);
	v->version = PACKAGE_VERSION;
	view_rates(av);
}

void
tf_admin_view_sample(struct tf_admin_view *av)
{
	size_t	at = av->nsamples % (TF_ADMIN_RATE_WINDOW + 1);

	view_totals(av->sum, &av->done[at], &av->failed[at]);
	av->nsamples++;
}
