/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the keys of a backend that say what happens when its servers
 * fail: balance (which server a connection goes to), retry_after (the
 * base of the backoff of a server that refused or timed out) and
 * health_check (active TCP checks, optionally with a send/expect probe).
 */
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "balance.h"
#include "config.h"
#include "config_int.h"

/* The longest send and expect strings: a probe, not a conversation. */
#define CONFIG_PROBE_MAX	1024

static const char *const health_check_keys[] = {
	"interval", "timeout", "rise", "fall", "send", "expect", NULL
};

static void
config_balance(struct config_load *ld, const config_setting_t *group,
    struct tf_backend_conf *be)
{
	const config_setting_t	*s;
	const char		*v;

	if ((s = config_setting_get_member(group, "balance")) == NULL)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		tf_config_err_type(ld, s, "expected a string");
		return;
	}
	v = config_setting_get_string(s);
	if (tf_balance_parse(v, &be->balance) == -1)
		tf_config_err(ld, s, "backend \"%s\": unknown balance \"%s\" "
		    "(expected roundrobin, first or leastconn)", be->name, v);
}

/* send or expect: a string of at most CONFIG_PROBE_MAX bytes. */
static void
config_probe_string(struct config_load *ld, const config_setting_t *group,
    const char *name, char **out)
{
	const config_setting_t	*s;

	if (tf_config_dup_string(ld, group, name, out) == 0 || *out == NULL)
		return;
	if (strlen(*out) > CONFIG_PROBE_MAX) {
		s = config_setting_get_member(group, name);
		tf_config_err_type(ld, s, "must be at most 1024 bytes");
		free(*out);
		*out = NULL;
	}
}

static void
config_health_check(struct config_load *ld, const config_setting_t *group,
    struct tf_backend_conf *be)
{
	struct tf_health_check_conf	*hc;
	const config_setting_t		*s;

	if ((s = tf_config_group(ld, group, "health_check",
	    health_check_keys)) == NULL)
		return;
	hc = tf_config_calloc(1, sizeof(*hc));
	hc->line = tf_config_line(ld, s);
	hc->interval = TF_DEFAULT_CHECK_INTERVAL;
	hc->timeout = 0;
	hc->rise = TF_DEFAULT_CHECK_RISE;
	hc->fall = TF_DEFAULT_CHECK_FALL;
	tf_config_seconds(ld, s, "interval", &hc->interval);
	tf_config_seconds(ld, s, "timeout", &hc->timeout);
	/* HAProxy's default: a check may take the whole interval. */
	if (hc->timeout == 0)
		hc->timeout = hc->interval;
	tf_config_int(ld, s, "rise", 1, TF_CHECK_COUNT_MAX, &hc->rise);
	tf_config_int(ld, s, "fall", 1, TF_CHECK_COUNT_MAX, &hc->fall);
	config_probe_string(ld, s, "send", &hc->send);
	config_probe_string(ld, s, "expect", &hc->expect);
	be->health_check = hc;
}

void
tf_config_backend_failover(struct config_load *ld,
    const config_setting_t *group, struct tf_backend_conf *be)
{
	be->balance = TF_BALANCE_ROUNDROBIN;
	be->retry_after = TF_DEFAULT_RETRY_AFTER;
	config_balance(ld, group, be);
	tf_config_seconds(ld, group, "retry_after", &be->retry_after);
	config_health_check(ld, group, be);
}

void
tf_config_backend_failover_free(struct tf_backend_conf *be)
{
	if (be->health_check == NULL)
		return;
	free(be->health_check->send);
	free(be->health_check->expect);
	free(be->health_check);
	be->health_check = NULL;
}
