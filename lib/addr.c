/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: socket addresses as written in the configuration.
 * Parses "host:port", "[v6]:port", "*:port" and "unix:/path"; formats back.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

#define ADDR_UNIX_PREFIX	"unix:"

/* "unix:/path": the path must fit sun_path with its terminating NUL. */
static int
addr_parse_unix(const char *path, struct tf_addr *out, char *err,
    size_t errlen)
{
	struct sockaddr_un	*sun;
	size_t			 len;

	len = strlen(path);
	if (len == 0) {
		snprintf(err, errlen, "missing unix socket path");
		return -1;
	}
	sun = (struct sockaddr_un *)&out->ss;
	if (len >= sizeof(sun->sun_path)) {
		snprintf(err, errlen, "unix socket path too long");
		return -1;
	}
	memset(out, 0, sizeof(*out));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, len + 1);
	out->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    1);
	return 0;
}

/* Decimal 0-65535 only: no sign, no spaces, no service names. */
static int
addr_parse_port(const char *text, bool allow_port_zero, char *err,
    size_t errlen)
{
	const char	*p;
	long		 port = 0;

	if (*text == '\0') {
		snprintf(err, errlen, "missing port");
		return -1;
	}
	for (p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || p - text >= 5)
			goto bad;
		port = port * 10 + (*p - '0');
	}
	if (port > 65535)
		goto bad;
	if (port == 0 && !allow_port_zero) {
		snprintf(err, errlen, "port 0 is not allowed");
		return -1;
	}
	return (int)port;
bad:
	snprintf(err, errlen, "invalid port \"%s\"", text);
	return -1;
}

/* Resolve host (numeric or a name; first result wins) with port. */
static int
addr_resolve(const char *host, const char *port, int family,
    struct tf_addr *out, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res;
	int		 rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (family == AF_INET6)
		hints.ai_flags |= AI_NUMERICHOST;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		if (family == AF_INET6)
			snprintf(err, errlen, "invalid IPv6 address \"%s\"",
			    host);
		else
			snprintf(err, errlen, "cannot resolve host \"%s\": %s",
			    host, gai_strerror(rc));
		return -1;
	}
	memset(out, 0, sizeof(*out));
	memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
	out->len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* Split "[v6]:port" or "host:port" into copies of host and port. */
static int
addr_split(const char *text, char **host, const char **port, int *family,
    char *err, size_t errlen)
{
	const char	*close, *colon;

	*family = AF_UNSPEC;
	if (text[0] == '[') {
		close = strchr(text, ']');
		if (close == NULL) {
			snprintf(err, errlen,
			    "missing \"]\" after IPv6 address");
			return -1;
		}
		if (close[1] != ':') {
			snprintf(err, errlen, close[1] == '\0' ?
			    "missing port" : "expected \":port\" after \"]\"");
			return -1;
		}
		*family = AF_INET6;
		*host = strndup(text + 1, (size_t)(close - text - 1));
		*port = close + 2;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL) {
			snprintf(err, errlen, "missing port");
			return -1;
		}
		if (memchr(text, ':', (size_t)(colon - text)) != NULL) {
			snprintf(err, errlen,
			    "write IPv6 addresses as \"[address]:port\"");
			return -1;
		}
		*host = strndup(text, (size_t)(colon - text));
		*port = colon + 1;
	}
	if (*host == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
tf_addr_parse(const char *text, bool allow_port_zero, struct tf_addr *out,
    char *err, size_t errlen)
{
	const char	*port;
	char		*host;
	int		 family, rc;

	if (strncmp(text, ADDR_UNIX_PREFIX, strlen(ADDR_UNIX_PREFIX)) == 0)
		return addr_parse_unix(text + strlen(ADDR_UNIX_PREFIX), out,
		    err, errlen);
	if (addr_split(text, &host, &port, &family, err, errlen) == -1)
		return -1;
	rc = -1;
	if (addr_parse_port(port, allow_port_zero, err, errlen) == -1)
		goto done;
	if (host[0] == '\0') {
		snprintf(err, errlen, "missing host");
		goto done;
	}
	if (family == AF_UNSPEC && strcmp(host, "*") == 0) {
		free(host);
		host = strdup("0.0.0.0");
		if (host == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		family = AF_INET;
	}
	rc = addr_resolve(host, port, family, out, err, errlen);
done:
	free(host);
	return rc;
}

bool
tf_addr_is_unix(const struct tf_addr *addr)
{
	return addr->ss.ss_family == AF_UNIX;
}

const char *
tf_addr_format(const struct tf_addr *addr, char *buf, size_t len)
{
	return tf_addr_format_sa((const struct sockaddr *)&addr->ss, addr->len,
	    buf, len);
}

/* An unnamed or abstract unix socket has no path to show. */
static const char *
addr_format_unix(const struct sockaddr *sa, socklen_t salen, char *buf,
    size_t len)
{
	const struct sockaddr_un	*sun = (const struct sockaddr_un *)sa;
	size_t				 plen;

	if (salen <= offsetof(struct sockaddr_un, sun_path) ||
	    sun->sun_path[0] == '\0') {
		snprintf(buf, len, "unix:");
		return buf;
	}
	plen = strnlen(sun->sun_path, salen -
	    offsetof(struct sockaddr_un, sun_path));
	snprintf(buf, len, "unix:%.*s", (int)plen, sun->sun_path);
	return buf;
}

const char *
tf_addr_format_sa(const struct sockaddr *sa, socklen_t salen, char *buf,
    size_t len)
{
	char	host[NI_MAXHOST], serv[NI_MAXSERV];

	if (sa->sa_family == AF_UNIX)
		return addr_format_unix(sa, salen, buf, len);
	if ((sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
	    getnameinfo(sa, salen, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(buf, len, "unknown");
		return buf;
	}
	if (sa->sa_family == AF_INET6)
		snprintf(buf, len, "[%s]:%s", host, serv);
	else
		snprintf(buf, len, "%s:%s", host, serv);
	return buf;
}
