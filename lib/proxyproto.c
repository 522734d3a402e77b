/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: PROXY protocol v1 and v2 (proxyproto.h). The decoder follows
 * the letter of proxy-protocol.txt: exact signatures, single spaces,
 * canonical numbers without leading zeroes, CRLF within 107 bytes, known
 * version, command, family and transport, TLVs framed within the header.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "proxyproto.h"

static const uint8_t	pp_v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
};
static const char	pp_v1_sig[] = "PROXY ";

#define PP_V1_SIG_LEN	6
#define PP_V2_VERSION	0x20
#define PP_V2_CMD_LOCAL	0x00
#define PP_V2_CMD_PROXY	0x01
#define PP_FAM_UNSPEC	0x00
#define PP_FAM_TCP4	0x11
#define PP_FAM_UDP4	0x12
#define PP_FAM_TCP6	0x21
#define PP_FAM_UDP6	0x22
#define PP_FAM_UNIX	0x31
#define PP_FAM_UNIX_DG	0x32
#define PP_ADDR4_LEN	12
#define PP_ADDR6_LEN	36
#define PP_ADDRUNIX_LEN	216
#define PP_TLV_HEADER	3
#define PP_SSL_FIXED	5	/* client flags and verify */

/* --- encoding --- */

/* sa as IPv4 or IPv6 in out (an IPv4-mapped IPv6 address as IPv4);
 * AF_UNSPEC if it is neither. */
static int
pp_normalize(const struct sockaddr *sa, union tf_proxy_addr *out)
{
	const struct sockaddr_in6	*sin6;

	memset(out, 0, sizeof(*out));
	if (sa == NULL)
		return AF_UNSPEC;
	if (sa->sa_family == AF_INET) {
		memcpy(&out->sin, sa, sizeof(out->sin));
		return AF_INET;
	}
	if (sa->sa_family != AF_INET6)
		return AF_UNSPEC;
	sin6 = (const struct sockaddr_in6 *)(const void *)sa;
	if (!IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		memcpy(&out->sin6, sa, sizeof(out->sin6));
		return AF_INET6;
	}
	out->sin.sin_family = AF_INET;
	out->sin.sin_port = sin6->sin6_port;
	memcpy(&out->sin.sin_addr, sin6->sin6_addr.s6_addr + 12, 4);
	return AF_INET;
}

/* An IPv4 address of a header that also carries IPv6: IPv4-mapped. */
static void
pp_to_v6(union tf_proxy_addr *a)
{
	struct sockaddr_in6	sin6;

	if (a->sa.sa_family != AF_INET)
		return;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = a->sin.sin_port;
	sin6.sin6_addr.s6_addr[10] = 0xff;
	sin6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(sin6.sin6_addr.s6_addr + 12, &a->sin.sin_addr, 4);
	a->sin6 = sin6;
}

/* Both addresses in one family: AF_INET, AF_INET6 or AF_UNSPEC. */
static int
pp_addresses(const struct tf_proxy_info *info, union tf_proxy_addr *src,
    union tf_proxy_addr *dst)
{
	int	sf = pp_normalize(info->src, src);
	int	df = pp_normalize(info->dst, dst);

	if (sf == AF_UNSPEC || df == AF_UNSPEC)
		return AF_UNSPEC;
	if (sf == AF_INET && df == AF_INET)
		return AF_INET;
	pp_to_v6(src);
	pp_to_v6(dst);
	return AF_INET6;
}

size_t
tf_proxy_encode_v1(const struct tf_proxy_info *info, char *buf, size_t size)
{
	union tf_proxy_addr	src, dst;
	char			s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int			family, n;

	family = pp_addresses(info, &src, &dst);
	if (family == AF_UNSPEC)
		n = snprintf(buf, size, "PROXY UNKNOWN\r\n");
	else if (family == AF_INET)
		n = snprintf(buf, size, "PROXY TCP4 %s %s %u %u\r\n",
		    inet_ntop(AF_INET, &src.sin.sin_addr, s, sizeof(s)),
		    inet_ntop(AF_INET, &dst.sin.sin_addr, d, sizeof(d)),
		    ntohs(src.sin.sin_port), ntohs(dst.sin.sin_port));
	else
		n = snprintf(buf, size, "PROXY TCP6 %s %s %u %u\r\n",
		    inet_ntop(AF_INET6, &src.sin6.sin6_addr, s, sizeof(s)),
		    inet_ntop(AF_INET6, &dst.sin6.sin6_addr, d, sizeof(d)),
		    ntohs(src.sin6.sin6_port), ntohs(dst.sin6.sin6_port));
	if (n < 0 || (size_t)n >= size)
		return 0;
	return (size_t)n;
}

/* A v2 header being written: off past the last byte, 0 once it failed. */
struct pp_out {
	uint8_t	*buf;
	size_t	 size;
	size_t	 off;
	bool	 failed;
};

static void
pp_put(struct pp_out *o, const void *p, size_t len)
{
	if (o->failed || len > o->size - o->off) {
		o->failed = true;
		return;
	}
	memcpy(o->buf + o->off, p, len);
	o->off += len;
}

static void
pp_put_u16(struct pp_out *o, size_t v)
{
	uint8_t	b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	pp_put(o, b, sizeof(b));
}

/* One TLV (nothing if value is absent). */
static void
pp_put_tlv(struct pp_out *o, uint8_t type, const void *p, size_t len)
{
	if (p == NULL)
		return;
	if (len > UINT16_MAX) {
		o->failed = true;
		return;
	}
	pp_put(o, &type, 1);
	pp_put_u16(o, len);
	pp_put(o, p, len);
}

static void
pp_put_str(struct pp_out *o, uint8_t type, const char *s)
{
	pp_put_tlv(o, type, s, s != NULL ? strlen(s) : 0);
}

/* Patch a 2-byte length at at: the bytes written since at + 2. */
static void
pp_patch_len(struct pp_out *o, size_t at)
{
	size_t	len = o->off - at - 2;

	if (o->failed)
		return;
	if (len > UINT16_MAX) {
		o->failed = true;
		return;
	}
	o->buf[at] = (uint8_t)(len >> 8);
	o->buf[at + 1] = (uint8_t)len;
}

static void
pp_put_ssl(struct pp_out *o, const struct tf_proxy_ssl *ssl)
{
	uint8_t	type = TF_PP2_TYPE_SSL, fixed[PP_SSL_FIXED];
	size_t	at;

	if (!ssl->present)
		return;
	pp_put(o, &type, 1);
	at = o->off;
	pp_put_u16(o, 0);
	fixed[0] = ssl->client;
	fixed[1] = (uint8_t)(ssl->verify >> 24);
	fixed[2] = (uint8_t)(ssl->verify >> 16);
	fixed[3] = (uint8_t)(ssl->verify >> 8);
	fixed[4] = (uint8_t)ssl->verify;
	pp_put(o, fixed, sizeof(fixed));
	pp_put_str(o, TF_PP2_SUBTYPE_SSL_VERSION, ssl->version);
	pp_put_str(o, TF_PP2_SUBTYPE_SSL_CN, ssl->cn);
	pp_put_str(o, TF_PP2_SUBTYPE_SSL_CIPHER, ssl->cipher);
	pp_put_str(o, TF_PP2_SUBTYPE_SSL_SIG_ALG, ssl->sig_alg);
	pp_put_str(o, TF_PP2_SUBTYPE_SSL_KEY_ALG, ssl->key_alg);
	pp_patch_len(o, at);
}

static void
pp_put_addresses(struct pp_out *o, int family, const union tf_proxy_addr *src,
    const union tf_proxy_addr *dst)
{
	uint8_t	fam;

	fam = family == AF_INET ? PP_FAM_TCP4 : family == AF_INET6 ?
	    PP_FAM_TCP6 : PP_FAM_UNSPEC;
	pp_put(o, &fam, 1);
	pp_put_u16(o, 0);		/* patched at the end */
	if (family == AF_INET) {
		pp_put(o, &src->sin.sin_addr, 4);
		pp_put(o, &dst->sin.sin_addr, 4);
		pp_put(o, &src->sin.sin_port, 2);
		pp_put(o, &dst->sin.sin_port, 2);
	} else if (family == AF_INET6) {
		pp_put(o, &src->sin6.sin6_addr, 16);
		pp_put(o, &dst->sin6.sin6_addr, 16);
		pp_put(o, &src->sin6.sin6_port, 2);
		pp_put(o, &dst->sin6.sin6_port, 2);
	}
}

size_t
tf_proxy_encode_v2(const struct tf_proxy_info *info, uint8_t *buf,
    size_t size)
{
	struct pp_out		o = { buf, size, 0, false };
	union tf_proxy_addr	src, dst;
	uint8_t			ver_cmd = PP_V2_VERSION | PP_V2_CMD_PROXY;

	pp_put(&o, pp_v2_sig, sizeof(pp_v2_sig));
	pp_put(&o, &ver_cmd, 1);
	pp_put_addresses(&o, pp_addresses(info, &src, &dst), &src, &dst);
	pp_put_tlv(&o, TF_PP2_TYPE_ALPN, info->alpn.p, info->alpn.len);
	pp_put_tlv(&o, TF_PP2_TYPE_AUTHORITY, info->authority.p,
	    info->authority.len);
	pp_put_tlv(&o, TF_PP2_TYPE_UNIQUE_ID, info->unique_id.p,
	    info->unique_id.len);
	pp_put_ssl(&o, &info->ssl);
	pp_patch_len(&o, TF_PROXY_V2_HEADER - 2);
	return o.failed ? 0 : o.off;
}

/* --- decoding --- */

static enum tf_proxy_status
pp_error(struct tf_proxy_header *h, const char *why)
{
	h->error = why;
	return TF_PROXY_ERROR;
}

/* A decimal number of 1 to maxdigits digits, no leading zero, <= max. */
static bool
pp_number(const char *s, size_t maxdigits, unsigned long max,
    unsigned long *out)
{
	unsigned long	v = 0;
	size_t		i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i == maxdigits ||
		    (i == 1 && s[0] == '0'))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (i == 0 || v > max)
		return false;
	*out = v;
	return true;
}

/* A dotted quad of canonical decimal numbers. */
static bool
pp_ipv4(char *s, struct in_addr *out)
{
	uint8_t		b[4];
	unsigned long	v;
	char		*dot;
	int		i;

	for (i = 0; i < 4; i++) {
		dot = strchr(s, '.');
		if ((dot == NULL) != (i == 3))
			return false;
		if (dot != NULL)
			*dot = '\0';
		if (!pp_number(s, 3, 255, &v))
			return false;
		b[i] = (uint8_t)v;
		if (dot != NULL)
			s = dot + 1;
	}
	memcpy(out, b, 4);
	return true;
}

static bool
pp_v1_address(int family, char *text, const char *port,
    union tf_proxy_addr *a, const char **why, const char *bad_addr,
    const char *bad_port)
{
	unsigned long	p;

	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->sin.sin_family = AF_INET;
		if (!pp_ipv4(text, &a->sin.sin_addr)) {
			*why = bad_addr;
			return false;
		}
	} else {
		a->sin6.sin6_family = AF_INET6;
		if (strchr(text, ':') == NULL ||
		    inet_pton(AF_INET6, text, &a->sin6.sin6_addr) != 1) {
			*why = bad_addr;
			return false;
		}
	}
	if (!pp_number(port, 5, 65535, &p)) {
		*why = bad_port;
		return false;
	}
	if (family == AF_INET)
		a->sin.sin_port = htons((uint16_t)p);
	else
		a->sin6.sin6_port = htons((uint16_t)p);
	return true;
}

/* Split line at single spaces into at most n fields; -1 on an empty
 * field (two spaces, a space at an end) or too many. */
static int
pp_split(char *line, char **f, int n)
{
	int	i = 0;
	char	*sp;

	for (;;) {
		if (i == n || *line == '\0' || *line == ' ')
			return -1;
		f[i++] = line;
		if ((sp = strchr(line, ' ')) == NULL)
			return i;
		*sp = '\0';
		line = sp + 1;
	}
}

/* The fields of a complete v1 line (without "PROXY " and CRLF). */
static enum tf_proxy_status
pp_v1_fields(char *rest, struct tf_proxy_header *h)
{
	char		*f[5];
	const char	*why = NULL;
	int		 family;

	if (strncmp(rest, "UNKNOWN", 7) == 0 &&
	    (rest[7] == '\0' || rest[7] == ' ')) {
		h->family = AF_UNSPEC;	/* the rest is to be ignored */
		return TF_PROXY_DONE;
	}
	if (strncmp(rest, "TCP4 ", 5) == 0)
		family = AF_INET;
	else if (strncmp(rest, "TCP6 ", 5) == 0)
		family = AF_INET6;
	else
		return pp_error(h, "PROXY v1: unknown protocol (expected TCP4, "
		    "TCP6 or UNKNOWN)");
	if (pp_split(rest, f, 5) != 5)
		return pp_error(h, "PROXY v1: not five fields separated by "
		    "single spaces");
	if (!pp_v1_address(family, f[1], f[3], &h->src, &why,
	    "PROXY v1: bad source address", "PROXY v1: bad source port") ||
	    !pp_v1_address(family, f[2], f[4], &h->dst, &why,
	    "PROXY v1: bad destination address",
	    "PROXY v1: bad destination port"))
		return pp_error(h, why);
	h->family = family;
	return TF_PROXY_DONE;
}

static enum tf_proxy_status
pp_v1_decode(const uint8_t *b, size_t len, struct tf_proxy_header *h)
{
	char	line[TF_PROXY_V1_MAX + 1];
	size_t	i;

	h->version = 1;
	h->command = TF_PROXY_CMD_PROXY;
	for (i = 0; i < len && i < TF_PROXY_V1_MAX; i++) {
		if (b[i] == '\n')
			return pp_error(h, "PROXY v1: LF without CR");
		if (b[i] != '\r') {
			if (b[i] < 0x20 || b[i] > 0x7e)
				return pp_error(h, "PROXY v1: a byte that is "
				    "not printable ASCII");
			continue;
		}
		if (i + 1 >= TF_PROXY_V1_MAX)
			break;		/* the LF would be the 108th byte */
		if (i + 1 == len)
			return TF_PROXY_NEED_MORE;
		if (b[i + 1] != '\n')
			return pp_error(h, "PROXY v1: CR not followed by LF");
		h->len = i + 2;
		memcpy(line, b, i);
		line[i] = '\0';
		return pp_v1_fields(line + PP_V1_SIG_LEN, h);
	}
	if (i == len && len < TF_PROXY_V1_MAX)
		return TF_PROXY_NEED_MORE;
	return pp_error(h, "PROXY v1: no CRLF in the first 107 bytes");
}

/* A TLV block: each TLV whole and nothing after the last. */
static bool
pp_tlvs_valid(const uint8_t *p, size_t len)
{
	size_t	vlen;

	while (len > 0) {
		if (len < PP_TLV_HEADER)
			return false;
		vlen = (size_t)p[1] << 8 | p[2];
		if (vlen > len - PP_TLV_HEADER)
			return false;
		p += PP_TLV_HEADER + vlen;
		len -= PP_TLV_HEADER + vlen;
	}
	return true;
}

bool
tf_proxy_tlv_find(const uint8_t *tlvs, size_t len, uint8_t type,
    struct tf_proxy_bytes *value)
{
	size_t	vlen;

	while (len >= PP_TLV_HEADER) {
		vlen = (size_t)tlvs[1] << 8 | tlvs[2];
		if (vlen > len - PP_TLV_HEADER)
			return false;
		if (tlvs[0] == type) {
			value->p = tlvs + PP_TLV_HEADER;
			value->len = vlen;
			return true;
		}
		tlvs += PP_TLV_HEADER + vlen;
		len -= PP_TLV_HEADER + vlen;
	}
	return false;
}

/* The address bytes a PROXY command's family byte needs; -1 if refused. */
static int
pp_v2_family(uint8_t fam, struct tf_proxy_header *h)
{
	switch (fam) {
	case PP_FAM_UNSPEC:
		return 0;
	case PP_FAM_TCP4:
		h->family = AF_INET;
		return PP_ADDR4_LEN;
	case PP_FAM_TCP6:
		h->family = AF_INET6;
		return PP_ADDR6_LEN;
	case PP_FAM_UNIX:
		/* Not implemented: the spec's fallback is UNSPEC. */
		return PP_ADDRUNIX_LEN;
	case PP_FAM_UDP4:
	case PP_FAM_UDP6:
	case PP_FAM_UNIX_DG:
		h->error = "PROXY v2: a datagram transport (not a TLS "
		    "stream)";
		return -1;
	default:
		h->error = "PROXY v2: bad address family or transport";
		return -1;
	}
}

static void
pp_v2_addresses(const uint8_t *a, struct tf_proxy_header *h)
{
	if (h->family == AF_INET) {
		h->src.sin.sin_family = AF_INET;
		h->dst.sin.sin_family = AF_INET;
		memcpy(&h->src.sin.sin_addr, a, 4);
		memcpy(&h->dst.sin.sin_addr, a + 4, 4);
		memcpy(&h->src.sin.sin_port, a + 8, 2);
		memcpy(&h->dst.sin.sin_port, a + 10, 2);
	} else if (h->family == AF_INET6) {
		h->src.sin6.sin6_family = AF_INET6;
		h->dst.sin6.sin6_family = AF_INET6;
		memcpy(&h->src.sin6.sin6_addr, a, 16);
		memcpy(&h->dst.sin6.sin6_addr, a + 16, 16);
		memcpy(&h->src.sin6.sin6_port, a + 32, 2);
		memcpy(&h->dst.sin6.sin6_port, a + 34, 2);
	}
}

static enum tf_proxy_status
pp_v2_decode(const uint8_t *b, size_t len, struct tf_proxy_header *h)
{
	size_t	alen;
	int	need = 0;

	h->version = 2;
	if (len <= sizeof(pp_v2_sig))
		return TF_PROXY_NEED_MORE;
	if ((b[12] & 0xf0) != PP_V2_VERSION)
		return pp_error(h, "PROXY v2: bad version");
	if ((b[12] & 0x0f) > PP_V2_CMD_PROXY)
		return pp_error(h, "PROXY v2: bad command");
	h->command = (b[12] & 0x0f) == PP_V2_CMD_PROXY ? TF_PROXY_CMD_PROXY :
	    TF_PROXY_CMD_LOCAL;
	if (len < 14)
		return TF_PROXY_NEED_MORE;
	/* LOCAL: the family is to be ignored, the length still counts. */
	if (h->command == TF_PROXY_CMD_PROXY &&
	    (need = pp_v2_family(b[13], h)) == -1)
		return TF_PROXY_ERROR;
	if (len < TF_PROXY_V2_HEADER)
		return TF_PROXY_NEED_MORE;
	alen = (size_t)b[14] << 8 | b[15];
	if (alen > TF_PROXY_V2_MAX_LEN)
		return pp_error(h, "PROXY v2: length over 4096 bytes");
	if (alen < (size_t)need)
		return pp_error(h, "PROXY v2: length too short for the "
		    "addresses");
	if (len < TF_PROXY_V2_HEADER + alen)
		return TF_PROXY_NEED_MORE;
	h->len = TF_PROXY_V2_HEADER + alen;
	if (h->command == TF_PROXY_CMD_LOCAL || b[13] == PP_FAM_UNSPEC) {
		h->family = AF_UNSPEC;
		return TF_PROXY_DONE;
	}
	h->tlvs = b + TF_PROXY_V2_HEADER + need;
	h->tlvs_len = alen - (size_t)need;
	if (!pp_tlvs_valid(h->tlvs, h->tlvs_len))
		return pp_error(h, "PROXY v2: a TLV overruns the header");
	pp_v2_addresses(b + TF_PROXY_V2_HEADER, h);
	return TF_PROXY_DONE;
}

enum tf_proxy_status
tf_proxy_decode(const void *buf, size_t len, struct tf_proxy_header *h)
{
	const uint8_t	*b = buf;

	memset(h, 0, sizeof(*h));
	h->family = AF_UNSPEC;
	if (len == 0)
		return TF_PROXY_NEED_MORE;
	if (memcmp(b, pp_v2_sig, len < sizeof(pp_v2_sig) ? len :
	    sizeof(pp_v2_sig)) == 0)
		return pp_v2_decode(b, len, h);
	if (memcmp(b, pp_v1_sig, len < PP_V1_SIG_LEN ? len :
	    PP_V1_SIG_LEN) == 0)
		return pp_v1_decode(b, len, h);
	return pp_error(h, "not a PROXY protocol header");
}
