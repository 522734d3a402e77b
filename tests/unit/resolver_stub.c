/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the name service of the unit tests. Linked into a test with
 * -Wl,--wrap=getaddrinfo, it answers every lookup of lib/ without the
 * machine's resolver, so that the tests pass the same in a bare chroot
 * (no /etc/hosts), offline, or with a slow DNS: "localhost" is the
 * loopback address, numeric hosts are parsed as numbers, and every other
 * name does not exist (EAI_NONAME, as for a ".invalid" name).
 */
#include <sys/socket.h>

#include <netdb.h>
#include <string.h>

int	__real_getaddrinfo(const char *, const char *,
	    const struct addrinfo *, struct addrinfo **);
int	__wrap_getaddrinfo(const char *, const char *,
	    const struct addrinfo *, struct addrinfo **);

int
__wrap_getaddrinfo(const char *host, const char *serv,
    const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo	 numeric;

	memset(&numeric, 0, sizeof(numeric));
	if (hints != NULL)
		numeric = *hints;
	numeric.ai_flags |= AI_NUMERICHOST;
	if (host != NULL && strcmp(host, "localhost") == 0)
		host = numeric.ai_family == AF_INET6 ? "::1" : "127.0.0.1";
	return __real_getaddrinfo(host, serv, &numeric, res);
}
