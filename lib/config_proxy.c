/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the PROXY protocol keys of the configuration: what a backend
 * is sent (proxy_protocol, proxy_protocol_tlvs) and what a listener takes
 * from a load balancer (accept_proxy, accept_proxy_from). A key that would
 * have no effect is refused, as an unknown key is.
 */
#include <string.h>

#include <libconfig.h>

#include "config.h"
#include "config_check.h"
#include "config_int.h"

static const struct {
	const char	*name;
	unsigned	 bit;
} proxy_tlv_groups[] = {
	{ "alpn", TF_PROXY_TLV_ALPN },
	{ "authority", TF_PROXY_TLV_AUTHORITY },
	{ "unique_id", TF_PROXY_TLV_UNIQUE_ID },
	{ "ssl", TF_PROXY_TLV_SSL },
};

static int
config_proxy_tlv_group(const char *name, unsigned *bits)
{
	size_t	i;

	for (i = 0; i < sizeof(proxy_tlv_groups) / sizeof(proxy_tlv_groups[0]);
	    i++) {
		if (strcmp(name, proxy_tlv_groups[i].name) == 0) {
			*bits |= proxy_tlv_groups[i].bit;
			return 0;
		}
	}
	return -1;
}

/* proxy_protocol_tlvs: the groups named; all of them if absent. */
static void
config_proxy_tlvs(struct config_load *ld, const config_setting_t *group,
    struct tf_backend_conf *be)
{
	const config_setting_t	*list, *e;
	const char		*v;
	unsigned		 i;

	be->proxy_protocol_tlvs = TF_PROXY_TLV_ALL;
	if ((list = tf_config_list(ld, group, "proxy_protocol_tlvs", false)) ==
	    NULL)
		return;
	if (be->proxy_protocol != TF_PROXY_V2)
		tf_config_err(ld, list, "backend \"%s\": proxy_protocol_tlvs "
		    "needs proxy_protocol = \"v2\" (only v2 carries TLVs)",
		    be->name);
	be->proxy_protocol_tlvs = 0;
	for (i = 0; (e = config_setting_get_elem(list, i)) != NULL; i++) {
		if ((v = tf_config_elem_string(ld, e)) == NULL)
			continue;
		if (config_proxy_tlv_group(v, &be->proxy_protocol_tlvs) == -1)
			tf_config_err(ld, e, "unknown proxy_protocol_tlvs "
			    "group \"%s\" (expected alpn, authority, "
			    "unique_id or ssl)", v);
	}
}

void
tf_config_backend_proxy(struct config_load *ld, const config_setting_t *group,
    struct tf_backend_conf *be)
{
	struct tf_config_where	 w;
	const char		*v;

	if ((v = tf_config_value(ld, group, "proxy_protocol", &w)) != NULL)
		tf_config_check_proxy_protocol(&w, v, &be->proxy_protocol);
	config_proxy_tlvs(ld, group, be);
}

static void
config_proxy_from(struct config_load *ld, const config_setting_t *list,
    struct tf_listener_conf *l)
{
	const config_setting_t	*e;
	const char		*v;
	char			 err[128];
	size_t			 i, n = (size_t)config_setting_length(list);

	if (n == 0) {
		tf_config_err(ld, list, "accept_proxy_from: needs at least one "
		    "address prefix (leave it out to take a header from any "
		    "peer)");
		return;
	}
	l->accept_proxy_from = tf_config_calloc(n,
	    sizeof(*l->accept_proxy_from));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		if ((v = tf_config_elem_string(ld, e)) == NULL)
			continue;
		if (tf_cidr_parse(v, &l->accept_proxy_from[l->
		    naccept_proxy_from], err, sizeof(err)) == -1) {
			tf_config_err(ld, e, "accept_proxy_from \"%s\": %s", v,
			    err);
			continue;
		}
		l->naccept_proxy_from++;
	}
}

void
tf_config_listener_proxy(struct config_load *ld,
    const config_setting_t *group, struct tf_listener_conf *l)
{
	const config_setting_t	*list;
	int			 line = 0;

	tf_config_bool(ld, group, "accept_proxy", &l->accept_proxy, &line);
	if ((list = tf_config_list(ld, group, "accept_proxy_from", false)) ==
	    NULL)
		return;
	if (!l->accept_proxy)
		tf_config_err(ld, list, "accept_proxy_from needs accept_proxy "
		    "= true");
	config_proxy_from(ld, list, l);
}
