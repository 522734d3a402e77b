/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the files a context reads when it is built, for whoever
 * needs to notice that one changed (daemon/watch.c).
 */
#include <stddef.h>

#include "config.h"

static void
config_file_each(const char *path, void (*each)(const char *, void *),
    void *arg)
{
	if (path != NULL)
		each(path, arg);
}

void
tf_context_conf_files(const struct tf_context_conf *cc,
    void (*each)(const char *path, void *arg), void *arg)
{
	size_t	i;

	for (i = 0; i < cc->ncerts; i++) {
		config_file_each(cc->certs[i].certfile, each, arg);
		config_file_each(cc->certs[i].keyfile, each, arg);
		config_file_each(cc->certs[i].password_file, each, arg);
		config_file_each(cc->certs[i].ocsp_response.value, each, arg);
	}
	config_file_each(cc->cafile.value, each, arg);
	/* A directory: adding or removing a hashed link changes it. */
	config_file_each(cc->capath.value, each, arg);
	config_file_each(cc->crlfile.value, each, arg);
	config_file_each(cc->dh_params.value, each, arg);
	config_file_each(cc->session_ticket_keys.value, each, arg);
}
