/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the admin endpoint's configuration, daemon.admin { listen;
 * allow_public; }: a loopback TCP address or a unix socket path, a public
 * address only when allow_public says so, never a listener's address.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "config.h"
#include "config_check.h"
#include "config_int.h"

#define ADMIN_UNIX_PREFIX	"unix:"

static const char *const admin_keys[] = {
	"listen", "allow_public", NULL
};

/* "unix:PATH" (PATH absolute or relative) or an absolute path. */
static const char *
admin_unix_path(const char *text)
{
	if (strncmp(text, ADMIN_UNIX_PREFIX, strlen(ADMIN_UNIX_PREFIX)) == 0)
		return text + strlen(ADMIN_UNIX_PREFIX);
	if (text[0] == '/')
		return text;
	return NULL;
}

/* A unix socket path, resolved against the config's directory. */
static void
admin_unix(struct config_load *ld, const struct tf_config_where *w,
    const char *text, const char *path)
{
	struct tf_config	*conf = ld->conf;
	struct sockaddr_un	 sun;
	char			*resolved, *addr, err[128];

	if (path[0] == '\0') {
		tf_errs_add(w->errs, w->file, w->line, "daemon.admin.listen "
		    "\"%s\": missing unix socket path", text);
		return;
	}
	resolved = tf_config_check_resolve(ld->basedir, path);
	if (strlen(resolved) >= sizeof(sun.sun_path)) {
		tf_errs_add(w->errs, w->file, w->line, "daemon.admin.listen "
		    "\"%s\": unix socket path \"%s\" is %zu bytes long, the "
		    "most a socket takes is %zu", text, resolved,
		    strlen(resolved), sizeof(sun.sun_path) - 1);
		free(resolved);
		return;
	}
	if (asprintf(&addr, ADMIN_UNIX_PREFIX "%s", resolved) == -1)
		tf_fatal("asprintf");
	if (tf_addr_parse(addr, false, &conf->admin_addr, err,
	    sizeof(err)) == -1)
		tf_errs_add(w->errs, w->file, w->line, "daemon.admin.listen "
		    "\"%s\": %s", text, err);
	free(addr);
	conf->admin_path = resolved;
}

/* 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
static bool
admin_is_loopback(const struct tf_addr *a)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	if (a->ss.ss_family == AF_INET) {
		sin = (const struct sockaddr_in *)&a->ss;
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	}
	if (a->ss.ss_family != AF_INET6)
		return false;
	sin6 = (const struct sockaddr_in6 *)&a->ss;
	return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) ||
	    (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) &&
	    sin6->sin6_addr.s6_addr[12] == 127);
}

/*
 * The host of "host:port" must be a number (or "*", or "localhost" for
 * 127.0.0.1): a name could resolve to another address than the one the
 * loopback check saw. Returns the text to parse (allocated), or NULL
 * after reporting a name.
 */
static char *
admin_numeric(const struct tf_config_where *w, const char *text)
{
	const char	*colon;
	char		*host, *out;
	struct in_addr	 in;

	colon = strrchr(text, ':');
	/* "[v6]:port", no port, "::1:port": tf_addr_parse decides. */
	if (text[0] == '[' || colon == NULL ||
	    memchr(text, ':', (size_t)(colon - text)) != NULL)
		return tf_config_strdup(text);
	if ((host = strndup(text, (size_t)(colon - text))) == NULL)
		tf_fatal("strndup");
	if (strcmp(host, "localhost") == 0) {
		if (asprintf(&out, "127.0.0.1%s", colon) == -1)
			tf_fatal("asprintf");
	} else if (host[0] == '\0' || strcmp(host, "*") == 0 ||
	    inet_pton(AF_INET, host, &in) == 1)
		out = tf_config_strdup(text);
	else {
		tf_errs_add(w->errs, w->file, w->line, "daemon.admin.listen "
		    "\"%s\": \"%s\" is not a numeric address (names are not "
		    "resolved here; write an IP address or localhost)", text,
		    host);
		out = NULL;
	}
	free(host);
	return out;
}

/* "host:port" or "[v6]:port": loopback unless allow_public. */
static void
admin_tcp(struct config_load *ld, const struct tf_config_where *w,
    const char *text)
{
	struct tf_config	*conf = ld->conf;
	struct tf_addr		 addr;
	char			*numeric, err[256], shown[TF_ADDR_STRLEN];

	if ((numeric = admin_numeric(w, text)) == NULL)
		return;
	if (tf_addr_parse(numeric, false, &addr, err, sizeof(err)) == -1) {
		tf_errs_add(w->errs, w->file, w->line, "daemon.admin.listen "
		    "\"%s\": %s", text, err);
		free(numeric);
		return;
	}
	free(numeric);
	if (!conf->admin_allow_public && !admin_is_loopback(&addr)) {
		tf_addr_format(&addr, shown, sizeof(shown));
		tf_errs_add(w->errs, w->file, w->line, "daemon.admin.listen "
		    "\"%s\": %s is not a loopback address; set allow_public = "
		    "true to serve the admin endpoint on it", text, shown);
		return;
	}
	conf->admin_addr = addr;
}

void
tf_config_admin(struct config_load *ld, const config_setting_t *daemon)
{
	struct tf_config	*conf = ld->conf;
	const config_setting_t	*group;
	struct tf_config_where	 w;
	const char		*v, *path;
	int			 line = 0;

	if ((group = tf_config_group(ld, daemon, "admin", admin_keys)) == NULL)
		return;
	conf->admin_line = (int)config_setting_source_line(group);
	tf_config_bool(ld, group, "allow_public", &conf->admin_allow_public,
	    &line);
	if ((v = tf_config_required(ld, group, "listen", &w)) == NULL)
		return;
	conf->admin_listen = tf_config_strdup(v);
	if ((path = admin_unix_path(v)) != NULL)
		admin_unix(ld, &w, v, path);
	else
		admin_tcp(ld, &w, v);
}

/* An address that serves every address of its family. */
static bool
admin_is_any(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr ==
		    htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(
	    &((const struct sockaddr_in6 *)ss)->sin6_addr);
}

static in_port_t
admin_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_port;
	return ((const struct sockaddr_in6 *)ss)->sin6_port;
}

/* a as IPv4 (itself or v4-mapped) into *out; false if it is not. */
static bool
admin_v4(const struct sockaddr_storage *ss, struct in_addr *out)
{
	const struct sockaddr_in6	*sin6;

	if (ss->ss_family == AF_INET) {
		*out = ((const struct sockaddr_in *)ss)->sin_addr;
		return true;
	}
	sin6 = (const struct sockaddr_in6 *)ss;
	if (!IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
		return false;
	memcpy(&out->s_addr, &sin6->sin6_addr.s6_addr[12], 4);
	return true;
}

/*
 * Whether the admin socket (bound without IPV6_V6ONLY: "[::]" takes IPv4
 * too) and a listener (IPV6_V6ONLY) would want the same port of the same
 * address, a wildcard included.
 */
static bool
admin_overlaps(const struct tf_addr *admin, const struct tf_addr *l)
{
	const struct sockaddr_in6	*a6, *l6;
	struct in_addr			 a4, l4;

	if (admin_port(&admin->ss) != admin_port(&l->ss))
		return false;
	if (admin->ss.ss_family == AF_INET6 && admin_is_any(&admin->ss))
		return true;
	if (admin_v4(&admin->ss, &a4)) {
		if (l->ss.ss_family != AF_INET)
			return false;
		l4 = ((const struct sockaddr_in *)&l->ss)->sin_addr;
		return a4.s_addr == l4.s_addr || a4.s_addr ==
		    htonl(INADDR_ANY) || l4.s_addr == htonl(INADDR_ANY);
	}
	if (l->ss.ss_family != AF_INET6)
		return false;
	a6 = (const struct sockaddr_in6 *)&admin->ss;
	l6 = (const struct sockaddr_in6 *)&l->ss;
	return IN6_ARE_ADDR_EQUAL(&a6->sin6_addr, &l6->sin6_addr) ||
	    admin_is_any(&l->ss);
}

void
tf_config_admin_check(struct config_load *ld, const config_setting_t *root)
{
	struct tf_config	*conf = ld->conf;
	const config_setting_t	*s;
	size_t			 i;

	if (conf->admin_listen == NULL || conf->admin_path != NULL ||
	    conf->admin_addr.len == 0)
		return;
	if ((s = config_setting_get_member(root, "daemon")) == NULL ||
	    (s = config_setting_get_member(s, "admin")) == NULL ||
	    (s = config_setting_get_member(s, "listen")) == NULL)
		return;
	for (i = 0; i < conf->nlisteners; i++) {
		if (conf->listeners[i].addr.len == 0 ||
		    !admin_overlaps(&conf->admin_addr,
		    &conf->listeners[i].addr))
			continue;
		tf_config_err(ld, s, "daemon.admin.listen \"%s\": address "
		    "already used by the listener at line %d",
		    conf->admin_listen, conf->listeners[i].line);
		return;
	}
}

void
tf_config_admin_free(struct tf_config *conf)
{
	free(conf->admin_listen);
	free(conf->admin_path);
}
