/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the names of Python's ssl constants (PROTOCOL_*, TLSVersion,
 * OP_*) and their values, shared by the config parser and --explain.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/ssl.h>

#include "config.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char		*name;
	enum tf_protocol	 protocol;
} protocols[] = {
	/* The first entry for a value is its name. */
	{ "PROTOCOL_TLS",		TF_PROTOCOL_TLS },
	{ "PROTOCOL_SSLv23",		TF_PROTOCOL_TLS },
	{ "PROTOCOL_TLS_SERVER",	TF_PROTOCOL_TLS_SERVER },
	{ "PROTOCOL_TLS_CLIENT",	TF_PROTOCOL_TLS_CLIENT },
	{ "PROTOCOL_TLSv1",		TF_PROTOCOL_TLSv1 },
	{ "PROTOCOL_TLSv1_1",		TF_PROTOCOL_TLSv1_1 },
	{ "PROTOCOL_TLSv1_2",		TF_PROTOCOL_TLSv1_2 },
};

/* Indexed by enum tf_default_suites. */
static const char *const default_suites[] = { "python", "openssl" };

static const struct {
	const char	*name;
	int		 version;
} versions[] = {
	{ "MINIMUM_SUPPORTED",	TF_VERSION_MINIMUM_SUPPORTED },
	{ "MAXIMUM_SUPPORTED",	TF_VERSION_MAXIMUM_SUPPORTED },
	{ "SSLv3",		TF_VERSION_SSLv3 },
	{ "TLSv1",		TF_VERSION_TLSv1 },
	{ "TLSv1_1",		TF_VERSION_TLSv1_1 },
	{ "TLSv1_2",		TF_VERSION_TLSv1_2 },
	{ "TLSv1_3",		TF_VERSION_TLSv1_3 },
};

/*
 * Python's ssl.Options. OP_ALL is Python's (SSL_OP_ALL without
 * SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS), and the options OpenSSL 3 no
 * longer has are 0 there too.
 */
static const struct {
	const char	*name;
	uint64_t	 value;
} options[] = {
	{ "OP_ALL",			UINT64_C(0x80000050) },
	{ "OP_NO_SSLv2",		0 },
	{ "OP_NO_SSLv3",		SSL_OP_NO_SSLv3 },
	{ "OP_NO_TLSv1",		SSL_OP_NO_TLSv1 },
	{ "OP_NO_TLSv1_1",		SSL_OP_NO_TLSv1_1 },
	{ "OP_NO_TLSv1_2",		SSL_OP_NO_TLSv1_2 },
	{ "OP_NO_TLSv1_3",		SSL_OP_NO_TLSv1_3 },
	{ "OP_CIPHER_SERVER_PREFERENCE", SSL_OP_CIPHER_SERVER_PREFERENCE },
	{ "OP_SINGLE_DH_USE",		0 },
	{ "OP_SINGLE_ECDH_USE",		0 },
	{ "OP_NO_COMPRESSION",		SSL_OP_NO_COMPRESSION },
	{ "OP_NO_TICKET",		SSL_OP_NO_TICKET },
	{ "OP_NO_RENEGOTIATION",	SSL_OP_NO_RENEGOTIATION },
	{ "OP_ENABLE_MIDDLEBOX_COMPAT",	SSL_OP_ENABLE_MIDDLEBOX_COMPAT },
	{ "OP_IGNORE_UNEXPECTED_EOF",	SSL_OP_IGNORE_UNEXPECTED_EOF },
	{ "OP_ENABLE_KTLS",		SSL_OP_ENABLE_KTLS },
	{ "OP_LEGACY_SERVER_CONNECT",	SSL_OP_LEGACY_SERVER_CONNECT },
};

int
tf_config_protocol_parse(const char *name, enum tf_protocol *out)
{
	size_t	i;

	for (i = 0; i < NITEMS(protocols); i++) {
		if (strcmp(name, protocols[i].name) == 0) {
			*out = protocols[i].protocol;
			return 0;
		}
	}
	return -1;
}

const char *
tf_config_protocol_name(enum tf_protocol protocol)
{
	size_t	i;

	for (i = 0; i < NITEMS(protocols); i++) {
		if (protocols[i].protocol == protocol)
			return protocols[i].name;
	}
	return NULL;
}

bool
tf_config_protocol_is_client(enum tf_protocol protocol)
{
	return protocol == TF_PROTOCOL_TLS_CLIENT;
}

bool
tf_config_protocol_is_fixed(enum tf_protocol protocol)
{
	return protocol == TF_PROTOCOL_TLSv1 ||
	    protocol == TF_PROTOCOL_TLSv1_1 || protocol == TF_PROTOCOL_TLSv1_2;
}

int
tf_config_default_suites_parse(const char *name, enum tf_default_suites *out)
{
	size_t	i;

	for (i = 0; i < NITEMS(default_suites); i++) {
		if (strcmp(name, default_suites[i]) == 0) {
			*out = (enum tf_default_suites)i;
			return 0;
		}
	}
	return -1;
}

const char *
tf_config_default_suites_name(enum tf_default_suites suites)
{
	if ((size_t)suites >= NITEMS(default_suites))
		return NULL;
	return default_suites[suites];
}

int
tf_config_version_parse(const char *name, int *out)
{
	size_t	i;

	for (i = 0; i < NITEMS(versions); i++) {
		if (strcmp(name, versions[i].name) == 0) {
			*out = versions[i].version;
			return 0;
		}
	}
	return -1;
}

const char *
tf_config_version_name(int version)
{
	size_t	i;

	for (i = 0; i < NITEMS(versions); i++) {
		if (versions[i].version == version)
			return versions[i].name;
	}
	return NULL;
}

int
tf_config_option_parse(const char *name, uint64_t *out)
{
	size_t	i;

	for (i = 0; i < NITEMS(options); i++) {
		if (strcmp(name, options[i].name) == 0) {
			*out = options[i].value;
			return 0;
		}
	}
	return -1;
}

static const struct {
	const char		*name;
	enum tf_verify_mode	 mode;
} verify_modes[] = {
	{ "CERT_NONE",		TF_CERT_NONE },
	{ "CERT_OPTIONAL",	TF_CERT_OPTIONAL },
	{ "CERT_REQUIRED",	TF_CERT_REQUIRED },
};

/* Python's ssl.VerifyFlags, in its order. */
static const struct {
	const char	*name;
	unsigned long	 value;
} verify_flags[] = {
	{ "VERIFY_DEFAULT",		TF_VERIFY_DEFAULT },
	{ "VERIFY_CRL_CHECK_LEAF",	TF_VERIFY_CRL_CHECK_LEAF },
	{ "VERIFY_CRL_CHECK_CHAIN",	TF_VERIFY_CRL_CHECK_CHAIN },
	{ "VERIFY_X509_STRICT",		TF_VERIFY_X509_STRICT },
	{ "VERIFY_ALLOW_PROXY_CERTS",	TF_VERIFY_ALLOW_PROXY_CERTS },
	{ "VERIFY_X509_TRUSTED_FIRST",	TF_VERIFY_X509_TRUSTED_FIRST },
	{ "VERIFY_X509_PARTIAL_CHAIN",	TF_VERIFY_X509_PARTIAL_CHAIN },
};

int
tf_config_verify_mode_parse(const char *name, enum tf_verify_mode *out)
{
	size_t	i;

	for (i = 0; i < NITEMS(verify_modes); i++) {
		if (strcmp(name, verify_modes[i].name) == 0) {
			*out = verify_modes[i].mode;
			return 0;
		}
	}
	return -1;
}

const char *
tf_config_verify_mode_name(enum tf_verify_mode mode)
{
	size_t	i;

	for (i = 0; i < NITEMS(verify_modes); i++) {
		if (verify_modes[i].mode == mode)
			return verify_modes[i].name;
	}
	return NULL;
}

int
tf_config_verify_flag_parse(const char *name, unsigned long *out)
{
	size_t	i;

	for (i = 0; i < NITEMS(verify_flags); i++) {
		if (strcmp(name, verify_flags[i].name) == 0) {
			*out = verify_flags[i].value;
			return 0;
		}
	}
	return -1;
}

const char *
tf_config_verify_flag_at(size_t i, unsigned long *value)
{
	if (i >= NITEMS(verify_flags))
		return NULL;
	*value = verify_flags[i].value;
	return verify_flags[i].name;
}
