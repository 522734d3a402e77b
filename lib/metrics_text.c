/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: /metrics in Prometheus text format. Names follow Prometheus'
 * conventions: a tlsfront_ prefix, base units (seconds, bytes), _total
 * on counters; one HELP and TYPE per family, its samples together.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "metrics_text.h"

struct render {
	struct evbuffer	*out;
	int		 failed;
};

static void
emit(struct render *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
emit(struct render *r, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	if (evbuffer_add_vprintf(r->out, fmt, ap) < 0)
		r->failed = -1;
	va_end(ap);
}

static void
family(struct render *r, const char *name, const char *type,
    const char *help)
{
	emit(r, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value, escaped as the format says: \\, \" and \n. */
static void
label(struct render *r, const char *key, const char *value, bool last)
{
	const char	*p;

	emit(r, "%s=\"", key);
	for (p = value != NULL ? value : ""; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			emit(r, "\\%c", *p);
		else if (*p == '\n')
			emit(r, "\\n");
		else if (evbuffer_add(r->out, p, 1) == -1)
			r->failed = -1;
	}
	emit(r, "\"%s", last ? "}" : ",");
}

static void
render_process(struct render *r, const struct tf_metrics_view *v)
{
	family(r, "tlsfront_info", "gauge", "The version running (always 1).");
	emit(r, "tlsfront_info{");
	label(r, "version", v->version, true);
	emit(r, " 1\n");
	family(r, "tlsfront_start_time_seconds", "gauge",
	    "When the daemon started, in seconds since the epoch.");
	emit(r, "tlsfront_start_time_seconds %lld\n", (long long)v->started);
	family(r, "tlsfront_config_generation", "gauge",
	    "The configuration loaded: 1 at start, one more per reload.");
	emit(r, "tlsfront_config_generation %" PRIu64 "\n", v->generation);
	family(r, "tlsfront_reloads_total", "counter",
	    "Reloads (SIGHUP) by result.");
	emit(r, "tlsfront_reloads_total{result=\"ok\"} %" PRIu64 "\n"
	    "tlsfront_reloads_total{result=\"failed\"} %" PRIu64 "\n",
	    v->reloads_ok, v->reloads_failed);
	family(r, "tlsfront_last_reload_time_seconds", "gauge",
	    "When the last reload was tried (0: none yet).");
	emit(r, "tlsfront_last_reload_time_seconds %lld\n",
	    (long long)v->last_reload);
	family(r, "tlsfront_workers", "gauge",
	    "Worker processes: serving, and retiring after a reload.");
	emit(r, "tlsfront_workers{state=\"running\"} %zu\n"
	    "tlsfront_workers{state=\"retiring\"} %zu\n", v->workers,
	    v->workers_retiring);
	family(r, "tlsfront_draining", "gauge",
	    "1 while stopping: no new connection is accepted.");
	emit(r, "tlsfront_draining %d\n", v->draining ? 1 : 0);
}

/* Listener i's counters, or NULL when it has no key. */
static const struct tf_metrics_listener *
listener_of(const struct tf_metrics_view *v, size_t i)
{
	uint32_t	key = v->listener_key[i];

	return key == TF_METRICS_NONE ? NULL : &v->sum->listeners[key];
}

/* One sample of a per-listener family, whose value is at offset off. */
static void
listener_samples(struct render *r, const struct tf_metrics_view *v,
    const char *name, size_t off)
{
	const struct tf_metrics_listener	*l;
	size_t					 i;

	for (i = 0; i < v->cf->nlisteners; i++) {
		if ((l = listener_of(v, i)) == NULL)
			continue;
		emit(r, "%s{", name);
		label(r, "listener",
		    tf_metrics_listener_name(&v->cf->listeners[i]), true);
		emit(r, " %" PRIu64 "\n", tf_counter_get((const tf_counter *)
		    ((const char *)l + off)));
	}
}

/* The families with one plain sample per listener. */
static const struct {
	const char	*name;
	const char	*type;
	const char	*help;
	size_t		 offset;	/* in struct tf_metrics_listener */
} listener_families[] = {
	{ "tlsfront_connections_open", "gauge",
	    "Client connections open now.",
	    offsetof(struct tf_metrics_listener, open) },
	{ "tlsfront_connections_total", "counter",
	    "Client connections accepted.",
	    offsetof(struct tf_metrics_listener, accepted) },
	{ "tlsfront_received_bytes_total", "counter",
	    "Bytes received from clients, decrypted.",
	    offsetof(struct tf_metrics_listener, bytes_in) },
	{ "tlsfront_sent_bytes_total", "counter",
	    "Bytes sent to clients, before encryption.",
	    offsetof(struct tf_metrics_listener, bytes_out) },
};

static void
render_listeners(struct render *r, const struct tf_metrics_view *v)
{
	const struct tf_metrics_listener	*l;
	size_t					 i, f;

	family(r, "tlsfront_listener_up", "gauge",
	    "1 while some worker accepts connections on the listener.");
	for (i = 0; i < v->cf->nlisteners; i++) {
		emit(r, "tlsfront_listener_up{");
		label(r, "listener",
		    tf_metrics_listener_name(&v->cf->listeners[i]), true);
		emit(r, " %d\n", v->listener_up[i] ? 1 : 0);
	}
	for (f = 0; f < sizeof(listener_families) /
	    sizeof(listener_families[0]); f++) {
		family(r, listener_families[f].name, listener_families[f].type,
		    listener_families[f].help);
		listener_samples(r, v, listener_families[f].name,
		    listener_families[f].offset);
	}
	family(r, "tlsfront_handshakes_total", "counter",
	    "TLS handshakes completed, full or resumed.");
	for (i = 0; i < v->cf->nlisteners; i++) {
		if ((l = listener_of(v, i)) == NULL)
			continue;
		for (f = 0; f < 2; f++) {
			emit(r, "tlsfront_handshakes_total{");
			label(r, "listener", tf_metrics_listener_name(
			    &v->cf->listeners[i]), false);
			emit(r, "resumed=\"%s\"} %" PRIu64 "\n",
			    f ? "true" : "false", tf_counter_get(f ?
			    &l->resumed : &l->handshakes));
		}
	}
	family(r, "tlsfront_handshake_failures_total", "counter",
	    "TLS handshakes that failed, by reason.");
	for (i = 0; i < v->cf->nlisteners; i++) {
		if ((l = listener_of(v, i)) == NULL)
			continue;
		for (f = 0; f < TF_HS_FAIL_N; f++) {
			emit(r, "tlsfront_handshake_failures_total{");
			label(r, "listener", tf_metrics_listener_name(
			    &v->cf->listeners[i]), false);
			label(r, "reason", tf_metrics_failure_name(f), true);
			emit(r, " %" PRIu64 "\n",
			    tf_counter_get(&l->failures[f]));
		}
	}
}

static const char *const version_names[TF_METRICS_VERSIONS] = {
	"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3",
};

static void
render_handshakes(struct render *r, const struct tf_metrics_view *v)
{
	uint64_t	n, count = 0;
	size_t		ver, c, b;

	family(r, "tlsfront_handshakes_by_cipher_total", "counter",
	    "TLS handshakes completed, by protocol version and cipher.");
	for (ver = 0; ver < TF_METRICS_VERSIONS; ver++)
		for (c = 0; c < TF_METRICS_CIPHERS; c++) {
			if ((n = tf_counter_get(&v->sum->by_cipher[ver][c])) ==
			    0)
				continue;
			emit(r, "tlsfront_handshakes_by_cipher_total{");
			label(r, "version", version_names[ver], false);
			label(r, "cipher", tf_metrics_cipher_name(c), true);
			emit(r, " %" PRIu64 "\n", n);
		}
	family(r, "tlsfront_handshake_duration_seconds", "histogram",
	    "From accept to the end of a completed TLS handshake.");
	for (b = 0; b <= TF_HS_BUCKETS; b++) {
		count += tf_counter_get(&v->sum->hs_buckets[b]);
		if (b < TF_HS_BUCKETS)
			emit(r, "tlsfront_handshake_duration_seconds_bucket"
			    "{le=\"%g\"} %" PRIu64 "\n",
			    tf_metrics_hs_bucket_us[b] / 1e6, count);
		else
			emit(r, "tlsfront_handshake_duration_seconds_bucket"
			    "{le=\"+Inf\"} %" PRIu64 "\n", count);
	}
	emit(r, "tlsfront_handshake_duration_seconds_sum %.6f\n"
	    "tlsfront_handshake_duration_seconds_count %" PRIu64 "\n",
	    tf_counter_get(&v->sum->hs_sum_us) / 1e6, count);
}

static void
render_sessions(struct render *r, const struct tf_metrics_view *v)
{
	char		name[80];
	uint32_t	key;
	size_t		s, i;

	for (s = 0; s < TF_SESS_N; s++) {
		snprintf(name, sizeof(name), "tlsfront_session_stats_%s%s",
		    tf_metrics_sess_name(s), s == TF_SESS_NUMBER ? "" :
		    "_total");
		family(r, name, s == TF_SESS_NUMBER ? "gauge" : "counter",
		    s == TF_SESS_NUMBER ? "Sessions in the context's cache "
		    "(SSLContext.session_stats()['number'])." :
		    "SSLContext.session_stats() of the context, summed over "
		    "workers.");
		for (i = 0; i < v->cf->ncontexts; i++) {
			if ((key = v->context_key[i]) == TF_METRICS_NONE)
				continue;
			emit(r, "%s{", name);
			label(r, "context", v->cf->contexts[i].name, true);
			emit(r, " %" PRIu64 "\n",
			    tf_counter_get(&v->sum->sessions[key][s]));
		}
	}
}

static void
render_certs(struct render *r, const struct tf_metrics_view *v)
{
	const struct tf_metrics_cert	*c;
	size_t				 i;

	family(r, "tlsfront_certificate_not_after_seconds", "gauge",
	    "When each served certificate expires, in seconds since the "
	    "epoch.");
	for (i = 0; i < v->ncerts; i++) {
		c = &v->certs[i];
		emit(r, "tlsfront_certificate_not_after_seconds{");
		label(r, "context", v->cf->contexts[c->context].name, false);
		label(r, "file", c->file, false);
		label(r, "subject", c->subject, true);
		emit(r, " %lld\n", (long long)c->not_after);
	}
}

static void
server_labels(struct render *r, const struct tf_metrics_view *v,
    const struct tf_metrics_server *s)
{
	const struct tf_backend_conf	*b = &v->cf->backends[s->backend];

	label(r, "backend", b->name, false);
	label(r, "server", b->server_names[s->server], true);
}

static void
render_backends(struct render *r, const struct tf_metrics_view *v)
{
	size_t	i;

	family(r, "tlsfront_backend_server_up", "gauge",
	    "1 while a backend server is taken for connections.");
	for (i = 0; i < v->nservers; i++) {
		emit(r, "tlsfront_backend_server_up{");
		server_labels(r, v, &v->servers[i]);
		emit(r, " %d\n", v->servers[i].up ? 1 : 0);
	}
	family(r, "tlsfront_backend_connect_failures_total", "counter",
	    "Connects to a backend server that failed or timed out.");
	for (i = 0; i < v->nservers; i++) {
		emit(r, "tlsfront_backend_connect_failures_total{");
		server_labels(r, v, &v->servers[i]);
		emit(r, " %" PRIu64 "\n", v->servers[i].connect_failures);
	}
	family(r, "tlsfront_no_backend_total", "counter",
	    "Connections closed because no backend server could be used.");
	emit(r, "tlsfront_no_backend_total %" PRIu64 "\n",
	    tf_counter_get(&v->sum->no_backend));
}

static void
render_limits(struct render *r, const struct tf_metrics_view *v)
{
	size_t	k;

	family(r, "tlsfront_limit", "gauge",
	    "Each overload limit's setting (0: off; per worker where the "
	    "limit is).");
	for (k = 0; k < TF_LIMIT_N; k++)
		emit(r, "tlsfront_limit{limit=\"%s\"} %" PRIu64 "\n",
		    tf_metrics_limit_name(k), v->limits[k]);
	family(r, "tlsfront_limit_hits_total", "counter",
	    "How often each limit paused accepting or refused a client.");
	for (k = 0; k < TF_LIMIT_N; k++)
		emit(r, "tlsfront_limit_hits_total{limit=\"%s\"} %" PRIu64
		    "\n", tf_metrics_limit_name(k),
		    tf_counter_get(&v->sum->limit_hits[k]));
}

int
tf_metrics_render_prometheus(struct evbuffer *out,
    const struct tf_metrics_view *v)
{
	struct render	r = { out, 0 };

	render_process(&r, v);
	render_listeners(&r, v);
	render_handshakes(&r, v);
	render_sessions(&r, v);
	render_certs(&r, v);
	render_backends(&r, v);
	render_limits(&r, v);
	return r.failed;
}

bool
tf_metrics_healthy(const struct tf_metrics_view *v, char *why, size_t whylen)
{
	size_t	i;

	if (v->draining) {
		snprintf(why, whylen, "draining");
		return false;
	}
	for (i = 0; i < v->cf->nlisteners; i++)
		if (!v->listener_up[i]) {
			snprintf(why, whylen, "listener %s is down",
			    tf_metrics_listener_name(&v->cf->listeners[i]));
			return false;
		}
	snprintf(why, whylen, "ok");
	return true;
}
