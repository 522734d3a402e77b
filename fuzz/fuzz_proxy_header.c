/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront fuzzing: the PROXY protocol decoder (lib/proxyproto.c), which
 * reads what a load balancer, or anyone allowed to connect to a
 * listener with accept_proxy, sends first. The input is the bytes
 * received so far. Properties checked (a violation abort()s):
 *   - the verdict is consistent with the spec's bounds: a header never
 *     takes more than TF_PROXY_MAX bytes, NEED_MORE never comes with
 *     that many, ERROR always has a reason;
 *   - DONE is stable: the same bytes cut before the header's end need
 *     more, and the header alone decodes the same;
 *   - a decoded IPv4/IPv6 header encodes again (v1 and v2) to a header
 *     that decodes to the same addresses;
 *   - its TLV block can be walked for every type.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "proxyproto.h"

#define FUZZ_FAIL(...) do {						\
	fprintf(stderr, "fuzz_proxy_header: " __VA_ARGS__);		\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

/* Decode a copy of exactly len bytes, so that ASan sees any overread. */
static enum tf_proxy_status
fuzz_decode(const uint8_t *data, size_t len, struct tf_proxy_header *h)
{
	enum tf_proxy_status	 st;
	uint8_t			*copy;

	if ((copy = malloc(len == 0 ? 1 : len)) == NULL)
		abort();
	memcpy(copy, data, len);
	st = tf_proxy_decode(copy, len, h);
	h->tlvs = NULL;		/* it pointed into copy */
	free(copy);
	return st;
}

static bool
fuzz_same_addr(const union tf_proxy_addr *a, const union tf_proxy_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->sin.sin_port == b->sin.sin_port &&
		    a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr;
	return a->sin6.sin6_port == b->sin6.sin6_port &&
	    memcmp(&a->sin6.sin6_addr, &b->sin6.sin6_addr, 16) == 0;
}

/* v1 turns an IPv4-mapped IPv6 address into IPv4 only if both are. */
static void
fuzz_round_trip(const struct tf_proxy_header *h)
{
	struct tf_proxy_info	 info;
	struct tf_proxy_header	 again;
	uint8_t			 buf[TF_PROXY_V1_MAX + 64];
	size_t			 n;

	memset(&info, 0, sizeof(info));
	info.src = &h->src.sa;
	info.dst = &h->dst.sa;
	n = tf_proxy_encode_v2(&info, buf, sizeof(buf));
	if (n == 0 || tf_proxy_decode(buf, n, &again) != TF_PROXY_DONE ||
	    again.len != n)
		FUZZ_FAIL("v2 re-encoding does not decode");
	if (h->family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(
	    &h->src.sin6.sin6_addr) && IN6_IS_ADDR_V4MAPPED(
	    &h->dst.sin6.sin6_addr))
		return;		/* sent as IPv4, by design */
	if (!fuzz_same_addr(&again.src, &h->src) ||
	    !fuzz_same_addr(&again.dst, &h->dst))
		FUZZ_FAIL("v2 round trip changed the addresses");
	n = tf_proxy_encode_v1(&info, (char *)buf, sizeof(buf));
	if (n == 0 || n > TF_PROXY_V1_MAX ||
	    tf_proxy_decode(buf, n, &again) != TF_PROXY_DONE ||
	    !fuzz_same_addr(&again.src, &h->src) ||
	    !fuzz_same_addr(&again.dst, &h->dst))
		FUZZ_FAIL("v1 round trip failed");
}

static void
fuzz_tlvs(const uint8_t *data, size_t size)
{
	struct tf_proxy_header	h;
	struct tf_proxy_bytes	v;
	unsigned		t;

	if (tf_proxy_decode(data, size, &h) != TF_PROXY_DONE || h.tlvs == NULL)
		return;
	if (h.tlvs < data || h.tlvs + h.tlvs_len > data + h.len)
		FUZZ_FAIL("TLV block outside the header");
	for (t = 0; t < 256; t++)
		if (tf_proxy_tlv_find(h.tlvs, h.tlvs_len, (uint8_t)t, &v) &&
		    ((const uint8_t *)v.p < h.tlvs ||
		    (const uint8_t *)v.p + v.len > h.tlvs + h.tlvs_len))
			FUZZ_FAIL("TLV 0x%02x outside its block", t);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tf_proxy_header	h, cut;
	enum tf_proxy_status	st;

	st = fuzz_decode(data, size, &h);
	switch (st) {
	case TF_PROXY_NEED_MORE:
		if (size >= TF_PROXY_MAX)
			FUZZ_FAIL("needs more after %zu bytes", size);
		return 0;
	case TF_PROXY_ERROR:
		if (h.error == NULL || h.error[0] == '\0')
			FUZZ_FAIL("an error without a reason");
		return 0;
	case TF_PROXY_DONE:
		break;
	}
	if (h.len == 0 || h.len > size || h.len > TF_PROXY_MAX ||
	    (h.version == 1 && h.len > TF_PROXY_V1_MAX))
		FUZZ_FAIL("header length %zu of %zu bytes", h.len, size);
	if (fuzz_decode(data, h.len - 1, &cut) != TF_PROXY_NEED_MORE ||
	    fuzz_decode(data, h.len / 2, &cut) != TF_PROXY_NEED_MORE)
		FUZZ_FAIL("a cut header does not need more");
	if (fuzz_decode(data, h.len, &cut) != TF_PROXY_DONE ||
	    cut.len != h.len || cut.family != h.family)
		FUZZ_FAIL("the header alone decodes differently");
	if (h.family == AF_INET || h.family == AF_INET6)
		fuzz_round_trip(&h);
	else if (h.family != AF_UNSPEC)
		FUZZ_FAIL("family %d", h.family);
	fuzz_tlvs(data, size);
	return 0;
}
