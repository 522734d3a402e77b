/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a listener's routes (routes.h): name tables built once per
 * configuration, a ClientHello callback that switches contexts, and the
 * lookup that picks a backend after the handshake.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "config.h"
#include "context.h"
#include "log.h"
#include "names.h"
#include "routes.h"

/* The routes with both names and one alpn value. */
struct routes_alpn_names {
	const char	*alpn;
	struct tf_names	*names;		/* name -> route index */
};

struct tf_routes {
	const struct tf_listener_conf	*l;
	SSL_CTX *const			*contexts;
	struct tf_names			*by_name;	/* routes without alpn */
	struct routes_alpn_names	*by_alpn_name;
	size_t				 nalpn_names;
	bool				 switches;	/* some route has a context */
	bool				 passthrough;	/* some route passes */
};

/* A connection a passthrough route took, kept on its SSL. */
struct routes_pass {
	const struct tf_route_conf	*route;
	char				 sni[TF_NAME_MAX + 2]; /* "": none */
};

static CRYPTO_ONCE	routes_once = CRYPTO_ONCE_STATIC_INIT;
static int		routes_idx = -1;	/* SSL: const struct tf_routes */
static int		routes_pass_idx = -1;	/* SSL: struct routes_pass */

static void
routes_pass_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	(void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
	free(ptr);
}

static void
routes_init_once(void)
{
	routes_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	routes_pass_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL,
	    routes_pass_free);
}

static bool
routes_init(void)
{
	return CRYPTO_THREAD_run_once(&routes_once, routes_init_once) == 1 &&
	    routes_idx >= 0 && routes_pass_idx >= 0;
}

static uint16_t
routes_u16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

bool
tf_routes_sni(const unsigned char *ext, size_t len, char *buf)
{
	size_t	list, n;

	/* ServerNameList: a 2-byte length, then (type, 2-byte length,
	 * name) entries (RFC 6066 3). */
	if (len < 2 || (list = routes_u16(ext)) != len - 2)
		return false;
	for (ext += 2; list >= 3; ext += 3 + n, list -= 3 + n) {
		n = routes_u16(ext + 1);
		if (n > list - 3)
			return false;
		if (ext[0] != TLSEXT_NAMETYPE_host_name)
			continue;
		if (n == 0 || n > TF_NAME_MAX + 1 ||
		    memchr(ext + 3, '\0', n) != NULL)
			return false;
		memcpy(buf, ext + 3, n);
		buf[n] = '\0';
		return true;
	}
	return false;
}

/* Whether the ClientHello's ALPN extension offers protocol alpn. */
static bool
routes_offered(SSL *ssl, const char *alpn)
{
	const unsigned char	*ext;
	size_t			 len, n, want = strlen(alpn);

	if (SSL_client_hello_get0_ext(ssl,
	    TLSEXT_TYPE_application_layer_protocol_negotiation, &ext,
	    &len) != 1 || len < 2 || routes_u16(ext) != len - 2)
		return false;
	for (ext += 2, len -= 2; len > 0; ext += 1 + n, len -= 1 + n) {
		if ((n = ext[0]) + 1 > len)
			return false;
		if (n == want && memcmp(ext + 1, alpn, n) == 0)
			return true;
	}
	return false;
}

/* The passthrough route for this ClientHello (host "": no SNI), in the
 * order of tf_routes_find, alpn being one the client offers. */
static const struct tf_route_conf *
routes_pass_find(const struct tf_routes *rt, SSL *ssl, const char *host)
{
	const struct tf_route_conf	*r;
	size_t				 i, j;

	for (i = 0; *host != '\0' && i < rt->nalpn_names; i++) {
		if (tf_names_find(rt->by_alpn_name[i].names, host, &j) &&
		    rt->l->routes[j].passthrough &&
		    routes_offered(ssl, rt->by_alpn_name[i].alpn))
			return &rt->l->routes[j];
	}
	for (i = 0; i < rt->l->nroutes; i++) {
		r = &rt->l->routes[i];
		if (r->passthrough && r->nnames == 0 &&
		    routes_offered(ssl, r->alpn.value))
			return r;
	}
	if (*host != '\0' && tf_names_find(rt->by_name, host, &j) &&
	    rt->l->routes[j].passthrough)
		return &rt->l->routes[j];
	return NULL;
}

/* Keep the passthrough route on ssl and pause the handshake for good. */
static int
routes_pass(SSL *ssl, const struct tf_route_conf *r, const char *host,
    int *alert)
{
	struct routes_pass	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    SSL_set_ex_data(ssl, routes_pass_idx, p) != 1) {
		free(p);
		*alert = SSL_AD_INTERNAL_ERROR;
		return SSL_CLIENT_HELLO_ERROR;
	}
	p->route = r;
	strcpy(p->sni, host);
	return SSL_CLIENT_HELLO_RETRY;
}

/*
 * At the ClientHello, before the version and any session: a passthrough
 * route takes the connection (the handshake pauses, never to go on); else
 * a route for the server name with a context of its own moves the
 * connection there. A malformed server_name is left to libssl, which
 * refuses it.
 */
static int
routes_hello_cb(SSL *ssl, int *alert, void *arg)
{
	const struct tf_routes		*rt;
	const struct tf_route_conf	*r;
	const unsigned char		*ext;
	SSL_CTX				*to;
	size_t				 len, i;
	char				 host[TF_NAME_MAX + 2];

	(void)arg;
	if ((rt = SSL_get_ex_data(ssl, routes_idx)) == NULL)
		return SSL_CLIENT_HELLO_SUCCESS;
	if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &ext,
	    &len) != 1 || !tf_routes_sni(ext, len, host))
		host[0] = '\0';
	if (rt->passthrough && SSL_get_ex_data(ssl, routes_pass_idx) == NULL &&
	    (r = routes_pass_find(rt, ssl, host)) != NULL)
		return routes_pass(ssl, r, host, alert);
	if (!rt->switches || host[0] == '\0' ||
	    !tf_names_find(rt->by_name, host, &i))
		return SSL_CLIENT_HELLO_SUCCESS;
	r = &rt->l->routes[i];
	if (!r->has_context || (to = rt->contexts[r->context]) ==
	    SSL_get_SSL_CTX(ssl))
		return SSL_CLIENT_HELLO_SUCCESS;
	if (tf_context_switch(ssl, to) == -1) {
		*alert = SSL_AD_INTERNAL_ERROR;
		return SSL_CLIENT_HELLO_ERROR;
	}
	return SSL_CLIENT_HELLO_SUCCESS;
}

/* The table of routes with names and this alpn, made on first use. */
static struct tf_names *
routes_alpn_table(struct tf_routes *rt, const char *alpn)
{
	size_t	i;

	for (i = 0; i < rt->nalpn_names; i++) {
		if (strcmp(rt->by_alpn_name[i].alpn, alpn) == 0)
			return rt->by_alpn_name[i].names;
	}
	rt->by_alpn_name[i].alpn = alpn;
	rt->by_alpn_name[i].names = tf_names_new();
	rt->nalpn_names++;
	return rt->by_alpn_name[i].names;
}

/* Index route i's names; check the switch to its context. */
static int
routes_add(struct tf_routes *rt, const struct tf_config *conf, size_t i,
    struct tf_errs *errs)
{
	const struct tf_route_conf	*r = &rt->l->routes[i];
	struct tf_names			*names;
	const char			*why;
	size_t				 j;

	names = r->alpn.value == NULL ? rt->by_name :
	    routes_alpn_table(rt, r->alpn.value);
	for (j = 0; j < r->nnames; j++)
		(void)tf_names_add(names, r->names[j].value, i, NULL);
	rt->passthrough |= r->passthrough;
	if (!r->has_context || r->context == rt->l->context)
		return 0;
	if (!tf_context_switch_possible(rt->contexts[rt->l->context],
	    rt->contexts[r->context], &why))
		return tf_errs_add(errs, conf->file, r->line, "route to "
		    "context \"%s\": %s", conf->contexts[r->context].name,
		    why);
	tf_context_sni_own(rt->contexts[r->context]);
	rt->switches = true;
	return 0;
}

struct tf_routes *
tf_routes_new(const struct tf_config *conf, size_t listener,
    SSL_CTX *const *contexts, struct tf_errs *errs)
{
	const struct tf_listener_conf	*l = &conf->listeners[listener];
	struct tf_routes		*rt;
	size_t				 i;
	int				 failed = 0;

	if (l->nroutes == 0)
		return NULL;
	if (!routes_init())
		tf_fatalx("cannot register an OpenSSL ex_data index");
	if ((rt = calloc(1, sizeof(*rt))) == NULL ||
	    (rt->by_alpn_name = calloc(l->nroutes,
	    sizeof(*rt->by_alpn_name))) == NULL)
		tf_fatal("calloc");
	rt->l = l;
	rt->contexts = contexts;
	rt->by_name = tf_names_new();
	for (i = 0; i < l->nroutes; i++)
		failed |= routes_add(rt, conf, i, errs);
	if (failed) {
		tf_routes_free(rt);
		return NULL;
	}
	if (rt->switches || rt->passthrough)
		SSL_CTX_set_client_hello_cb(contexts[l->context],
		    routes_hello_cb, NULL);
	return rt;
}

void
tf_routes_free(struct tf_routes *rt)
{
	size_t	i;

	if (rt == NULL)
		return;
	for (i = 0; i < rt->nalpn_names; i++)
		tf_names_free(rt->by_alpn_name[i].names);
	free(rt->by_alpn_name);
	tf_names_free(rt->by_name);
	free(rt);
}

bool
tf_routes_at_hello(const struct tf_routes *rt)
{
	return rt != NULL && (rt->switches || rt->passthrough);
}

bool
tf_routes_passthrough(const struct tf_routes *rt)
{
	return rt != NULL && rt->passthrough;
}

const struct tf_route_conf *
tf_routes_passed(const SSL *ssl, const char **sni)
{
	const struct routes_pass	*p;

	if (!routes_init() || (p = SSL_get_ex_data(ssl, routes_pass_idx)) ==
	    NULL)
		return NULL;
	*sni = p->sni[0] != '\0' ? p->sni : NULL;
	return p->route;
}

int
tf_routes_attach(SSL *ssl, const struct tf_routes *rt)
{
	return SSL_set_ex_data(ssl, routes_idx, (void *)rt) == 1 ? 0 : -1;
}

/* Whether the negotiated protocol is route r's alpn. */
static bool
routes_alpn_is(const struct tf_route_conf *r, const unsigned char *alpn,
    unsigned int len)
{
	return r->alpn.value != NULL && strlen(r->alpn.value) == len &&
	    memcmp(r->alpn.value, alpn, len) == 0;
}

const struct tf_route_conf *
tf_routes_find(const struct tf_routes *rt, const char *host,
    const unsigned char *alpn, unsigned int alpnlen)
{
	const struct tf_listener_conf	*l;
	size_t				 i, r;

	if (rt == NULL)
		return NULL;
	l = rt->l;
	if (alpn != NULL && alpnlen > 0) {
		for (i = 0; host != NULL && i < rt->nalpn_names; i++) {
			if (strlen(rt->by_alpn_name[i].alpn) == alpnlen &&
			    memcmp(rt->by_alpn_name[i].alpn, alpn,
			    alpnlen) == 0 &&
			    tf_names_find(rt->by_alpn_name[i].names, host, &r))
				return &l->routes[r];
		}
		for (i = 0; i < l->nroutes; i++) {
			if (l->routes[i].nnames == 0 &&
			    routes_alpn_is(&l->routes[i], alpn, alpnlen))
				return &l->routes[i];
		}
	}
	if (host != NULL && tf_names_find(rt->by_name, host, &r))
		return &l->routes[r];
	return NULL;
}
