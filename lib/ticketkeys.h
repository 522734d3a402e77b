/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: session ticket keys shared by a fleet (session_ticket_keys):
 * the key file HAProxy's tls-ticket-keys reads, and the sealing and
 * opening of tickets with its keys.
 */
#ifndef TF_TICKETKEYS_H
#define TF_TICKETKEYS_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

/*
 * How many keys are used, the last ones of the file: HAProxy's
 * TLS_TICKETS_NO. The one before the last encrypts; all of them decrypt.
 * The last one is the next: every instance knows it before any of them
 * encrypts with it, so a rotation never issues a ticket that another
 * instance, not yet reloaded, cannot open.
 */
#define TF_TICKETKEYS_NUM	3
#define TF_TICKETKEY_NAME_LEN	16
/* A line decodes to name + AES key + HMAC key, 16+16+16 or 16+32+32. */
#define TF_TICKETKEY_LEN_128	48
#define TF_TICKETKEY_LEN_256	80

struct tf_ticketkey {
	unsigned char	 name[TF_TICKETKEY_NAME_LEN];
	unsigned char	 aes[32];	/* 16 or 32 bytes used */
	unsigned char	 hmac[32];	/* 16 or 32 bytes used */
	int		 line;		/* in the key file */
};

/* The last TF_TICKETKEYS_NUM keys of a file; keys[enc] encrypts. */
struct tf_ticketkeys {
	struct tf_ticketkey	 keys[TF_TICKETKEYS_NUM];
	size_t			 nkeys;		/* TF_TICKETKEYS_NUM */
	size_t			 enc;
	size_t			 keylen;	/* 16 (AES-128) or 32 */
	size_t			 total;		/* keys in the file */
};

/*
 * Parse the text of a key file: base64 lines of 48 or 80 bytes, all one
 * size; blank lines and lines starting with '#' skipped. Returns a new
 * set (free with tf_ticketkeys_free), or NULL with why (and *line, 0 if
 * the problem is not one line's) set.
 */
struct tf_ticketkeys *tf_ticketkeys_parse(const char *text, size_t len,
		    int *line, char *why, size_t whylen);

/*
 * Read and parse the key file at path; NULL with why and *line as
 * tf_ticketkeys_parse, or with errno's reason if it cannot be read.
 */
struct tf_ticketkeys *tf_ticketkeys_load(const char *path, int *line,
		    char *why, size_t whylen);

/* Cleanse and free (NULL is fine). */
void		 tf_ticketkeys_free(struct tf_ticketkeys *);

/* Whether a and b are the same keys (both NULL: true). */
bool		 tf_ticketkeys_equal(const struct tf_ticketkeys *a,
		    const struct tf_ticketkeys *b);

/*
 * What an SSL_CTX_set_tlsext_ticket_key_evp_cb callback does with keys:
 * enc: name the encrypting key into name, make an IV, set up ectx and
 * hctx; returns 1, or -1 on failure (no ticket). !enc: find the key that
 * name names: 0 if none (full handshake), 1 if it is the encrypting one,
 * 2 if another (the client gets a new ticket); -1 on failure.
 */
int		 tf_ticketkeys_crypt(const struct tf_ticketkeys *keys,
		    unsigned char name[TF_TICKETKEY_NAME_LEN],
		    unsigned char *iv, EVP_CIPHER_CTX *ectx,
		    EVP_MAC_CTX *hctx, int enc);

#endif
