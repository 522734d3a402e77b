/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront tests: weak stand-ins for lib/metrics.c's name functions until
 * it is part of libtlsfront (the real ones win once linked).
 */
#include "metrics.h"

__attribute__((weak)) const char *
tf_metrics_listener_name(const struct tf_listener_conf *l)
{
	return l->listen;
}

__attribute__((weak)) const char *
tf_metrics_failure_name(enum tf_hs_failure f)
{
	static const char *const names[TF_HS_FAIL_N] = { "timeout",
	    "no_shared_cipher", "version", "client_cert", "alert_received",
	    "alert_sent", "other" };

	return f < TF_HS_FAIL_N ? names[f] : "other";
}

__attribute__((weak)) const char *
tf_metrics_sess_name(enum tf_sess_stat s)
{
	static const char *const names[TF_SESS_N] = { "number", "connect",
	    "connect_good", "connect_renegotiate", "accept", "accept_good",
	    "accept_renegotiate", "hits", "misses", "timeouts", "cache_full" };

	return s < TF_SESS_N ? names[s] : "?";
}

__attribute__((weak)) const char *
tf_metrics_limit_name(enum tf_limit_kind k)
{
	static const char *const names[TF_LIMIT_N] = { "max_connections",
	    "handshakes", "per_address", "client_hello", "file_descriptors" };

	return k < TF_LIMIT_N ? names[k] : "?";
}
