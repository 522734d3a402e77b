/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: address prefixes as written in the configuration
 * ("10.0.0.0/8", "::1/128", a bare address for one host) and whether a
 * peer's address falls in one of a list of them.
 */
#ifndef TF_CIDR_H
#define TF_CIDR_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tf_cidr {
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		addr[16];	/* 4 bytes used for AF_INET */
	unsigned	prefix;		/* bits that must match */
};

/*
 * Parse text into out. As Python's ipaddress.ip_network (strict): the
 * address part must have no bit set past the prefix length. On failure
 * returns -1 and writes a reason into err.
 */
int	tf_cidr_parse(const char *text, struct tf_cidr *out, char *err,
	    size_t errlen);

/*
 * Whether sa (IPv4 or IPv6; an IPv4-mapped IPv6 address is matched as
 * IPv4 too) is in one of the n prefixes. Other families never match.
 */
bool	tf_cidr_match(const struct tf_cidr *list, size_t n,
	    const struct sockaddr *sa);

#endif
