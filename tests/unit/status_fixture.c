/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront tests: the synthetic view of status_fixture.h.
 */
#include <string.h>

#include "status_fixture.h"

#define DAY	86400

static void
fixture_config(struct status_fixture *f)
{
	static char	listen0[] = "127.0.0.1:8443", listen1[] = "[::1]:443";
	static char	listen2[] = "0.0.0.0:9443";
	static char	ctx0[] = "default", ctx1[] = "legacy<&>";
	static char	be0[] = "app";
	static char	srv0[] = "127.0.0.1:8080", srv1[] = "unix:/run/app.sock";

	f->contexts[0].name = ctx0;
	f->contexts[1].name = ctx1;
	f->server_names[0] = srv0;
	f->server_names[1] = srv1;
	f->backends[0].name = be0;
	f->backends[0].server_names = f->server_names;
	f->backends[0].nservers = 2;
	f->listeners[0].listen = listen0;
	f->listeners[1].listen = listen1;
	f->listeners[1].context = 1;
	f->listeners[2].listen = listen2;
	f->cf.file = NULL;
	f->cf.contexts = f->contexts;
	f->cf.ncontexts = 2;
	f->cf.listeners = f->listeners;
	f->cf.nlisteners = 3;
	f->cf.backends = f->backends;
	f->cf.nbackends = 1;
}

static void
fixture_counters(struct status_fixture *f)
{
	struct tf_metrics_listener	*l = &f->sum.listeners[5];

	f->listener_key[0] = 5;
	f->listener_key[1] = 0;
	f->listener_key[2] = TF_METRICS_NONE;
	f->context_key[0] = 1;
	f->context_key[1] = TF_METRICS_NONE;
	f->listener_up[0] = true;
	f->listener_up[1] = true;
	f->listener_up[2] = false;
	tf_counter_add(&l->open, 3);
	tf_counter_add(&l->accepted, 1234567);
	tf_counter_add(&l->handshakes, 1000000);
	tf_counter_add(&l->resumed, 200000);
	tf_counter_add(&l->failures[TF_HS_FAIL_TIMEOUT], 7);
	tf_counter_add(&l->failures[TF_HS_FAIL_VERSION], 2);
	tf_counter_add(&l->bytes_in, 5ULL << 30);
	tf_counter_add(&l->bytes_out, 1536);
	tf_counter_add(&f->sum.listeners[0].accepted, 4);
	tf_counter_add(&f->sum.sessions[1][TF_SESS_ACCEPT], 1200000);
	tf_counter_add(&f->sum.sessions[1][TF_SESS_HITS], 200000);
	tf_counter_add(&f->sum.limit_hits[TF_LIMIT_HANDSHAKES], 12);
	tf_counter_add(&f->sum.no_backend, 3);
}

static void
fixture_certs(struct status_fixture *f, time_t now)
{
	static const char *const files[] = { "/etc/tlsfront/site.pem",
	    "/etc/tlsfront/soon.pem", "/etc/tlsfront/old\".pem" };
	static const char *const subjects[] = {
	    "CN=www.example.com,O=Example \"Quotes\" & Sons",
	    "CN=<script>alert(1)</script>&\",O=Soon",
	    "CN=old.example.com" };
	static const char *const keys[] = { "RSA 2048", "EC P-256",
	    "RSA 2048" };
	static const long long days[] = { 400, 10, -3 };
	size_t	i;

	for (i = 0; i < 3; i++) {
		f->certs[i].context = i == 2 ? 1 : 0;
		f->certs[i].file = files[i];
		strncpy(f->certs[i].subject, subjects[i],
		    sizeof(f->certs[i].subject) - 1);
		strncpy(f->certs[i].key_type, keys[i],
		    sizeof(f->certs[i].key_type) - 1);
		/* An hour past the whole days: 10 days and 1 hour is "10". */
		f->certs[i].not_after = now + days[i] * DAY + 3600;
	}
}

void
status_fixture_init(struct status_fixture *f, time_t now)
{
	fixture_config(f);
	fixture_counters(f);
	fixture_certs(f, now);
	f->servers[0] = (struct tf_metrics_server){ .backend = 0, .server = 0,
	    .up = true, .connect_failures = 0 };
	f->servers[1] = (struct tf_metrics_server){ .backend = 0, .server = 1,
	    .up = false, .connect_failures = 17 };
	f->view = (struct tf_metrics_view){
		.cf = &f->cf, .listener_key = f->listener_key,
		.context_key = f->context_key, .sum = &f->sum,
		.listener_up = f->listener_up, .certs = f->certs,
		.ncerts = 3, .servers = f->servers, .nservers = 2,
		.limits = { [TF_LIMIT_MAX_CONNECTIONS] = 50000,
		    [TF_LIMIT_HANDSHAKES] = 1024,
		    [TF_LIMIT_CLIENT_HELLO] = 16384 },
		.generation = 3, .reloads_ok = 2, .reloads_failed = 1,
		.started = now - 3 * DAY - 4 * 3600 - 120,
		.last_reload = now - 600, .workers = 2,
		.workers_retiring = 1, .draining = false, .now = now,
		.handshake_rate = 12.4, .failure_rate = -1,
		.version = "1.0<beta>",
	};
}
