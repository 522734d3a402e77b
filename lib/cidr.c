/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: address prefixes (cidr.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "cidr.h"

/* A prefix length: 0 to max, decimal, no leading zero. */
static int
cidr_prefix(const char *s, unsigned max, unsigned *out)
{
	unsigned	v = 0;
	size_t		i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i == 3 ||
		    (i == 1 && s[0] == '0'))
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (i == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Whether the first bits of a and b are equal. */
static bool
cidr_bits_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned	whole = bits / 8, rest = bits % 8;
	uint8_t		mask;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/* Whether a bit past the prefix is set in c's address. */
static bool
cidr_host_bits(const struct tf_cidr *c)
{
	unsigned		len = c->family == AF_INET ? 32 : 128;
	unsigned		i;

	for (i = c->prefix; i < len; i++)
		if (c->addr[i / 8] & (0x80 >> (i % 8)))
			return true;
	return false;
}

int
tf_cidr_parse(const char *text, struct tf_cidr *out, char *err,
    size_t errlen)
{
	char		 addr[INET6_ADDRSTRLEN + 1];
	const char	*slash = strchr(text, '/');
	size_t		 alen = slash != NULL ? (size_t)(slash - text) :
	    strlen(text);
	unsigned	 max;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= sizeof(addr)) {
		snprintf(err, errlen, "not an IPv4 or IPv6 address");
		return -1;
	}
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, out->addr) == 1)
		out->family = AF_INET6;
	else {
		snprintf(err, errlen, "not an IPv4 or IPv6 address");
		return -1;
	}
	max = out->family == AF_INET ? 32 : 128;
	out->prefix = max;
	if (slash != NULL && cidr_prefix(slash + 1, max, &out->prefix) == -1) {
		snprintf(err, errlen, "prefix length must be 0 to %u", max);
		return -1;
	}
	if (cidr_host_bits(out)) {
		snprintf(err, errlen, "has host bits set");
		return -1;
	}
	return 0;
}

bool
tf_cidr_match(const struct tf_cidr *list, size_t n,
    const struct sockaddr *sa)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6 = NULL;
	const uint8_t			*v4 = NULL, *v6 = NULL;
	size_t				 i;

	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)(const void *)sa;
		v4 = (const uint8_t *)&sin->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		v6 = sin6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
			v4 = v6 + 12;
	}
	for (i = 0; i < n; i++) {
		if (list[i].family == AF_INET && v4 != NULL &&
		    cidr_bits_equal(list[i].addr, v4, list[i].prefix))
			return true;
		if (list[i].family == AF_INET6 && v6 != NULL &&
		    cidr_bits_equal(list[i].addr, v6, list[i].prefix))
			return true;
	}
	return false;
}
