/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the client/server matrix of --explain. Each cell is a real
 * handshake (lib/handshake.c) between a throwaway client and an SSL made
 * from the server context; nothing is inferred from flags.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>

#include "explain.h"
#include "handshake.h"

static const struct {
	enum tf_explain_client	 client;
	const char		*key;
	int			 version;	/* 0: version-flexible */
} matrix_clients[] = {
	{ TF_EXPLAIN_SSLv3,	"SSLv3",	SSL3_VERSION },
	{ TF_EXPLAIN_TLSv1,	"TLSv1",	TLS1_VERSION },
	{ TF_EXPLAIN_TLSv1_1,	"TLSv1_1",	TLS1_1_VERSION },
	{ TF_EXPLAIN_TLSv1_2,	"TLSv1_2",	TLS1_2_VERSION },
	{ TF_EXPLAIN_TLSv1_3,	"TLSv1_3",	TLS1_3_VERSION },
	{ TF_EXPLAIN_TLS,	"TLS",		0 },
};

const char *
tf_explain_client_key(enum tf_explain_client client)
{
	if ((size_t)client >= sizeof(matrix_clients) /
	    sizeof(matrix_clients[0]))
		return NULL;
	return matrix_clients[client].key;
}

int
tf_explain_handshake(SSL_CTX *server, enum tf_explain_client client,
    struct tf_explain_result *res)
{
	struct tf_handshake_result	 r;
	int				 rv;

	memset(res, 0, sizeof(*res));
	if (tf_explain_client_key(client) == NULL) {
		snprintf(res->detail, sizeof(res->detail), "no such client");
		return -1;
	}
	rv = tf_handshake_run(server, matrix_clients[client].version, NULL, 0,
	    &r);
	res->ok = r.ok;
	snprintf(res->detail, sizeof(res->detail), "%s", r.detail);
	return rv;
}
