/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: session ticket keys shared by a fleet: HAProxy's
 * tls-ticket-keys file (the last three keys used, the one before the last
 * encrypting) and RFC 5077's AES-CBC + HMAC-SHA256 ticket protection.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "config_check.h"
#include "ticketkeys.h"

/* The largest line worth decoding: one 80-byte key and some slack. */
#define TICKETKEYS_MAX_DECODED	(TF_TICKETKEY_LEN_256 + 3)

/* The value of a base64 digit, or -1. */
static int
ticketkeys_b64(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Strict base64 of s[0..len) into out (room for max bytes): groups of
 * four digits, '=' padding only at the end. Returns the decoded length,
 * -1 if it is not base64, -2 if it is longer than max.
 */
static long
ticketkeys_decode(const char *s, size_t len, unsigned char *out, size_t max)
{
	size_t		 i, j, n = 0, pad = 0;
	unsigned long	 v;
	int		 d;

	if (len == 0 || len % 4 != 0)
		return -1;
	for (i = 0; i < len; i += 4) {
		v = 0;
		for (j = 0; j < 4; j++) {
			if (s[i + j] == '=' && i + 4 == len && j >= 2 &&
			    (j == 3 || s[i + 3] == '=')) {
				pad++;
				d = 0;
			} else if ((d = ticketkeys_b64((unsigned char)s[i + j]))
			    == -1)
				return -1;
			v = v << 6 | (unsigned long)d;
		}
		if (n + 3 - pad > max)
			return -2;
		out[n++] = (unsigned char)(v >> 16);
		if (pad < 2)
			out[n++] = (unsigned char)(v >> 8);
		if (pad < 1)
			out[n++] = (unsigned char)v;
	}
	return (long)n;
}

/* One key from its decoded bytes (48 or 80), keylen 16 or 32. */
static void
ticketkeys_set(struct tf_ticketkey *k, const unsigned char *raw,
    size_t keylen, int line)
{
	memcpy(k->name, raw, TF_TICKETKEY_NAME_LEN);
	memcpy(k->aes, raw + TF_TICKETKEY_NAME_LEN, keylen);
	memcpy(k->hmac, raw + TF_TICKETKEY_NAME_LEN + keylen, keylen);
	k->line = line;
}

/*
 * One line of a key file, without its newline, into ring (the last
 * TF_TICKETKEYS_NUM keys so far). Returns 0 (a key or nothing), or -1
 * with why set.
 */
static int
ticketkeys_line(struct tf_ticketkeys *set, struct tf_ticketkey *ring,
    const char *s, size_t len, int line, char *why, size_t whylen)
{
	unsigned char	 raw[TICKETKEYS_MAX_DECODED];
	size_t		 keylen;
	long		 n;

	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == ' ' ||
	    s[len - 1] == '\t'))
		len--;
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (len == 0 || *s == '#')
		return 0;
	n = ticketkeys_decode(s, len, raw, sizeof(raw));
	if (n < 0 || (n != TF_TICKETKEY_LEN_128 && n != TF_TICKETKEY_LEN_256))
		OPENSSL_cleanse(raw, sizeof(raw));
	if (n == -1) {
		snprintf(why, whylen, "not a base64 key");
		return -1;
	}
	if (n != TF_TICKETKEY_LEN_128 && n != TF_TICKETKEY_LEN_256) {
		snprintf(why, whylen, "a key is 48 bytes (AES-128) or 80 "
		    "bytes (AES-256) in base64; this line decodes to %s%ld "
		    "bytes", n == -2 ? "more than " : "",
		    n == -2 ? (long)sizeof(raw) : n);
		return -1;
	}
	keylen = n == TF_TICKETKEY_LEN_128 ? 16 : 32;
	if (set->keylen != 0 && keylen != set->keylen) {
		OPENSSL_cleanse(raw, sizeof(raw));
		snprintf(why, whylen, "a %ld-byte key after %zu-byte keys: "
		    "the keys of a file are all one size", n,
		    set->keylen == 16 ? (size_t)TF_TICKETKEY_LEN_128 :
		    (size_t)TF_TICKETKEY_LEN_256);
		return -1;
	}
	set->keylen = keylen;
	ticketkeys_set(&ring[set->total % TF_TICKETKEYS_NUM], raw, keylen,
	    line);
	set->total++;
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

struct tf_ticketkeys *
tf_ticketkeys_parse(const char *text, size_t len, int *line, char *why,
    size_t whylen)
{
	struct tf_ticketkeys	*set;
	struct tf_ticketkey	 ring[TF_TICKETKEYS_NUM];
	const char		*p = text, *end = text + len, *nl;
	size_t			 i;
	int			 l = 0, rv = 0;

	*line = 0;
	if ((set = calloc(1, sizeof(*set))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	while (p < end && rv == 0) {
		l++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		rv = ticketkeys_line(set, ring, p, (size_t)(nl - p), l, why,
		    whylen);
		p = nl + 1;
	}
	if (rv == 0 && set->total < TF_TICKETKEYS_NUM) {
		snprintf(why, whylen, "%s%zu key%s: %d are needed (the last "
		    "three are used: the one before the last encrypts, all "
		    "three decrypt)", set->total == 0 ? "no key, " : "",
		    set->total, set->total == 1 ? "" : "s", TF_TICKETKEYS_NUM);
		rv = -1;
		l = 0;
	}
	if (rv == 0) {
		/* In file order: the one before the last encrypts. */
		for (i = 0; i < TF_TICKETKEYS_NUM; i++)
			set->keys[i] = ring[(set->total - TF_TICKETKEYS_NUM +
			    i) % TF_TICKETKEYS_NUM];
		set->nkeys = TF_TICKETKEYS_NUM;
		set->enc = TF_TICKETKEYS_NUM - 2;
	}
	OPENSSL_cleanse(ring, sizeof(ring));
	if (rv == -1) {
		*line = l;
		tf_ticketkeys_free(set);
		return NULL;
	}
	return set;
}

struct tf_ticketkeys *
tf_ticketkeys_load(const char *path, int *line, char *why, size_t whylen)
{
	struct tf_ticketkeys	*set;
	char			*text;
	size_t			 len;

	*line = 0;
	if ((text = tf_config_check_read(path, &len)) == NULL) {
		snprintf(why, whylen, "%s", errno == EINVAL ?
		    "not a regular file" : strerror(errno));
		return NULL;
	}
	set = tf_ticketkeys_parse(text, len, line, why, whylen);
	OPENSSL_cleanse(text, len);
	free(text);
	return set;
}

void
tf_ticketkeys_free(struct tf_ticketkeys *set)
{
	if (set == NULL)
		return;
	OPENSSL_cleanse(set, sizeof(*set));
	free(set);
}

bool
tf_ticketkeys_equal(const struct tf_ticketkeys *a,
    const struct tf_ticketkeys *b)
{
	size_t	i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->nkeys != b->nkeys || a->enc != b->enc || a->keylen != b->keylen)
		return false;
	for (i = 0; i < a->nkeys; i++)
		if (CRYPTO_memcmp(a->keys[i].name, b->keys[i].name,
		    TF_TICKETKEY_NAME_LEN) != 0 ||
		    CRYPTO_memcmp(a->keys[i].aes, b->keys[i].aes,
		    a->keylen) != 0 ||
		    CRYPTO_memcmp(a->keys[i].hmac, b->keys[i].hmac,
		    a->keylen) != 0)
			return false;
	return true;
}

/* HMAC-SHA256 with the key's HMAC key. */
static int
ticketkeys_mac(EVP_MAC_CTX *hctx, const struct tf_ticketkey *k,
    size_t keylen)
{
	OSSL_PARAM	params[3];
	char		digest[] = "SHA256";

	params[0] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY,
	    (void *)(uintptr_t)k->hmac, keylen);
	params[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[2] = OSSL_PARAM_construct_end();
	return EVP_MAC_CTX_set_params(hctx, params) == 1 ? 0 : -1;
}

int
tf_ticketkeys_crypt(const struct tf_ticketkeys *set,
    unsigned char name[TF_TICKETKEY_NAME_LEN], unsigned char *iv,
    EVP_CIPHER_CTX *ectx, EVP_MAC_CTX *hctx, int enc)
{
	const EVP_CIPHER		*cipher;
	const struct tf_ticketkey	*k;
	size_t				 i;

	cipher = set->keylen == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
	if (enc) {
		k = &set->keys[set->enc];
		memcpy(name, k->name, TF_TICKETKEY_NAME_LEN);
		if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(cipher)) != 1 ||
		    EVP_EncryptInit_ex(ectx, cipher, NULL, k->aes, iv) != 1 ||
		    ticketkeys_mac(hctx, k, set->keylen) == -1)
			return -1;
		return 1;
	}
	for (i = 0; i < set->nkeys; i++)
		if (CRYPTO_memcmp(name, set->keys[i].name,
		    TF_TICKETKEY_NAME_LEN) == 0)
			break;
	if (i == set->nkeys)
		return 0;
	k = &set->keys[i];
	if (ticketkeys_mac(hctx, k, set->keylen) == -1 ||
	    EVP_DecryptInit_ex(ectx, cipher, NULL, k->aes, iv) != 1)
		return -1;
	return i == set->enc ? 1 : 2;
}
