/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the PROXY protocol (HAProxy's proxy-protocol.txt), versions 1
 * and 2: a header encoded from plain values, and a strict decoder of a
 * received one that works on the bytes arrived so far. No I/O, no daemon.
 */
#ifndef TF_PROXYPROTO_H
#define TF_PROXYPROTO_H

#include <sys/socket.h>
#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TF_PROXY_V1_MAX		107	/* the longest v1 line, CRLF included */
#define TF_PROXY_V2_HEADER	16	/* signature, ver_cmd, fam, len */
/* The largest v2 length field accepted (addresses and TLVs): the spec
 * allows 65535, real senders send a few hundred bytes at most. */
#define TF_PROXY_V2_MAX_LEN	4096
#define TF_PROXY_MAX		(TF_PROXY_V2_HEADER + TF_PROXY_V2_MAX_LEN)

/* v2 TLV types (PP2_TYPE_*, PP2_SUBTYPE_SSL_*) and PP2_CLIENT_* flags. */
#define TF_PP2_TYPE_ALPN		0x01
#define TF_PP2_TYPE_AUTHORITY		0x02
#define TF_PP2_TYPE_CRC32C		0x03
#define TF_PP2_TYPE_NOOP		0x04
#define TF_PP2_TYPE_UNIQUE_ID		0x05
#define TF_PP2_TYPE_SSL			0x20
#define TF_PP2_SUBTYPE_SSL_VERSION	0x21
#define TF_PP2_SUBTYPE_SSL_CN		0x22
#define TF_PP2_SUBTYPE_SSL_CIPHER	0x23
#define TF_PP2_SUBTYPE_SSL_SIG_ALG	0x24
#define TF_PP2_SUBTYPE_SSL_KEY_ALG	0x25
#define TF_PP2_CLIENT_SSL		0x01
#define TF_PP2_CLIENT_CERT_CONN		0x02
#define TF_PP2_CLIENT_CERT_SESS		0x04

/* An IPv4 or IPv6 socket address (or AF_UNSPEC: none). */
union tf_proxy_addr {
	struct sockaddr		sa;
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
};

/* Bytes that need not end in NUL; p NULL: absent. */
struct tf_proxy_bytes {
	const void	*p;
	size_t		 len;
};

/* The PP2_TYPE_SSL TLV. Strings NULL: their sub-TLV is left out. */
struct tf_proxy_ssl {
	bool		 present;
	uint8_t		 client;	/* TF_PP2_CLIENT_* */
	uint32_t	 verify;	/* 0: a certificate was verified */
	const char	*version;
	const char	*cn;
	const char	*cipher;
	const char	*sig_alg;
	const char	*key_alg;
};

/*
 * What an outgoing header says. Addresses that are NULL or neither IPv4
 * nor IPv6 make "PROXY UNKNOWN" (v1) or a PROXY command with family
 * UNSPEC (v2); an IPv4 address beside an IPv6 one is sent IPv4-mapped.
 * The TLVs are v2's only.
 */
struct tf_proxy_info {
	const struct sockaddr	*src;
	const struct sockaddr	*dst;
	struct tf_proxy_bytes	 alpn;
	struct tf_proxy_bytes	 authority;
	struct tf_proxy_bytes	 unique_id;
	struct tf_proxy_ssl	 ssl;
};

/*
 * Encode a v1 line / a v2 header into buf. Returns its length, or 0 if
 * it does not fit in size (or a TLV value is longer than 65535 bytes).
 */
size_t	tf_proxy_encode_v1(const struct tf_proxy_info *, char *buf,
	    size_t size);
size_t	tf_proxy_encode_v2(const struct tf_proxy_info *, uint8_t *buf,
	    size_t size);

enum tf_proxy_status {
	TF_PROXY_NEED_MORE = 0,	/* a valid beginning: wait for more */
	TF_PROXY_DONE,		/* a whole valid header */
	TF_PROXY_ERROR,		/* not a valid header: error says why */
};

enum tf_proxy_command {
	TF_PROXY_CMD_LOCAL = 0,	/* v2 LOCAL: the sender's own connection */
	TF_PROXY_CMD_PROXY,	/* relayed: the addresses are the client's */
};

/* A decoded header. */
struct tf_proxy_header {
	size_t			 len;		/* bytes the header takes */
	int			 version;	/* 1 or 2 */
	enum tf_proxy_command	 command;
	/* AF_INET or AF_INET6: src and dst are the relayed connection's;
	 * AF_UNSPEC: no usable address (LOCAL, v1 UNKNOWN, v2 UNSPEC or
	 * AF_UNIX): the real peer is the client. */
	int			 family;
	union tf_proxy_addr	 src;
	union tf_proxy_addr	 dst;
	const uint8_t		*tlvs;		/* v2: in the buffer decoded */
	size_t			 tlvs_len;
	const char		*error;		/* static: why (ERROR) */
};

/*
 * Decode the len bytes received so far (len 0 included). Strict: a byte
 * that no valid header can have there is an error at once, without
 * waiting for more; so is a v1 line without its CRLF in 107 bytes and a
 * v2 length field above TF_PROXY_V2_MAX_LEN. The header never needs more
 * than TF_PROXY_MAX bytes.
 */
enum tf_proxy_status tf_proxy_decode(const void *buf, size_t len,
	    struct tf_proxy_header *);

/* The value of the first TLV of type in a valid TLV block; false if none. */
bool	tf_proxy_tlv_find(const uint8_t *tlvs, size_t len, uint8_t type,
	    struct tf_proxy_bytes *value);

#endif
