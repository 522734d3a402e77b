/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/config.c: defaults, every value of the
 * contract, and the exact "file:line: message" of each refusal, from
 * snippets in this file and from the tests/conf/{good,bad} corpus.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <check.h>

#include "config.h"

#define NITEMS(a)	((int)(sizeof(a) / sizeof((a)[0])))
#define MAX_EXPECT	8

/* Files config.c insists on: made fresh in a temp dir for every test. */
static const char *const dummy_files[] = {
	"rsa.pem", "rsa.key", "ecdsa.pem", "ecdsa.key", "enc.pem", "enc.key",
	"password.txt", "sub/site.pem", "sub/site.key", "ocsp.der",
};

static char	tmpdir[PATH_MAX];
static char	oldcwd[PATH_MAX];

/* The three sections every snippet needs, in the lines after it. */
#define CONTEXT \
	"contexts = { default = { cert_chain = ( { certfile = \"rsa.pem\";" \
	" keyfile = \"rsa.key\"; } ); }; };\n"
#define BACKEND \
	"backends = { app = { servers = [ \"127.0.0.1:8080\" ]; }; };\n"
#define LISTENER \
	"listeners = ( { listen = \"127.0.0.1:8443\"; context = \"default\";" \
	" backend = \"app\"; } );\n"
#define REST	BACKEND LISTENER
#define ALL	CONTEXT BACKEND LISTENER

static void
write_file(const char *path, const char *text)
{
	FILE	*fp;

	fp = fopen(path, "w");
	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
	/* As private keys should be: world-readable ones are refused. */
	ck_assert_int_eq(chmod(path, 0600), 0);
}

/* Like write_file, with bytes that may hold NULs. */
static void
write_bytes(const char *path, const char *data, size_t len)
{
	FILE	*fp;

	fp = fopen(path, "w");
	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

static void
setup_tmpdir(void)
{
	int	i;

	ck_assert_ptr_nonnull(getcwd(oldcwd, sizeof(oldcwd)));
	strcpy(tmpdir, "/tmp/check_config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	ck_assert_int_eq(chdir(tmpdir), 0);
	ck_assert_int_eq(mkdir("sub", 0700), 0);
	for (i = 0; i < NITEMS(dummy_files); i++)
		write_file(dummy_files[i], "not really a certificate\n");
}

/* Remove dir and what the tests put in it (files and "sub/"). */
static void
remove_dir(const char *dir)
{
	struct dirent	*e;
	char		 path[PATH_MAX * 2];
	DIR		*d;

	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (strcmp(e->d_name, "sub") == 0)
			remove_dir(path);
		else
			ck_assert_int_eq(unlink(path), 0);
	}
	closedir(d);
	ck_assert_int_eq(rmdir(dir), 0);
}

static void
teardown_tmpdir(void)
{
	ck_assert_int_eq(chdir(oldcwd), 0);
	remove_dir(tmpdir);
}

/* s with every "@DIR@" replaced by the temp dir; caller frees. */
static char *
expand(const char *s)
{
	const char	*at;
	char		*out, *p;

	out = malloc(strlen(s) + 8 * strlen(tmpdir) + 1);
	ck_assert_ptr_nonnull(out);
	for (p = out; (at = strstr(s, "@DIR@")) != NULL; s = at + 5) {
		memcpy(p, s, (size_t)(at - s));
		p += at - s;
		p = stpcpy(p, tmpdir);
	}
	strcpy(p, s);
	return out;
}

/* Load text (expanded), expecting success. */
static struct tf_config *
load_ok(const char *text)
{
	struct tf_config	*conf;
	struct tf_errs		 errs;
	char			*t;

	tf_errs_init(&errs);
	t = expand(text);
	conf = tf_config_load_string(t, NULL, &errs);
	ck_assert_msg(conf != NULL, "%s", tf_errs_count(&errs) > 0 ?
	    tf_errs_get(&errs, 0) : "NULL without an error");
	ck_assert_uint_eq(tf_errs_count(&errs), 0);
	tf_errs_free(&errs);
	free(t);
	return conf;
}

/* Load text, expecting exactly the messages in want (NULL-terminated). */
static void
load_bad(const char *text, const char *const *want)
{
	struct tf_config	*conf;
	struct tf_errs		 errs;
	size_t			 i, n;
	char			*w;

	for (n = 0; want[n] != NULL; n++)
		;
	tf_errs_init(&errs);
	conf = tf_config_load_string(text, NULL, &errs);
	ck_assert_msg(conf == NULL, "loaded; expected %s", want[0]);
	for (i = 0; i < tf_errs_count(&errs) && i < n; i++) {
		w = expand(want[i]);
		ck_assert_str_eq(tf_errs_get(&errs, i), w);
		free(w);
	}
	ck_assert_msg(tf_errs_count(&errs) == n, "%zu errors, expected %zu; "
	    "first extra: %s", tf_errs_count(&errs), n,
	    tf_errs_get(&errs, n) != NULL ? tf_errs_get(&errs, n) : "-");
	tf_errs_free(&errs);
}

static const struct {
	const char	*text;
	const char	*want[MAX_EXPECT];
} bad_syntax[] = {
	{ "daemon = {\n  workers = ;\n};\n" ALL,
	    { "<string>:2: syntax error" } },
	{ "daemon = { workers = 1; };\ndaemon = { workers = 2; };\n" ALL,
	    { "<string>:2: duplicate setting name" } },
	{ "daemon = {\n  user = \"tlsfront\"\n  group = [ 1, \"a\" ];\n};\n"
	  ALL,
	    { "<string>:3: mismatched element type in array" } },
};

static const struct {
	const char	*text;
	const char	*want[MAX_EXPECT];
} bad_daemon[] = {
	{ "frontends = ();\n" ALL,
	    { "<string>:1: unknown key \"frontends\" at top level" } },
	{ "daemon = {\n  foo = 1;\n  workers = 2;\n  bar = \"x\";\n};\n" ALL,
	    { "<string>:2: unknown key \"foo\" in daemon",
	      "<string>:4: unknown key \"bar\" in daemon" } },
	{ "daemon = 5;\n" ALL,
	    { "<string>:1: daemon: expected a group" } },
	{ "daemon = { workers = \"4\"; };\n" ALL,
	    { "<string>:1: daemon.workers: expected an integer" } },
	{ "daemon = { workers = 1.5; };\n" ALL,
	    { "<string>:1: daemon.workers: expected an integer" } },
	{ "daemon = { workers = -1; };\n" ALL,
	    { "<string>:1: daemon.workers: must be between 0 and 256" } },
	{ "daemon = { workers = 257; };\n" ALL,
	    { "<string>:1: daemon.workers: must be between 0 and 256" } },
	{ "daemon = { max_connections = 0; };\n" ALL,
	    { "<string>:1: daemon.max_connections: must be at least 1" } },
	{ "daemon = { max_connections = 3000000000L; };\n" ALL,
	    { "<string>:1: daemon.max_connections: must be at most "
	      "2147483647" } },
	{ "daemon = { user = \"\"; group = 0; };\n" ALL,
	    { "<string>:1: daemon.user: must not be empty",
	      "<string>:1: daemon.group: expected a string" } },
	{ "daemon = { timeouts = {\n  idle = 0;\n  drain = -1.5;\n"
	  "  connect = \"5\";\n  read = 1.0;\n}; };\n" ALL,
	    { "<string>:5: unknown key \"read\" in daemon.timeouts",
	      "<string>:4: daemon.timeouts.connect: expected a number of "
	      "seconds",
	      "<string>:2: daemon.timeouts.idle: must be greater than 0 and "
	      "at most 31536000",
	      "<string>:3: daemon.timeouts.drain: must be greater than 0 and "
	      "at most 31536000" } },
	{ "daemon = { timeouts = {\n  handshake = 1e-9;\n  idle = 0.0009;\n"
	  "  connect = 0.001;\n}; };\n" ALL,
	    { "<string>:2: daemon.timeouts.handshake: must be at least 0.001 "
	      "(1 ms, the resolution of the timers)",
	      "<string>:3: daemon.timeouts.idle: must be at least 0.001 (1 ms, "
	      "the resolution of the timers)" } },
	{ "daemon = { timeouts = [ 1.0 ]; };\n" ALL,
	    { "<string>:1: daemon.timeouts: expected a group" } },
	{ "daemon = { log = {\n  target = \"file\";\n  level = \"verbose\";\n"
	  "  access = \"xml\";\n  facility = \"daemon\";\n}; };\n" ALL,
	    { "<string>:5: unknown key \"facility\" in daemon.log",
	      "<string>:2: unknown log target \"file\" (expected stderr, "
	      "syslog or journal)",
	      "<string>:3: unknown log level \"verbose\" (expected err, "
	      "warning, notice, info or debug)",
	      "<string>:4: unknown access log format \"xml\" (expected off, "
	      "text or json)" } },
};

/* Each snippet here is one context "default", then REST. */
#define CERT	"cert_chain = ( { certfile = \"rsa.pem\"; } );"
static const struct {
	const char	*text;
	const char	*want[MAX_EXPECT];
} bad_context[] = {
	{ "contexts = { default = {\n  protocol = \"PROTOCOL_FOO\";\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:2: unknown protocol \"PROTOCOL_FOO\"" } },
	{ "contexts = { default = {\n  protocol = \"PROTOCOL_SSLv3\";\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:2: PROTOCOL_SSLv3 is not available: this OpenSSL has "
	      "no SSLv2/SSLv3 support" } },
	{ "contexts = { default = {\n  protocol = \"PROTOCOL_SSLv2\";\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:2: PROTOCOL_SSLv2 is not available: this OpenSSL has "
	      "no SSLv2/SSLv3 support" } },
	{ "contexts = { default = {\n  protocol = \"PROTOCOL_TLS_CLIENT\";\n  "
	  CERT "\n}; };\n" REST,
	    { "<string>:2: PROTOCOL_TLS_CLIENT is a client protocol; a "
	      "listener's context needs PROTOCOL_TLS or PROTOCOL_TLS_SERVER "
	      "(or a fixed version)" } },
	{ "contexts = { default = {\n  protocol = 2;\n  " CERT "\n}; };\n"
	  REST,
	    { "<string>:2: contexts.default.protocol: expected a string" } },
	{ "contexts = { default = {\n  options = [\n    \"OP_NO_TICKET\",\n"
	  "    \"OP_FOO\",\n    \"!OP_BAR\" ];\n  " CERT "\n}; };\n" REST,
	    { "<string>:4: unknown option \"OP_FOO\"",
	      "<string>:5: unknown option \"OP_BAR\"" } },
	{ "contexts = { default = {\n  options = \"OP_NO_TICKET\";\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:2: contexts.default.options: expected a list of "
	      "strings" } },
	{ "contexts = { default = {\n  options = ( \"OP_NO_TICKET\", 4 );\n  "
	  CERT "\n}; };\n" REST,
	    { "<string>:2: contexts.default.options[1]: expected a string" } },
	{ "contexts = { default = {\n  protocol = \"PROTOCOL_TLSv1_2\";\n"
	  "  minimum_version = \"TLSv1_2\";\n  maximum_version = \"TLSv1_3\";\n"
	  "  " CERT "\n}; };\n" REST,
	    { "<string>:3: The context's protocol doesn't support "
	      "modification of highest and lowest version.",
	      "<string>:4: The context's protocol doesn't support "
	      "modification of highest and lowest version." } },
	{ "contexts = { default = {\n  protocol = \"PROTOCOL_TLSv1\";\n"
	  "  maximum_version = \"MAXIMUM_SUPPORTED\";\n  " CERT "\n}; };\n"
	  REST,
	    { "<string>:3: The context's protocol doesn't support "
	      "modification of highest and lowest version." } },
	{ "contexts = { default = {\n  minimum_version = \"TLSv1_4\";\n"
	  "  maximum_version = \"tlsv1_3\";\n  " CERT "\n}; };\n" REST,
	    { "<string>:2: unknown TLS version \"TLSv1_4\"",
	      "<string>:3: unknown TLS version \"tlsv1_3\"" } },
	{ "contexts = { default = {\n  ciphers = \"\";\n  ecdh_curve = 25519;\n"
	  "  verify_modes = \"CERT_NONE\";\n  " CERT "\n}; };\n" REST,
	    { "<string>:4: unknown key \"verify_modes\" in contexts.default",
	      "<string>:2: contexts.default.ciphers: must not be empty",
	      "<string>:3: contexts.default.ecdh_curve: expected a string" } },
	{ "contexts = {\n  default = {\n    protocol = \"PROTOCOL_TLS\";\n"
	  "  };\n};\n" REST,
	    { "<string>:2: context \"default\": cert_chain is required" } },
	{ "contexts = { default = 5; };\n" REST,
	    { "<string>:1: contexts.default: expected a group" } },
	/* The SSLContext attributes beyond the version range and ciphers. */
	{ "contexts = { default = {\n  ecdh_curve = \"X25519\";\n"
	  "  groups = [ \"X25519\", \"P-256\" ];\n  " CERT "\n}; };\n" REST,
	    { "<string>:3: contexts.default.groups: groups and ecdh_curve both "
	      "set the key exchange groups: use one (ecdh_curve is Python's "
	      "set_ecdh_curve(), a single curve; groups is a list)" } },
	{ "contexts = { default = {\n  groups = [ ];\n  " CERT "\n}; };\n"
	  REST,
	    { "<string>:2: contexts.default.groups: needs at least one "
	      "group" } },
	{ "contexts = { default = {\n  groups = \"X25519\";\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:2: contexts.default.groups: expected a list of "
	      "strings" } },
	{ "contexts = { default = {\n  dh_params = \"nodh.pem\";\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:2: cannot read dh_params \"@DIR@/nodh.pem\": No such "
	      "file or directory" } },
	{ "contexts = { default = {\n  verify_mode = \"CERT_MAYBE\";\n"
	  "  verify_flags = [\n    \"VERIFY_X509_STRICT\",\n"
	  "    \"VERIFY_NOPE\" ];\n  " CERT "\n}; };\n" REST,
	    { "<string>:2: unknown verify_mode \"CERT_MAYBE\" (expected "
	      "CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED)",
	      "<string>:5: unknown verify flag \"VERIFY_NOPE\"" } },
	{ "contexts = { default = {\n  default_suites = \"system\";\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:2: unknown default_suites \"system\" (expected "
	      "\"python\": CPython's own defaults, or \"openssl\": "
	      "OpenSSL's system configuration, as --with-ssl-default-suites "
	      "builds python3)" } },
	{ "contexts = { default = {\n  default_suites = true;\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:2: contexts.default.default_suites: expected a "
	      "string" } },
	{ "contexts = { default = {\n  verify_mode = 2;\n  " CERT "\n}; };\n"
	  REST,
	    { "<string>:2: contexts.default.verify_mode: expected a "
	      "string" } },
	{ "contexts = { default = {\n  verify_locations = {\n"
	  "    cafile = \"noca.pem\";\n    capath = \"rsa.pem\";\n"
	  "    crlpath = \"x\";\n  };\n  " CERT "\n}; };\n" REST,
	    { "<string>:5: unknown key \"crlpath\" in "
	      "contexts.default.verify_locations",
	      "<string>:3: cannot read cafile \"@DIR@/noca.pem\": No such "
	      "file or directory",
	      "<string>:4: cannot use capath \"@DIR@/rsa.pem\": Not a "
	      "directory" } },
	{ "contexts = { default = {\n  verify_locations = { };\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:2: contexts.default.verify_locations: cafile, capath "
	      "and cadata cannot be all omitted" } },
	{ "contexts = { default = {\n  verify_locations = {\n"
	  "    capath = \"nodir\";\n    cadata = \"\";\n  };\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:3: cannot use capath \"@DIR@/nodir\": No such file "
	      "or directory",
	      "<string>:4: contexts.default.verify_locations.cadata: must not "
	      "be empty" } },
	/* Client certificates: crlfile and verify_depth. */
	{ "contexts = { default = {\n  verify_locations = {\n"
	  "    cafile = \"rsa.pem\";\n    crlfile = \"nocrl.pem\";\n  };\n"
	  "  verify_depth = -1;\n  " CERT "\n}; };\n" REST,
	    { "<string>:4: cannot read crlfile \"@DIR@/nocrl.pem\": No such "
	      "file or directory",
	      "<string>:6: verify_depth -1 is out of range: 0 to 100 "
	      "intermediate CA certificates (0: the client's certificate must "
	      "be issued by a trusted CA itself)" } },
	{ "contexts = { default = {\n  verify_locations = {\n"
	  "    crlfile = \"sub\";\n  };\n  verify_depth = 101;\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:3: cannot read crlfile \"@DIR@/sub\": Is a directory",
	      "<string>:2: contexts.default.verify_locations: cafile, capath "
	      "and cadata cannot be all omitted",
	      "<string>:5: verify_depth 101 is out of range: 0 to 100 "
	      "intermediate CA certificates (0: the client's certificate must "
	      "be issued by a trusted CA itself)" } },
	{ "contexts = { default = {\n  verify_locations = {\n"
	  "    cafile = \"rsa.pem\";\n    crlfile = 4;\n  };\n"
	  "  verify_depth = \"2\";\n  " CERT "\n}; };\n" REST,
	    { "<string>:4: contexts.default.verify_locations.crlfile: "
	      "expected a string",
	      "<string>:6: contexts.default.verify_depth: expected an "
	      "integer" } },
	{ "contexts = { default = {\n  alpn_protocols = [\n    \"h2\",\n"
	  "    \"\",\n    \"h\u00e9\" ];\n  " CERT "\n}; };\n" REST,
	    { "<string>:4: ALPN protocols must be 1 to 255 in length",
	      "<string>:5: ALPN protocol \"h\u00e9\" is not ASCII" } },
	{ "contexts = { default = {\n  num_tickets = -1;\n"
	  "  post_handshake_auth = 1;\n  keylog_filename = 3;\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:2: contexts.default.num_tickets: value must be "
	      "non-negative",
	      "<string>:3: contexts.default.post_handshake_auth: expected "
	      "true or false",
	      "<string>:4: contexts.default.keylog_filename: expected a "
	      "string" } },
	{ "contexts = { default = {\n  protocol = \"PROTOCOL_TLS\";\n"
	  "  num_tickets = 2;\n  " CERT "\n}; };\n" REST,
	    { "<string>:3: contexts.default.num_tickets: SSLContext is not a "
	      "server context. (Python sets num_tickets only with "
	      "PROTOCOL_TLS_SERVER)" } },
	{ "contexts = { default = {\n  num_tickets = \"2\";\n  " CERT
	  "\n}; };\n" REST,
	    { "<string>:2: contexts.default.num_tickets: expected an "
	      "integer" } },
	{ "contexts = [ 1 ];\n" REST,
	    { "<string>:1: contexts: expected a group",
	      "<string>:3: listener names unknown context \"default\"" } },
};

/* Each snippet: a context "default" with just this cert_chain, then REST. */
#define CTX(chain)	"contexts = { default = {\n  cert_chain = " chain \
	"\n}; };\n" REST
static const struct {
	const char	*text;
	const char	*want[MAX_EXPECT];
} bad_certs[] = {
	{ CTX("();"),
	    { "<string>:2: contexts.default.cert_chain: needs at least one "
	      "entry" } },
	{ CTX("{ certfile = \"rsa.pem\"; };"),
	    { "<string>:2: contexts.default.cert_chain: expected a list of "
	      "groups" } },
	{ CTX("( \"rsa.pem\" );"),
	    { "<string>:2: contexts.default.cert_chain[0]: expected a "
	      "group" } },
	{ CTX("( {\n    keyfile = \"rsa.key\";\n  } );"),
	    { "<string>:2: contexts.default.cert_chain[0]: certfile is "
	      "required" } },
	{ CTX("( {\n    certfile = \"missing.pem\";\n"
	      "    keyfile = \"/nonexistent/x.key\";\n  } );"),
	    { "<string>:3: cannot read certfile \"@DIR@/missing.pem\": No such "
	      "file or directory",
	      "<string>:4: cannot read keyfile \"/nonexistent/x.key\": No such "
	      "file or directory" } },
	{ CTX("( {\n    certfile = \"sub\";\n  } );"),
	    { "<string>:3: cannot read certfile \"@DIR@/sub\": Is a "
	      "directory" } },
	{ CTX("( {\n    certfile = \"enc.pem\";\n    keyfile = \"enc.key\";\n"
	      "    password = \"secret\";\n"
	      "    password_file = \"password.txt\";\n  } );"),
	    { "<string>:6: contexts.default.cert_chain[0].password_file: "
	      "password and password_file are mutually exclusive" } },
	{ CTX("( {\n    certfile = \"enc.pem\";\n"
	      "    password_file = \"nopassword.txt\";\n  } );"),
	    { "<string>:4: cannot read password_file \"@DIR@/nopassword.txt\": "
	      "No such file or directory" } },
	{ CTX("( { certfile = \"rsa.pem\"; },\n    {\n    certfile = "
	      "\"ecdsa.pem\";\n    chain = \"ca.pem\";\n  } );"),
	    { "<string>:5: unknown key \"chain\" in "
	      "contexts.default.cert_chain[1]" } },
};

/* Each snippet: CONTEXT and BACKEND on lines 1-2, then listeners. */
static const struct {
	const char	*text;
	const char	*want[MAX_EXPECT];
} bad_listeners[] = {
	{ CONTEXT BACKEND,
	    { "<string>: no listeners configured" } },
	{ CONTEXT BACKEND "listeners = ();\n",
	    { "<string>:3: no listeners configured" } },
	{ CONTEXT BACKEND "listeners = { a = 1; };\n",
	    { "<string>:3: listeners: expected a list of groups" } },
	{ CONTEXT BACKEND "listeners = (\n  {\n    port = 443;\n  }\n);\n",
	    { "<string>:5: unknown key \"port\" in listeners[0]",
	      "<string>:4: listeners[0]: listen is required",
	      "<string>:4: listeners[0]: context is required",
	      "<string>:4: listeners[0]: backend is required" } },
	{ CONTEXT BACKEND "listeners = ( {\n  listen = \"127.0.0.1\";\n"
	  "  context = \"other\";\n  backend = \"db\";\n} );\n",
	    { "<string>:4: listen \"127.0.0.1\": missing port",
	      "<string>:5: listener names unknown context \"other\"",
	      "<string>:6: listener names unknown backend \"db\"" } },
	{ CONTEXT BACKEND "listeners = ( {\n  listen = \"*:0\";\n"
	  "  context = \"default\";\n  backend = \"app\";\n} );\n",
	    { "<string>:4: listen \"*:0\": port 0 is not allowed" } },
	{ CONTEXT BACKEND "listeners = ( {\n  listen = \"unix:/run/t.sock\";\n"
	  "  context = \"default\";\n  backend = \"app\";\n} );\n",
	    { "<string>:4: listen \"unix:/run/t.sock\": unix sockets are not "
	      "supported for listeners" } },
	{ CONTEXT BACKEND "listeners = ( {\n  listen = 443;\n"
	  "  context = \"default\";\n  backend = \"app\";\n} );\n",
	    { "<string>:4: listeners[0].listen: expected a string" } },
	{ CONTEXT BACKEND "listeners = (\n  { listen = \"0.0.0.0:443\"; "
	  "context = \"default\"; backend = \"app\"; },\n"
	  "  { listen = \"[::]:443\"; context = \"default\"; backend = \"app\";"
	  " },\n  { listen = \"*:443\"; context = \"default\"; "
	  "backend = \"app\"; }\n);\n",
	    { "<string>:6: listen \"*:443\": address already used by the "
	      "listener at line 4" } },
	{ CONTEXT BACKEND "listeners = ( {\n  listen = \"127.0.0.1:8443\";\n"
	  "  context = \"default\";\n  backend = \"app\";\n"
	  "  accept_proxy = \"yes\";\n"
	  "  accept_proxy_from = [ \"10.0.0.0/8\" ];\n} );\n",
	    { "<string>:7: listeners[0].accept_proxy: expected true or false",
	      "<string>:8: accept_proxy_from needs accept_proxy = true" } },
	{ CONTEXT BACKEND "listeners = ( {\n  listen = \"127.0.0.1:8443\";\n"
	  "  context = \"default\";\n  backend = \"app\";\n"
	  "  accept_proxy = true;\n"
	  "  accept_proxy_from = [ \"10.0.0.1/8\",\n    \"::1/129\",\n"
	  "    \"localhost\", \"192.0.2.0/24\" ];\n} );\n",
	    { "<string>:8: accept_proxy_from \"10.0.0.1/8\": has host bits set",
	      "<string>:9: accept_proxy_from \"::1/129\": prefix length must "
	      "be 0 to 128",
	      "<string>:10: accept_proxy_from \"localhost\": not an IPv4 or "
	      "IPv6 address" } },
	{ CONTEXT BACKEND "listeners = ( {\n  listen = \"127.0.0.1:8443\";\n"
	  "  context = \"default\";\n  backend = \"app\";\n"
	  "  accept_proxy = true;\n  accept_proxy_from = [];\n} );\n",
	    { "<string>:8: accept_proxy_from: needs at least one address "
	      "prefix (leave it out to take a header from any peer)" } },
};

/* Each snippet: CONTEXT on line 1, backends, then LISTENER. */
static const struct {
	const char	*text;
	const char	*want[MAX_EXPECT];
} bad_backends[] = {
	{ CONTEXT "backends = {\n  app = {\n    proxy_protocol = \"none\";\n"
	  "  };\n};\n" LISTENER,
	    { "<string>:3: backend \"app\": servers is required" } },
	{ CONTEXT "backends = { app = {\n  servers = [];\n}; };\n" LISTENER,
	    { "<string>:3: backends.app.servers: needs at least one server" } },
	{ CONTEXT "backends = { app = {\n  servers = \"127.0.0.1:80\";\n}; };\n"
	  LISTENER,
	    { "<string>:3: backends.app.servers: expected a list of "
	      "strings" } },
	{ CONTEXT "backends = { app = {\n  servers = [\n    \"127.0.0.1:80\",\n"
	  "    \"127.0.0.1:http\",\n    \"unix:\" ];\n}; };\n" LISTENER,
	    { "<string>:5: server \"127.0.0.1:http\": invalid port \"http\"",
	      "<string>:6: server \"unix:\": missing unix socket path" } },
	{ CONTEXT "backends = { app = {\n  servers = [ \"127.0.0.1:80\" ];\n"
	  "  proxy_protocol = \"v2\";\n  weight = 1;\n}; };\n" LISTENER,
	    { "<string>:5: unknown key \"weight\" in backends.app" } },
	{ CONTEXT "backends = { app = {\n  servers = [ \"127.0.0.1:80\" ];\n"
	  "  proxy_protocol = \"v1\";\n"
	  "  proxy_protocol_tlvs = [ \"alpn\" ];\n}; };\n" LISTENER,
	    { "<string>:5: backend \"app\": proxy_protocol_tlvs needs "
	      "proxy_protocol = \"v2\" (only v2 carries TLVs)" } },
	{ CONTEXT "backends = { app = {\n  servers = [ \"127.0.0.1:80\" ];\n"
	  "  proxy_protocol = \"v2\";\n"
	  "  proxy_protocol_tlvs = ( \"alpn\",\n    \"crc32c\", 5 );\n"
	  "}; };\n" LISTENER,
	    { "<string>:6: unknown proxy_protocol_tlvs group \"crc32c\" "
	      "(expected alpn, authority, unique_id or ssl)",
	      "<string>:6: backends.app.proxy_protocol_tlvs[2]: expected a "
	      "string" } },
	{ CONTEXT "backends = { app = {\n  servers = [ \"127.0.0.1:80\" ];\n"
	  "  proxy_protocol = \"v2\";\n"
	  "  proxy_protocol_tlvs = \"ssl\";\n}; };\n" LISTENER,
	    { "<string>:5: backends.app.proxy_protocol_tlvs: expected a list "
	      "of strings" } },
	{ CONTEXT "backends = { app = {\n  servers = [ \"127.0.0.1:80\" ];\n"
	  "  proxy_protocol = \"v3\";\n}; };\n" LISTENER,
	    { "<string>:4: unknown proxy_protocol \"v3\" (expected none, v1 "
	      "or v2)" } },
	{ CONTEXT "backends = ( { servers = [ \"127.0.0.1:80\" ]; } );\n"
	  LISTENER,
	    { "<string>:2: backends: expected a group",
	      "<string>:3: listener names unknown backend \"app\"" } },
};

/* TLS to backends: a client context and what names it. */
#define CLIENT_CTX \
	"contexts = { default = { " CERT " };\n" \
	"  up = { protocol = \"PROTOCOL_TLS_CLIENT\"; }; };\n"
static const struct {
	const char	*text;
	const char	*want[MAX_EXPECT];
} bad_backend_tls[] = {
	{ CLIENT_CTX "backends = { app = { servers = [ \"127.0.0.1:80\" ];\n"
	  "  tls = \"default\"; }; };\n" LISTENER,
	    { "<string>:4: backend \"app\": tls names context \"default\", "
	      "a server context (line 1): a backend's context needs protocol = "
	      "\"PROTOCOL_TLS_CLIENT\"" } },
	{ CLIENT_CTX "backends = { app = { servers = [ \"127.0.0.1:80\" ];\n"
	  "  tls = \"nope\"; }; };\n" LISTENER,
	    { "<string>:4: listener names unknown context \"nope\"" } },
	{ CLIENT_CTX "backends = { app = {\n  servers = [ \"unix:/x\" ]; "
	  "tls = \"up\"; }; };\n" LISTENER,
	    { "<string>:4: backend \"app\": server \"unix:/x\" has no name to "
	      "check the certificate against: check_hostname requires "
	      "server_hostname" } },
	{ CLIENT_CTX "backends = { app = {\n  servers = [ \"127.0.0.1:80\" ];\n"
	  "  server_hostname = \"a.example\"; }; };\n" LISTENER,
	    { "<string>:3: backend \"app\": server_hostname needs tls (a "
	      "client context): without it no name is sent or checked" } },
	{ CLIENT_CTX "backends = { app = { servers = (\n"
	  "  { address = \"127.0.0.1:80\"; name = \"x\"; },\n"
	  "  { server_hostname = \"y\"; } ); tls = \"up\"; }; };\n" LISTENER,
	    { "<string>:4: unknown key \"name\" in backends.app.servers[0]",
	      "<string>:5: backends.app.servers[1]: address is required" } },
	{ CLIENT_CTX "backends = { app = { servers = [ \"127.0.0.1:80\" ];\n"
	  "  server_hostname = \".example\"; tls = \"up\"; }; };\n" LISTENER,
	    { "<string>:4: server_hostname \".example\": server_hostname "
	      "cannot be an empty string or start with a leading dot." } },
	{ "contexts = { default = { " CERT " check_hostname = true; };\n"
	  "  up = { protocol = \"PROTOCOL_TLS_CLIENT\";\n"
	  "    sni_strict = true;\n    num_tickets = 1;\n"
	  "    verify_mode = \"CERT_NONE\"; }; };\n" REST,
	    { "<string>:1: check_hostname is a setting of a client context "
	      "(protocol = \"PROTOCOL_TLS_CLIENT\", for backends.NAME.tls); "
	      "context \"default\" is a server context",
	      "<string>:4: contexts.up.num_tickets: SSLContext is not a server "
	      "context. (Python sets num_tickets only with "
	      "PROTOCOL_TLS_SERVER)",
	      "<string>:3: sni_strict is a setting of a server context; "
	      "context \"up\" is a client context (PROTOCOL_TLS_CLIENT)",
	      "<string>:5: Cannot set verify_mode to CERT_NONE when "
	      "check_hostname is enabled. (set check_hostname = false too)" } },
	{ "contexts = { default = { " CERT " };\n"
	  "  up = { protocol = \"PROTOCOL_TLS_CLIENT\"; }; };\n"
	  BACKEND "listeners = ( { listen = \"127.0.0.1:8443\"; "
	  "context = \"default\"; backend = \"app\";\n"
	  "  routes = ( { names = [ \"a.example\" ]; context = \"up\"; } ); "
	  "} );\n",
	    { "<string>:5: route names context \"up\", a client context "
	      "(PROTOCOL_TLS_CLIENT): a route's context needs a server "
	      "protocol" } },
};

START_TEST(test_config_backend_tls_refused)
{
	load_bad(bad_backend_tls[_i].text, bad_backend_tls[_i].want);
}
END_TEST

/* Each server's name: its own, else the backend's, else its host. */
START_TEST(test_config_backend_tls_names)
{
	struct tf_config		*conf;
	const struct tf_backend_conf	*be;
	const struct tf_context_conf	*up, *off;

	conf = load_ok("contexts = { default = { " CERT " };\n"
	    "  up = { protocol = \"PROTOCOL_TLS_CLIENT\"; };\n"
	    "  off = { protocol = \"PROTOCOL_TLS_CLIENT\"; "
	    "check_hostname = false; verify_mode = \"CERT_NONE\"; }; };\n"
	    "backends = { app = { servers = ( \"localhost:1\", "
	    "\"[::1]:2\", { address = \"127.0.0.1:3\"; server_hostname = "
	    "\"own.example\"; } ); tls = \"up\"; };\n"
	    "  all = { servers = [ \"127.0.0.1:4\" ]; server_hostname = "
	    "\"b.example\"; tls = \"off\"; };\n"
	    "  plain = { servers = [ \"unix:/x\" ]; }; };\n" LISTENER);
	up = &conf->contexts[1];
	off = &conf->contexts[2];
	ck_assert(up->check_hostname);
	ck_assert_int_eq(up->verify_mode, TF_CERT_REQUIRED);
	ck_assert(!off->check_hostname);
	ck_assert_int_eq(off->verify_mode, TF_CERT_NONE);
	ck_assert(!conf->contexts[0].check_hostname);
	be = &conf->backends[0];
	ck_assert(be->has_tls);
	ck_assert_uint_eq(be->tls, 1);
	ck_assert_str_eq(be->tls_names[0], "localhost");
	ck_assert_str_eq(be->tls_names[1], "::1");
	ck_assert_str_eq(be->tls_names[2], "own.example");
	ck_assert_str_eq(be->server_names[2], "127.0.0.1:3");
	be = &conf->backends[1];
	ck_assert_str_eq(be->tls_names[0], "b.example");
	ck_assert(!conf->backends[2].has_tls);
	tf_config_free(conf);
}
END_TEST

START_TEST(test_config_syntax_error_has_line)
{
	load_bad(bad_syntax[_i].text, bad_syntax[_i].want);
}
END_TEST

START_TEST(test_config_daemon_refused)
{
	load_bad(bad_daemon[_i].text, bad_daemon[_i].want);
}
END_TEST

START_TEST(test_config_context_refused)
{
	load_bad(bad_context[_i].text, bad_context[_i].want);
}
END_TEST

START_TEST(test_config_cert_chain_refused)
{
	load_bad(bad_certs[_i].text, bad_certs[_i].want);
}
END_TEST

START_TEST(test_config_listener_refused)
{
	load_bad(bad_listeners[_i].text, bad_listeners[_i].want);
}
END_TEST

START_TEST(test_config_backend_refused)
{
	load_bad(bad_backends[_i].text, bad_backends[_i].want);
}
END_TEST

START_TEST(test_config_reports_all_errors_in_order)
{
	static const char *const want[] = {
		"<string>:1: daemon.workers: expected an integer",
		"<string>:2: unknown protocol \"PROTOCOL_X\"",
		"<string>:3: unknown key \"foo\" in backends.app",
		"<string>:4: listen \"1.2.3.4\": missing port",
		NULL,
	};

	load_bad("daemon = { workers = \"x\"; };\n"
	    "contexts = { default = { protocol = \"PROTOCOL_X\"; " CERT " }; };\n"
	    "backends = { app = { servers = [ \"127.0.0.1:80\" ]; foo = 1; }; };\n"
	    "listeners = ( { listen = \"1.2.3.4\"; context = \"default\"; "
	    "backend = \"app\"; } );\n", want);
}
END_TEST

START_TEST(test_config_string_name_used_in_errors)
{
	struct tf_errs	errs;

	tf_errs_init(&errs);
	ck_assert_ptr_null(tf_config_load_string("daemon = { workers = -1; };\n"
	    ALL, "inline.conf", &errs));
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	ck_assert_str_eq(tf_errs_get(&errs, 0),
	    "inline.conf:1: daemon.workers: must be between 0 and 256");
	ck_assert_ptr_null(tf_config_load_string("a = ;", "inline.conf",
	    &errs));
	ck_assert_str_eq(tf_errs_get(&errs, 1), "inline.conf:1: syntax error");
	tf_errs_free(&errs);
}
END_TEST

START_TEST(test_config_file_errors_name_the_file)
{
	struct tf_errs	 errs;
	char		*path;

	tf_errs_init(&errs);
	ck_assert_ptr_null(tf_config_load_file("/nonexistent/tlsfront.conf",
	    &errs));
	ck_assert_str_eq(tf_errs_get(&errs, 0), "/nonexistent/tlsfront.conf: "
	    "cannot open: No such file or directory");

	write_file("bad.conf", "\n\ndaemon = { workers = \"x\"; };\n" ALL);
	ck_assert_ptr_null(tf_config_load_file("bad.conf", &errs));
	ck_assert_str_eq(tf_errs_get(&errs, 1),
	    "bad.conf:3: daemon.workers: expected an integer");

	path = expand("@DIR@/bad.conf");
	write_file(path, "daemon = {\n  workers = 1;\n  = 2;\n};\n");
	ck_assert_ptr_null(tf_config_load_file(path, &errs));
	ck_assert_uint_eq(tf_errs_count(&errs), 3);
	ck_assert_ptr_nonnull(strstr(tf_errs_get(&errs, 2), ":3: syntax "
	    "error"));
	ck_assert_int_eq(strncmp(tf_errs_get(&errs, 2), path, strlen(path)), 0);
	free(path);
	tf_errs_free(&errs);
}
END_TEST

/* Collects the paths tf_context_conf_files reports, joined by spaces. */
static void
collect_path(const char *path, void *arg)
{
	char	*out = arg;
	size_t	 len = strlen(out);

	snprintf(out + len, 1024 - len, "%s%s", len > 0 ? " " : "", path);
}

START_TEST(test_config_context_files)
{
	struct tf_config	*conf;
	char			 got[1024] = "", *want;

	conf = load_ok("daemon = { watch_files = false; };\n"
	    "contexts = { default = {\n"
	    "  cert_chain = ( { certfile = \"rsa.pem\"; keyfile = \"rsa.key\"; },\n"
	    "    { certfile = \"enc.pem\"; keyfile = \"enc.key\";\n"
	    "      password_file = \"password.txt\"; } );\n"
	    "  verify_locations = { cafile = \"ecdsa.pem\"; capath = \"sub\";\n"
	    "    crlfile = \"sub/site.pem\"; };\n"
	    "  dh_params = \"sub/site.key\";\n"
	    "}; };\n" REST);
	ck_assert(!conf->watch_files);
	tf_context_conf_files(&conf->contexts[0], collect_path, got);
	want = expand("@DIR@/rsa.pem @DIR@/rsa.key @DIR@/enc.pem "
	    "@DIR@/enc.key @DIR@/password.txt @DIR@/ecdsa.pem @DIR@/sub "
	    "@DIR@/sub/site.pem @DIR@/sub/site.key");
	ck_assert_str_eq(got, want);
	free(want);
	tf_config_free(conf);
}
END_TEST

START_TEST(test_config_defaults)
{
	struct tf_config	*conf;
	struct tf_context_conf	*ctx;
	char			 buf[TF_ADDR_STRLEN];

	conf = load_ok(ALL);
	ck_assert_str_eq(conf->file, "<string>");
	ck_assert_int_eq(conf->workers, 0);
	ck_assert_ptr_null(conf->user);
	ck_assert_ptr_null(conf->group);
	ck_assert_int_eq(conf->max_connections, TF_DEFAULT_MAX_CONNECTIONS);
	ck_assert_double_eq(conf->timeout_handshake,
	    TF_DEFAULT_TIMEOUT_HANDSHAKE);
	ck_assert_double_eq(conf->timeout_connect, TF_DEFAULT_TIMEOUT_CONNECT);
	ck_assert_double_eq(conf->timeout_idle, TF_DEFAULT_TIMEOUT_IDLE);
	ck_assert_double_eq(conf->timeout_drain, TF_DEFAULT_TIMEOUT_DRAIN);
	ck_assert_double_eq(conf->timeout_retire, 0);
	ck_assert(!conf->log_target_set);
	ck_assert_int_eq(conf->log_level, TF_LOG_INFO);
	ck_assert_int_eq(conf->log_access, TF_ACCESS_TEXT);
	ck_assert(conf->watch_files);

	ck_assert_uint_eq(conf->ncontexts, 1);
	ctx = &conf->contexts[0];
	ck_assert_str_eq(ctx->name, "default");
	ck_assert_int_eq(ctx->line, 1);
	ck_assert_int_eq(ctx->protocol, TF_PROTOCOL_TLS_SERVER);
	ck_assert_int_eq(ctx->protocol_line, 0);
	ck_assert_uint_eq(ctx->options_set, 0);
	ck_assert_uint_eq(ctx->options_clear, 0);
	ck_assert_int_eq(ctx->minimum_version, TF_VERSION_UNSET);
	ck_assert_int_eq(ctx->maximum_version, TF_VERSION_UNSET);
	ck_assert_ptr_null(ctx->ciphers.value);
	ck_assert_ptr_null(ctx->ciphersuites.value);
	ck_assert_ptr_null(ctx->ecdh_curve.value);
	ck_assert_uint_eq(ctx->ncerts, 1);
	ck_assert_ptr_null(ctx->certs[0].password);
	ck_assert_ptr_null(ctx->certs[0].password_file);

	ck_assert_uint_eq(conf->nbackends, 1);
	ck_assert_str_eq(conf->backends[0].name, "app");
	ck_assert_int_eq(conf->backends[0].line, 2);
	ck_assert_uint_eq(conf->backends[0].nservers, 1);
	ck_assert_str_eq(conf->backends[0].server_names[0], "127.0.0.1:8080");
	ck_assert_int_eq(conf->backends[0].proxy_protocol, TF_PROXY_NONE);
	ck_assert_uint_eq(conf->backends[0].proxy_protocol_tlvs,
	    TF_PROXY_TLV_ALL);
	ck_assert(!conf->listeners[0].accept_proxy);
	ck_assert_uint_eq(conf->listeners[0].naccept_proxy_from, 0);

	ck_assert_uint_eq(conf->nlisteners, 1);
	ck_assert_str_eq(conf->listeners[0].listen, "127.0.0.1:8443");
	ck_assert_str_eq(tf_addr_format(&conf->listeners[0].addr, buf,
	    sizeof(buf)), "127.0.0.1:8443");
	ck_assert_uint_eq(conf->listeners[0].context, 0);
	ck_assert_uint_eq(conf->listeners[0].backend, 0);
	ck_assert_int_eq(conf->listeners[0].line, 3);
	tf_config_free(conf);
}
END_TEST

/* The example of the contract, every key set. */
static const char full_example[] =
	"daemon = {\n"
	"  workers = 4;\n"
	"  user = \"tlsfront\"; group = \"nogroup\";\n"
	"  max_connections = 1000;\n"
	"  timeouts = { handshake = 5; connect = 2.5; idle = 60; "
	"drain = 0.5; retire = 600; };\n"
	"  log = { target = \"syslog\"; level = \"debug\"; access = \"json\"; };\n"
	"};\n"
	"contexts = {\n"
	"  default = {\n"
	"    protocol = \"PROTOCOL_TLS\";\n"
	"    options = [ \"OP_NO_COMPRESSION\", \"OP_NO_TICKET\",\n"
	"      \"!OP_ENABLE_MIDDLEBOX_COMPAT\" ];\n"
	"    minimum_version = \"TLSv1_2\";\n"
	"    maximum_version = \"MAXIMUM_SUPPORTED\";\n"
	"    ciphers = \"ECDHE+AESGCM\";\n"
	"    ciphersuites = \"TLS_AES_128_GCM_SHA256\";\n"
	"    ecdh_curve = \"X25519\";\n"
	"    cert_chain = (\n"
	"      { certfile = \"rsa.pem\"; keyfile = \"rsa.key\"; },\n"
	"      { certfile = \"@DIR@/enc.pem\"; keyfile = \"enc.key\";\n"
	"        password = \"secret\"; },\n"
	"      { certfile = \"ecdsa.pem\"; keyfile = \"ecdsa.key\";\n"
	"        password_file = \"password.txt\"; }\n"
	"    );\n"
	"  };\n"
	"  legacy = {\n"
	"    protocol = \"PROTOCOL_TLSv1_2\";\n"
	"    cert_chain = ( { certfile = \"sub/site.pem\"; } );\n"
	"  };\n"
	"};\n"
	"listeners = (\n"
	"  { listen = \"0.0.0.0:443\"; context = \"default\"; backend = \"app\"; },\n"
	"  { listen = \"[::1]:8443\"; context = \"legacy\"; backend = \"db\"; }\n"
	");\n"
	"backends = {\n"
	"  app = { servers = [ \"127.0.0.1:8080\", \"unix:/run/app.sock\" ];\n"
	"    proxy_protocol = \"none\"; };\n"
	"  db = { servers = ( \"[::1]:5432\" ); };\n"
	"};\n";

/* The PROXY protocol keys, both ways (issue 12, items 5 and 6). */
START_TEST(test_config_proxy_protocol)
{
	struct tf_config	*conf;

	conf = load_ok(CONTEXT "backends = {\n"
	    "  a = { servers = [ \"127.0.0.1:1\" ]; proxy_protocol = \"v1\"; };\n"
	    "  b = { servers = [ \"127.0.0.1:2\" ]; proxy_protocol = \"v2\";\n"
	    "    proxy_protocol_tlvs = [ \"ssl\", \"authority\" ]; };\n"
	    "  c = { servers = [ \"127.0.0.1:3\" ]; proxy_protocol = \"v2\";\n"
	    "    proxy_protocol_tlvs = []; };\n"
	    "};\n"
	    "listeners = (\n"
	    "  { listen = \"127.0.0.1:8443\"; context = \"default\";"
	    " backend = \"a\"; accept_proxy = true; },\n"
	    "  { listen = \"127.0.0.1:8444\"; context = \"default\";"
	    " backend = \"b\"; accept_proxy = true;\n"
	    "    accept_proxy_from = [ \"10.0.0.0/8\", \"::1\" ]; }\n"
	    ");\n");
	ck_assert_int_eq(conf->backends[0].proxy_protocol, TF_PROXY_V1);
	ck_assert_uint_eq(conf->backends[0].proxy_protocol_tlvs,
	    TF_PROXY_TLV_ALL);
	ck_assert_int_eq(conf->backends[1].proxy_protocol, TF_PROXY_V2);
	ck_assert_uint_eq(conf->backends[1].proxy_protocol_tlvs,
	    TF_PROXY_TLV_SSL | TF_PROXY_TLV_AUTHORITY);
	ck_assert_uint_eq(conf->backends[2].proxy_protocol_tlvs, 0);
	ck_assert(conf->listeners[0].accept_proxy);
	ck_assert_ptr_null(conf->listeners[0].accept_proxy_from);
	ck_assert(conf->listeners[1].accept_proxy);
	ck_assert_uint_eq(conf->listeners[1].naccept_proxy_from, 2);
	ck_assert_int_eq(conf->listeners[1].accept_proxy_from[0].family,
	    AF_INET);
	ck_assert_uint_eq(conf->listeners[1].accept_proxy_from[0].prefix, 8);
	ck_assert_int_eq(conf->listeners[1].accept_proxy_from[1].family,
	    AF_INET6);
	ck_assert_uint_eq(conf->listeners[1].accept_proxy_from[1].prefix, 128);
	tf_config_free(conf);
}
END_TEST

/* log.target "journal": the journal in a build with libsystemd; refused
 * where it is named in a build without. */
START_TEST(test_config_log_target_journal)
{
	static const char	 text[] =
	    "daemon = { log = {\n  target = \"journal\"; }; };\n" ALL;
	static const char *const want[] = { "<string>:2: log target "
	    "\"journal\" needs a build with libsystemd", NULL };
	struct tf_config	*conf;

	if (!tf_log_journal_available()) {
		load_bad(text, want);
		return;
	}
	conf = load_ok(text);
	ck_assert(conf->log_target_set);
	ck_assert_int_eq(conf->log_target, TF_LOG_TARGET_JOURNAL);
	tf_config_free(conf);
}
END_TEST

START_TEST(test_config_full_daemon)
{
	struct tf_config	*conf;

	conf = load_ok(full_example);
	ck_assert_int_eq(conf->workers, 4);
	ck_assert_str_eq(conf->user, "tlsfront");
	ck_assert_str_eq(conf->group, "nogroup");
	ck_assert_int_eq(conf->max_connections, 1000);
	ck_assert_double_eq(conf->timeout_handshake, 5.0);
	ck_assert_double_eq(conf->timeout_connect, 2.5);
	ck_assert_double_eq(conf->timeout_idle, 60.0);
	ck_assert_double_eq(conf->timeout_drain, 0.5);
	ck_assert_double_eq(conf->timeout_retire, 600.0);
	ck_assert(conf->log_target_set);
	ck_assert_int_eq(conf->log_target, TF_LOG_TARGET_SYSLOG);
	ck_assert_int_eq(conf->log_level, TF_LOG_DEBUG);
	ck_assert_int_eq(conf->log_access, TF_ACCESS_JSON);
	tf_config_free(conf);
}
END_TEST

START_TEST(test_config_full_context)
{
	struct tf_config	*conf;
	struct tf_context_conf	*ctx;
	char			*want;

	conf = load_ok(full_example);
	ck_assert_uint_eq(conf->ncontexts, 2);
	ctx = &conf->contexts[0];
	ck_assert_str_eq(ctx->name, "default");
	ck_assert_int_eq(ctx->line, 9);
	ck_assert_int_eq(ctx->protocol, TF_PROTOCOL_TLS);
	ck_assert_int_eq(ctx->protocol_line, 10);
	ck_assert_uint_eq(ctx->options_set,
	    SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
	ck_assert_uint_eq(ctx->options_clear, SSL_OP_ENABLE_MIDDLEBOX_COMPAT);
	ck_assert_int_eq(ctx->options_line, 11);
	ck_assert_int_eq(ctx->minimum_version, TF_VERSION_TLSv1_2);
	ck_assert_int_eq(ctx->minimum_version_line, 13);
	ck_assert_int_eq(ctx->maximum_version, TF_VERSION_MAXIMUM_SUPPORTED);
	ck_assert_int_eq(ctx->maximum_version_line, 14);
	ck_assert_str_eq(ctx->ciphers.value, "ECDHE+AESGCM");
	ck_assert_int_eq(ctx->ciphers.line, 15);
	ck_assert_str_eq(ctx->ciphersuites.value, "TLS_AES_128_GCM_SHA256");
	ck_assert_int_eq(ctx->ciphersuites.line, 16);
	ck_assert_str_eq(ctx->ecdh_curve.value, "X25519");
	ck_assert_int_eq(ctx->ecdh_curve.line, 17);

	ck_assert_uint_eq(ctx->ncerts, 3);
	want = expand("@DIR@/rsa.pem");
	ck_assert_str_eq(ctx->certs[0].certfile, want);
	free(want);
	ck_assert_int_eq(ctx->certs[0].line, 19);
	want = expand("@DIR@/enc.key");
	ck_assert_str_eq(ctx->certs[1].keyfile, want);
	free(want);
	ck_assert_str_eq(ctx->certs[1].password, "secret");
	ck_assert_ptr_null(ctx->certs[1].password_file);
	want = expand("@DIR@/password.txt");
	ck_assert_str_eq(ctx->certs[2].password_file, want);
	free(want);
	ck_assert_ptr_null(ctx->certs[2].password);

	ctx = &conf->contexts[1];
	ck_assert_str_eq(ctx->name, "legacy");
	ck_assert_int_eq(ctx->protocol, TF_PROTOCOL_TLSv1_2);
	ck_assert_ptr_null(ctx->certs[0].keyfile);
	want = expand("@DIR@/sub/site.pem");
	ck_assert_str_eq(ctx->certs[0].certfile, want);
	free(want);
	tf_config_free(conf);
}
END_TEST

static const char attributes_example[] =
	"contexts = {\n"
	"  default = {\n"
	"    cert_chain = ( { certfile = \"rsa.pem\"; keyfile = \"rsa.key\"; } );\n"
	"    groups = [ \"X25519\",\n"
	"      \"P-256\" ];\n"
	"    dh_params = \"sub/site.pem\";\n"
	"    verify_mode = \"CERT_REQUIRED\";\n"
	"    verify_locations = { cafile = \"rsa.pem\"; capath = \"sub\";\n"
	"      cadata = \"PEM\"; crlfile = \"sub/site.pem\"; };\n"
	"    verify_flags = [ \"VERIFY_CRL_CHECK_LEAF\", \"VERIFY_X509_STRICT\" ];\n"
	"    alpn_protocols = [ \"h2\", \"http/1.1\" ];\n"
	"    num_tickets = 5000000000L;\n"
	"    post_handshake_auth = true;\n"
	"    keylog_filename = \"keys.log\";\n"
	"    verify_depth = 0;\n"
	"  };\n"
	"  plain = {\n"
	"    cert_chain = ( { certfile = \"rsa.pem\"; keyfile = \"rsa.key\"; } );\n"
	"    verify_flags = [ ];\n"
	"    alpn_protocols = [ ];\n"
	"    num_tickets = 0;\n"
	"  };\n"
	"};\n" REST;

START_TEST(test_config_context_attributes)
{
	struct tf_config	*conf;
	struct tf_context_conf	*ctx;
	char			*want;

	conf = load_ok(attributes_example);
	ctx = &conf->contexts[0];
	ck_assert_uint_eq(ctx->ngroups, 2);
	ck_assert_str_eq(ctx->groups[0].value, "X25519");
	ck_assert_int_eq(ctx->groups[0].line, 4);
	ck_assert_str_eq(ctx->groups[1].value, "P-256");
	ck_assert_int_eq(ctx->groups[1].line, 5);
	ck_assert_int_eq(ctx->groups_line, 4);
	want = expand("@DIR@/sub/site.pem");
	ck_assert_str_eq(ctx->dh_params.value, want);
	free(want);
	ck_assert_int_eq(ctx->dh_params.line, 6);
	ck_assert_int_eq(ctx->verify_mode, TF_CERT_REQUIRED);
	ck_assert_int_eq(ctx->verify_mode_line, 7);
	want = expand("@DIR@/rsa.pem");
	ck_assert_str_eq(ctx->cafile.value, want);
	free(want);
	want = expand("@DIR@/sub");
	ck_assert_str_eq(ctx->capath.value, want);
	free(want);
	ck_assert_str_eq(ctx->cadata.value, "PEM");
	ck_assert_int_eq(ctx->cadata.line, 9);
	ck_assert_int_eq(ctx->verify_locations_line, 8);
	ck_assert(ctx->verify_flags_set);
	ck_assert_uint_eq(ctx->verify_flags, 0x4 | 0x20);
	ck_assert_int_eq(ctx->verify_flags_line, 10);
	ck_assert(ctx->alpn_protocols_set);
	ck_assert_uint_eq(ctx->nalpn_protocols, 2);
	ck_assert_str_eq(ctx->alpn_protocols[0].value, "h2");
	ck_assert_str_eq(ctx->alpn_protocols[1].value, "http/1.1");
	ck_assert(ctx->num_tickets_set);
	ck_assert(ctx->num_tickets == 5000000000LL);
	ck_assert_int_eq(ctx->num_tickets_line, 12);
	ck_assert(ctx->post_handshake_auth);
	ck_assert_int_eq(ctx->post_handshake_auth_line, 13);
	want = expand("@DIR@/keys.log");
	ck_assert_str_eq(ctx->keylog_filename.value, want);
	free(want);
	ck_assert_int_eq(ctx->keylog_filename.line, 14);
	want = expand("@DIR@/sub/site.pem");
	ck_assert_str_eq(ctx->crlfile.value, want);
	free(want);
	ck_assert_int_eq(ctx->crlfile.line, 9);
	ck_assert(ctx->verify_depth_set);
	ck_assert_int_eq(ctx->verify_depth, 0);
	ck_assert_int_eq(ctx->verify_depth_line, 15);

	/* Empty lists are settings too: no flags, no protocol selected. */
	ctx = &conf->contexts[1];
	ck_assert(ctx->verify_flags_set);
	ck_assert_uint_eq(ctx->verify_flags, 0);
	ck_assert(ctx->alpn_protocols_set);
	ck_assert_uint_eq(ctx->nalpn_protocols, 0);
	ck_assert(ctx->num_tickets_set);
	ck_assert(ctx->num_tickets == 0);
	ck_assert_uint_eq(ctx->ngroups, 0);
	ck_assert_int_eq(ctx->verify_mode, TF_CERT_NONE);
	ck_assert(!ctx->post_handshake_auth);
	ck_assert_ptr_null(ctx->keylog_filename.value);
	ck_assert_ptr_null(ctx->crlfile.value);
	ck_assert(!ctx->verify_depth_set);
	tf_config_free(conf);
}
END_TEST

/* Absent keys: all-zero members, so Python's defaults apply. */
START_TEST(test_config_context_attributes_absent)
{
	struct tf_config	*conf;
	struct tf_context_conf	*ctx;

	conf = load_ok(ALL);
	ctx = &conf->contexts[0];
	ck_assert_int_eq(ctx->default_suites, TF_DEFAULT_SUITES_PYTHON);
	ck_assert_int_eq(ctx->default_suites_line, 0);
	ck_assert_uint_eq(ctx->ngroups, 0);
	ck_assert_ptr_null(ctx->dh_params.value);
	ck_assert_int_eq(ctx->verify_mode, TF_CERT_NONE);
	ck_assert_ptr_null(ctx->cafile.value);
	ck_assert_ptr_null(ctx->capath.value);
	ck_assert_ptr_null(ctx->cadata.value);
	ck_assert(!ctx->verify_flags_set);
	ck_assert(!ctx->alpn_protocols_set);
	ck_assert(!ctx->num_tickets_set);
	ck_assert(!ctx->post_handshake_auth);
	ck_assert_ptr_null(ctx->keylog_filename.value);
	ck_assert_ptr_null(ctx->crlfile.value);
	ck_assert(!ctx->verify_depth_set);
	tf_config_free(conf);
}
END_TEST

START_TEST(test_config_verify_names)
{
	static const struct {
		const char	*name;
		unsigned long	 value;
	} flags[] = {
		{ "VERIFY_DEFAULT", 0x0 },
		{ "VERIFY_CRL_CHECK_LEAF", 0x4 },
		{ "VERIFY_CRL_CHECK_CHAIN", 0xc },
		{ "VERIFY_X509_STRICT", 0x20 },
		{ "VERIFY_ALLOW_PROXY_CERTS", 0x40 },
		{ "VERIFY_X509_TRUSTED_FIRST", 0x8000 },
		{ "VERIFY_X509_PARTIAL_CHAIN", 0x80000 },
	};
	enum tf_verify_mode	 mode;
	unsigned long		 v;
	const char		*name;
	int			 i;

	for (i = 0; i < NITEMS(flags); i++) {
		ck_assert_int_eq(tf_config_verify_flag_parse(flags[i].name,
		    &v), 0);
		ck_assert_uint_eq(v, flags[i].value);
		name = tf_config_verify_flag_at((size_t)i, &v);
		ck_assert_str_eq(name, flags[i].name);
		ck_assert_uint_eq(v, flags[i].value);
	}
	ck_assert_ptr_null(tf_config_verify_flag_at(NITEMS(flags), &v));
	ck_assert_int_eq(tf_config_verify_flag_parse("VERIFY_X", &v), -1);
	ck_assert_int_eq(tf_config_verify_mode_parse("CERT_NONE", &mode), 0);
	ck_assert_int_eq(mode, 0);
	ck_assert_int_eq(tf_config_verify_mode_parse("CERT_OPTIONAL", &mode),
	    0);
	ck_assert_int_eq(mode, 1);
	ck_assert_int_eq(tf_config_verify_mode_parse("CERT_REQUIRED", &mode),
	    0);
	ck_assert_int_eq(mode, 2);
	ck_assert_int_eq(tf_config_verify_mode_parse("cert_none", &mode), -1);
	ck_assert_str_eq(tf_config_verify_mode_name(TF_CERT_OPTIONAL),
	    "CERT_OPTIONAL");
}
END_TEST

START_TEST(test_config_full_listeners_and_backends)
{
	struct tf_config	*conf;
	char			 buf[TF_ADDR_STRLEN];

	conf = load_ok(full_example);
	ck_assert_uint_eq(conf->nlisteners, 2);
	ck_assert_uint_eq(conf->listeners[0].context, 0);
	ck_assert_uint_eq(conf->listeners[0].backend, 0);
	ck_assert_int_eq(conf->listeners[0].line, 32);
	ck_assert_str_eq(conf->listeners[1].listen, "[::1]:8443");
	ck_assert_str_eq(tf_addr_format(&conf->listeners[1].addr, buf,
	    sizeof(buf)), "[::1]:8443");
	ck_assert_uint_eq(conf->listeners[1].context, 1);
	ck_assert_uint_eq(conf->listeners[1].backend, 1);

	ck_assert_uint_eq(conf->nbackends, 2);
	ck_assert_uint_eq(conf->backends[0].nservers, 2);
	ck_assert_str_eq(conf->backends[0].server_names[1],
	    "unix:/run/app.sock");
	ck_assert(tf_addr_is_unix(&conf->backends[0].servers[1]));
	ck_assert_str_eq(tf_addr_format(&conf->backends[0].servers[0], buf,
	    sizeof(buf)), "127.0.0.1:8080");
	ck_assert_str_eq(conf->backends[1].name, "db");
	ck_assert_int_eq(conf->backends[1].line, 38);
	ck_assert_str_eq(tf_addr_format(&conf->backends[1].servers[0], buf,
	    sizeof(buf)), "[::1]:5432");
	tf_config_free(conf);
}
END_TEST

START_TEST(test_config_sslv23_is_tls)
{
	struct tf_config	*conf;

	conf = load_ok("contexts = { default = {\n"
	    "  protocol = \"PROTOCOL_SSLv23\";\n  options = [];\n  " CERT
	    "\n}; };\n" REST);
	ck_assert_int_eq(conf->contexts[0].protocol, TF_PROTOCOL_TLS);
	ck_assert_uint_eq(conf->contexts[0].options_set, 0);
	tf_config_free(conf);
}
END_TEST

/*
 * Every error inside an @include'd file names that file and its line,
 * list elements (verify_flags, alpn_protocols) included.
 */
START_TEST(test_config_include_errors_name_the_included_file)
{
	struct tf_config	*conf;
	struct tf_errs		 errs;

	write_file("main.conf", "contexts = { default = {\n"
	    "  cert_chain = ( { certfile = \"rsa.pem\"; } );\n"
	    "@include \"ctx.inc\"\n"
	    "}; };\n" REST);
	write_file("ctx.inc", "# included\n"
	    "  verify_flags = [ \"VERIFY_X509_STRICT\",\n"
	    "    \"VERIFY_NOPE\" ];\n"
	    "  alpn_protocols = [ \"h2\", \"\" ];\n"
	    "  options = [ \"OP_BOGUS\" ];\n");
	tf_errs_init(&errs);
	conf = tf_config_load_file("main.conf", &errs);
	ck_assert_ptr_null(conf);
	ck_assert_uint_eq(tf_errs_count(&errs), 3);
	ck_assert_str_eq(tf_errs_get(&errs, 0),
	    "ctx.inc:5: unknown option \"OP_BOGUS\"");
	ck_assert_str_eq(tf_errs_get(&errs, 1),
	    "ctx.inc:3: unknown verify flag \"VERIFY_NOPE\"");
	ck_assert_str_eq(tf_errs_get(&errs, 2),
	    "ctx.inc:4: ALPN protocols must be 1 to 255 in length");
	tf_errs_free(&errs);
}
END_TEST

/*
 * What libconfig 1.5 cannot read ends the process (exit(2) on a directory
 * or an empty name) or blocks it (a FIFO): each is refused at its
 * file:line first, in nested files too; a FIFO as the configuration file
 * itself is refused without waiting for a writer.
 */
START_TEST(test_config_include_refuses_what_libconfig_cannot_read)
{
	struct tf_errs	errs;

	ck_assert_int_eq(mkfifo("fifo.inc", 0600), 0);
	write_file("nest.inc", "# nested\n@include \"sub\"\n");
	write_file("main.conf", "@include \"sub\"\n"
	    "@include \"\"\n"
	    "  @include\t\"fifo.inc\"\n"
	    "@include \"nest.inc\"\n"
	    "@include \"missing.inc\"\n" ALL);
	tf_errs_init(&errs);
	ck_assert_ptr_null(tf_config_load_file("main.conf", &errs));
	ck_assert_uint_eq(tf_errs_count(&errs), 5);
	ck_assert_str_eq(tf_errs_get(&errs, 0),
	    "main.conf:1: @include \"sub\": Is a directory");
	ck_assert_str_eq(tf_errs_get(&errs, 1),
	    "main.conf:2: @include \"\": names no file");
	ck_assert_str_eq(tf_errs_get(&errs, 2),
	    "main.conf:3: @include \"fifo.inc\": not a regular file");
	ck_assert_str_eq(tf_errs_get(&errs, 3),
	    "nest.inc:2: @include \"sub\": Is a directory");
	ck_assert_str_eq(tf_errs_get(&errs, 4),
	    "main.conf:5: @include \"missing.inc\": No such file or directory");
	tf_errs_free(&errs);

	tf_errs_init(&errs);
	ck_assert_ptr_null(tf_config_load_file("fifo.inc", &errs));
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	ck_assert_ptr_nonnull(strstr(tf_errs_get(&errs, 0),
	    "fifo.inc: cannot open: not a regular file"));
	tf_errs_free(&errs);
}
END_TEST

START_TEST(test_config_relative_to_config_dir)
{
	struct tf_config	*conf;
	struct tf_errs		 errs;
	char			*want;

	write_file("sub/t.conf", "contexts = { default = { cert_chain = ( {\n"
	    "  certfile = \"site.pem\"; keyfile = \"site.key\"; } ); }; };\n"
	    REST);
	want = expand("@DIR@/sub/site.pem");
	tf_errs_init(&errs);
	conf = tf_config_load_file("sub/t.conf", &errs);
	ck_assert_msg(conf != NULL, "%s", tf_errs_get(&errs, 0));
	ck_assert_str_eq(conf->file, "sub/t.conf");
	ck_assert_str_eq(conf->contexts[0].certs[0].certfile, want);
	tf_config_free(conf);

	/* From elsewhere, by absolute path. */
	ck_assert_int_eq(chdir("/"), 0);
	free(want);
	want = expand("@DIR@/sub/t.conf");
	conf = tf_config_load_file(want, &errs);
	ck_assert_msg(conf != NULL, "%s", tf_errs_get(&errs, 0));
	free(want);
	want = expand("@DIR@/sub/site.key");
	ck_assert_str_eq(conf->contexts[0].certs[0].keyfile, want);
	ck_assert_uint_eq(tf_errs_count(&errs), 0);
	tf_config_free(conf);
	free(want);
	tf_errs_free(&errs);
}
END_TEST

/*
 * A NUL byte ends the text that the @include check and libconfig's string
 * reader see, but not what libconfig's file reader sees: an @include
 * after it in an included file went unchecked, and libconfig exited on
 * the directory it named (found by fuzz_config). A file holding a NUL is
 * refused at the NUL's line, the main file too (whose rest was ignored).
 */
START_TEST(test_config_include_refuses_nul_bytes)
{
	static const char	inc[] = "# x\n/*\0*/\n@include \"sub\"\n";
	static const char	main2[] = ALL "# end\n\0daemon = 1;\n";
	struct tf_errs		errs;

	write_bytes("nul.inc", inc, sizeof(inc) - 1);
	write_file("main.conf", "\n@include \"nul.inc\"\n" ALL);
	tf_errs_init(&errs);
	ck_assert_ptr_null(tf_config_load_file("main.conf", &errs));
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	ck_assert_str_eq(tf_errs_get(&errs, 0),
	    "nul.inc:2: contains a NUL byte (libconfig reads no further)");
	tf_errs_free(&errs);

	write_bytes("main2.conf", main2, sizeof(main2) - 1);
	tf_errs_init(&errs);
	ck_assert_ptr_null(tf_config_load_file("main2.conf", &errs));
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	ck_assert_str_eq(tf_errs_get(&errs, 0), "main2.conf:5: contains a "
	    "NUL byte (libconfig reads no further)");
	tf_errs_free(&errs);
}
END_TEST

/*
 * Includes that multiply: main.conf includes loop.inc 4 times, which
 * includes itself 4 times, to libconfig's depth of 10: 4^10 files to
 * read. The check stopped only at the depth, on every one of the million
 * paths (found by fuzz_config as a timeout; -t and a reload hung); now it
 * stops at TF_CONFIG_MAX_INCLUDES files.
 */
START_TEST(test_config_include_fan_out_is_bounded)
{
	static const char	loop[] = "@include \"loop.inc\"\n"
	    "@include \"loop.inc\"\n@include \"loop.inc\"\n"
	    "@include \"loop.inc\"\n";
	struct tf_errs		errs;

	write_file("loop.inc", loop);
	write_file("main.conf", loop);
	tf_errs_init(&errs);
	ck_assert_ptr_null(tf_config_load_file("main.conf", &errs));
	ck_assert_uint_ge(tf_errs_count(&errs), 1);
	ck_assert_ptr_nonnull(strstr(tf_errs_get(&errs,
	    tf_errs_count(&errs) - 1), "@include: more than 256 files"));
	tf_errs_free(&errs);
}
END_TEST

/* A key everyone can read is refused, at the line naming it, unless
 * daemon.allow_world_readable_keys says it is fine. */
START_TEST(test_config_world_readable_key)
{
	struct tf_config	*conf;
	struct tf_errs		 errs;
	char			*want;

	write_file("open.key", "not really a key\n");
	ck_assert_int_eq(chmod("open.key", 0644), 0);
	tf_errs_init(&errs);
	conf = tf_config_load_string("contexts = { default = {\n"
	    "  cert_chain = ( { certfile = \"rsa.pem\";\n"
	    "    keyfile = \"open.key\"; } ); }; };\n" REST, NULL, &errs);
	ck_assert_ptr_null(conf);
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	want = expand("<string>:3: private key \"@DIR@/open.key\" is "
	    "readable by everyone (mode 0644): chmod o-r it, or set "
	    "daemon.allow_world_readable_keys = true");
	ck_assert_str_eq(tf_errs_get(&errs, 0), want);
	free(want);
	tf_errs_free(&errs);

	/* A key inside a world-readable certfile counts as well. */
	ck_assert_int_eq(chmod("rsa.pem", 0604), 0);
	conf = tf_config_load_string("contexts = { default = {\n"
	    "  cert_chain = ( { certfile = \"rsa.pem\"; } ); }; };\n" REST,
	    NULL, &errs);
	ck_assert_ptr_null(conf);
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	ck_assert_ptr_nonnull(strstr(tf_errs_get(&errs, 0),
	    "<string>:2: private key"));
	tf_errs_free(&errs);

	conf = tf_config_load_string("daemon = { allow_world_readable_keys = "
	    "true; };\ncontexts = { default = {\n"
	    "  cert_chain = ( { certfile = \"rsa.pem\";\n"
	    "    keyfile = \"open.key\"; } ); }; };\n" REST, NULL, &errs);
	ck_assert_msg(conf != NULL, "%s", tf_errs_get(&errs, 0));
	ck_assert(conf->allow_world_readable_keys);
	tf_config_free(conf);
	tf_errs_free(&errs);
}
END_TEST

/* daemon.log.rate_limit: lines per second and kind, 0 = every line. */
START_TEST(test_config_log_rate_limit)
{
	struct tf_config	*conf;
	struct tf_errs		 errs;

	tf_errs_init(&errs);
	conf = tf_config_load_string(ALL, NULL, &errs);
	ck_assert_msg(conf != NULL, "%s", tf_errs_get(&errs, 0));
	ck_assert_int_eq(conf->log_rate_limit, TF_DEFAULT_LOG_RATE_LIMIT);
	ck_assert_int_eq(conf->log_rate_limit, 10);
	tf_config_free(conf);
	conf = tf_config_load_string("daemon = { log = { rate_limit = 0; }; };\n"
	    ALL, NULL, &errs);
	ck_assert_msg(conf != NULL, "%s", tf_errs_get(&errs, 0));
	ck_assert_int_eq(conf->log_rate_limit, 0);
	tf_config_free(conf);
	conf = tf_config_load_string("daemon = { log = {\n rate_limit = -1; };"
	    " };\n" ALL, NULL, &errs);
	ck_assert_ptr_null(conf);
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	ck_assert_ptr_nonnull(strstr(tf_errs_get(&errs, 0),
	    "<string>:2: daemon.log.rate_limit: must be between 0 and 1000000"));
	tf_errs_free(&errs);
}
END_TEST

/* "${CREDENTIALS_DIRECTORY}" in a path is systemd's credentials dir. */
START_TEST(test_config_credentials_directory)
{
	struct tf_config	*conf;
	struct tf_errs		 errs;
	char			*want;
	const char		*text = "contexts = { default = {\n"
	    "  cert_chain = ( { certfile = \"rsa.pem\";\n"
	    "    keyfile = \"${CREDENTIALS_DIRECTORY}/site.key\"; } ); };"
	    " };\n" REST;

	unsetenv("CREDENTIALS_DIRECTORY");
	tf_errs_init(&errs);
	conf = tf_config_load_string(text, NULL, &errs);
	ck_assert_ptr_null(conf);
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	ck_assert_str_eq(tf_errs_get(&errs, 0), "<string>:3: "
	    "\"${CREDENTIALS_DIRECTORY}/site.key\": CREDENTIALS_DIRECTORY is "
	    "not set (it is, under systemd, for a unit with LoadCredential=)");
	tf_errs_free(&errs);

	want = expand("@DIR@/sub");
	write_file("sub/site.key", "not really a key\n");
	ck_assert_int_eq(setenv("CREDENTIALS_DIRECTORY", want, 1), 0);
	conf = tf_config_load_string(text, NULL, &errs);
	ck_assert_msg(conf != NULL, "%s", tf_errs_get(&errs, 0));
	free(want);
	want = expand("@DIR@/sub/site.key");
	ck_assert_str_eq(conf->contexts[0].certs[0].keyfile, want);
	tf_config_free(conf);
	free(want);
	tf_errs_free(&errs);
	unsetenv("CREDENTIALS_DIRECTORY");
}
END_TEST

START_TEST(test_config_earlier_errors_do_not_fail_load)
{
	struct tf_config	*conf;
	struct tf_errs		 errs;

	tf_errs_init(&errs);
	tf_errs_addx(&errs, "left over");
	conf = tf_config_load_string(ALL, NULL, &errs);
	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	tf_config_free(conf);
	tf_config_free(NULL);
	tf_errs_free(&errs);
}
END_TEST

START_TEST(test_config_protocol_names)
{
	enum tf_protocol	p;

	ck_assert_int_eq(tf_config_protocol_parse("PROTOCOL_TLS", &p), 0);
	ck_assert_int_eq(p, 2);
	ck_assert_int_eq(tf_config_protocol_parse("PROTOCOL_SSLv23", &p), 0);
	ck_assert_int_eq(p, TF_PROTOCOL_TLS);
	ck_assert_int_eq(tf_config_protocol_parse("PROTOCOL_TLS_SERVER", &p), 0);
	ck_assert_int_eq(p, 17);
	ck_assert_int_eq(tf_config_protocol_parse("PROTOCOL_TLSv1_1", &p), 0);
	ck_assert_int_eq(p, 4);
	ck_assert_int_eq(tf_config_protocol_parse("PROTOCOL_TLS_CLIENT", &p),
	    0);
	ck_assert_int_eq(p, 16);
	ck_assert(tf_config_protocol_is_client(p));
	ck_assert_int_eq(tf_config_protocol_parse("PROTOCOL_SSLv3", &p), -1);
	ck_assert_str_eq(tf_config_protocol_name(TF_PROTOCOL_TLS),
	    "PROTOCOL_TLS");
	ck_assert_str_eq(tf_config_protocol_name(TF_PROTOCOL_TLS_SERVER),
	    "PROTOCOL_TLS_SERVER");
	ck_assert_str_eq(tf_config_protocol_name(TF_PROTOCOL_TLSv1),
	    "PROTOCOL_TLSv1");
	ck_assert_str_eq(tf_config_protocol_name(TF_PROTOCOL_TLSv1_2),
	    "PROTOCOL_TLSv1_2");
	ck_assert_ptr_null(tf_config_protocol_name((enum tf_protocol)99));
	ck_assert(tf_config_protocol_is_fixed(TF_PROTOCOL_TLSv1));
	ck_assert(tf_config_protocol_is_fixed(TF_PROTOCOL_TLSv1_1));
	ck_assert(tf_config_protocol_is_fixed(TF_PROTOCOL_TLSv1_2));
	ck_assert(!tf_config_protocol_is_fixed(TF_PROTOCOL_TLS));
	ck_assert(!tf_config_protocol_is_fixed(TF_PROTOCOL_TLS_SERVER));
}
END_TEST

START_TEST(test_config_default_suites)
{
	static const char	 text[] = "contexts = {\n"
	    "  a = { default_suites = \"openssl\"; " CERT " };\n"
	    "  b = {\n default_suites = \"python\"; " CERT " };\n"
	    "  default = { " CERT " };\n};\n" REST;
	struct tf_config	*conf;
	enum tf_default_suites	 d;

	conf = load_ok(text);
	ck_assert_uint_eq(conf->ncontexts, 3);
	ck_assert_int_eq(conf->contexts[0].default_suites,
	    TF_DEFAULT_SUITES_OPENSSL);
	ck_assert_int_eq(conf->contexts[0].default_suites_line, 2);
	ck_assert_int_eq(conf->contexts[1].default_suites,
	    TF_DEFAULT_SUITES_PYTHON);
	ck_assert_int_eq(conf->contexts[1].default_suites_line, 4);
	ck_assert_int_eq(conf->contexts[2].default_suites,
	    TF_DEFAULT_SUITES_PYTHON);
	tf_config_free(conf);
	ck_assert_int_eq(tf_config_default_suites_parse("openssl", &d), 0);
	ck_assert_int_eq(d, TF_DEFAULT_SUITES_OPENSSL);
	ck_assert_int_eq(tf_config_default_suites_parse("OPENSSL", &d), -1);
	ck_assert_int_eq(tf_config_default_suites_parse("", &d), -1);
	ck_assert_str_eq(tf_config_default_suites_name(
	    TF_DEFAULT_SUITES_PYTHON), "python");
	ck_assert_ptr_null(tf_config_default_suites_name(
	    (enum tf_default_suites)7));
}
END_TEST

START_TEST(test_config_version_names)
{
	static const char *const names[] = {
		"MINIMUM_SUPPORTED", "MAXIMUM_SUPPORTED", "SSLv3", "TLSv1",
		"TLSv1_1", "TLSv1_2", "TLSv1_3",
	};
	static const int values[] = { -2, -1, 0x300, 0x301, 0x302, 0x303,
	    0x304 };
	int	i, v;

	for (i = 0; i < NITEMS(names); i++) {
		ck_assert_int_eq(tf_config_version_parse(names[i], &v), 0);
		ck_assert_int_eq(v, values[i]);
		ck_assert_str_eq(tf_config_version_name(v), names[i]);
	}
	ck_assert_int_eq(tf_config_version_parse("TLSv1.2", &v), -1);
	ck_assert_ptr_null(tf_config_version_name(TF_VERSION_UNSET));
}
END_TEST

START_TEST(test_config_option_values)
{
	static const struct {
		const char	*name;
		uint64_t	 value;
	} opts[] = {
		{ "OP_ALL", 0x80000050 },
		{ "OP_NO_SSLv2", 0 },
		{ "OP_NO_SSLv3", 0x2000000 },
		{ "OP_NO_TLSv1", 0x4000000 },
		{ "OP_NO_TLSv1_1", 0x10000000 },
		{ "OP_NO_TLSv1_2", 0x8000000 },
		{ "OP_NO_TLSv1_3", 0x20000000 },
		{ "OP_CIPHER_SERVER_PREFERENCE", 0x400000 },
		{ "OP_SINGLE_DH_USE", 0 },
		{ "OP_SINGLE_ECDH_USE", 0 },
		{ "OP_NO_COMPRESSION", 0x20000 },
		{ "OP_NO_TICKET", 0x4000 },
		{ "OP_NO_RENEGOTIATION", 0x40000000 },
		{ "OP_ENABLE_MIDDLEBOX_COMPAT", 0x100000 },
		{ "OP_IGNORE_UNEXPECTED_EOF", 0x80 },
		{ "OP_ENABLE_KTLS", SSL_OP_ENABLE_KTLS },
		{ "OP_LEGACY_SERVER_CONNECT", SSL_OP_LEGACY_SERVER_CONNECT },
	};
	uint64_t	v;
	int		i;

	for (i = 0; i < NITEMS(opts); i++) {
		ck_assert_msg(tf_config_option_parse(opts[i].name, &v) == 0,
		    "%s", opts[i].name);
		ck_assert_msg(v == opts[i].value, "%s = %#llx", opts[i].name,
		    (unsigned long long)v);
	}
	ck_assert_int_eq(tf_config_option_parse("OP_FOO", &v), -1);
	ck_assert_int_eq(tf_config_option_parse("!OP_NO_TICKET", &v), -1);
	ck_assert_int_eq(tf_config_option_parse("op_no_ticket", &v), -1);
}
END_TEST

/* daemon.admin (lib/config_admin.c): the admin endpoint's address. */
#define ADMIN(body)	"daemon = { admin = { " body " }; };\n"
#define ADMIN_LONG_PATH \
	"/run/tlsfront/a-path-that-is-much-too-long-for-a-unix-socket-" \
	"address-since-sun-path-holds-only-108-bytes.sock"
/* 107 bytes, the most sun_path holds with its NUL. */
#define ADMIN_MAX_PATH \
	"/run/tlsfront/a--path--that-is-just-short-enough-for-a-unix-socket-" \
	"address-as-sun-path-holds-108-bytes.sock"
/* Short as written, too long once resolved against the config's dir. */
#define ADMIN_REL_PATH \
	"relative-path-of-ninety-bytes-that-the-directory-of-the-config-" \
	"makes-too-long-for-sun.sock"

static const struct {
	const char	*text;
	const char	*want[MAX_EXPECT];
} bad_admin[] = {
	{ ADMIN("listen = \"0.0.0.0:9100\";") ALL,
	    { "<string>:1: daemon.admin.listen \"0.0.0.0:9100\": "
	      "0.0.0.0:9100 is not a loopback address; set allow_public = "
	      "true to serve the admin endpoint on it" } },
	{ ADMIN("listen = \"*:9100\";") ALL,
	    { "<string>:1: daemon.admin.listen \"*:9100\": 0.0.0.0:9100 is "
	      "not a loopback address; set allow_public = true to serve the "
	      "admin endpoint on it" } },
	{ ADMIN("listen = \"[::]:9100\";") ALL,
	    { "<string>:1: daemon.admin.listen \"[::]:9100\": [::]:9100 is "
	      "not a loopback address; set allow_public = true to serve the "
	      "admin endpoint on it" } },
	{ ADMIN("listen = \"192.0.2.1:9100\"; allow_public = false;") ALL,
	    { "<string>:1: daemon.admin.listen \"192.0.2.1:9100\": "
	      "192.0.2.1:9100 is not a loopback address; set allow_public = "
	      "true to serve the admin endpoint on it" } },
	{ ADMIN("listen = \"[::ffff:10.0.0.1]:9100\";") ALL,
	    { "<string>:1: daemon.admin.listen \"[::ffff:10.0.0.1]:9100\": "
	      "[::ffff:10.0.0.1]:9100 is not a loopback address; set "
	      "allow_public = true to serve the admin endpoint on it" } },
	{ ADMIN("listen = \"[::2]:9100\";") ALL,
	    { "<string>:1: daemon.admin.listen \"[::2]:9100\": [::2]:9100 is "
	      "not a loopback address; set allow_public = true to serve the "
	      "admin endpoint on it" } },
	{ ADMIN("listen = \"128.0.0.1:9100\";") ALL,
	    { "<string>:1: daemon.admin.listen \"128.0.0.1:9100\": "
	      "128.0.0.1:9100 is not a loopback address; set allow_public = "
	      "true to serve the admin endpoint on it" } },
	{ ADMIN("listen = \"127.0.0.1:0\";") ALL,
	    { "<string>:1: daemon.admin.listen \"127.0.0.1:0\": port 0 is "
	      "not allowed" } },
	{ ADMIN("listen = \"127.0.0.1:65536\";") ALL,
	    { "<string>:1: daemon.admin.listen \"127.0.0.1:65536\": invalid "
	      "port \"65536\"" } },
	{ ADMIN("listen = \"[::1]:-1\";") ALL,
	    { "<string>:1: daemon.admin.listen \"[::1]:-1\": invalid port "
	      "\"-1\"" } },
	{ ADMIN("listen = \"127.0.0.1\";") ALL,
	    { "<string>:1: daemon.admin.listen \"127.0.0.1\": missing "
	      "port" } },
	{ ADMIN("listen = \"::1:9100\";") ALL,
	    { "<string>:1: daemon.admin.listen \"::1:9100\": write IPv6 "
	      "addresses as \"[address]:port\"" } },
	{ ADMIN("listen = \"admin.example:9100\";") ALL,
	    { "<string>:1: daemon.admin.listen \"admin.example:9100\": "
	      "\"admin.example\" is not a numeric address (names are not "
	      "resolved here; write an IP address or localhost)" } },
	{ ADMIN("listen = \"\";") ALL,
	    { "<string>:1: daemon.admin.listen: must not be empty" } },
	{ ADMIN("listen = 9100;") ALL,
	    { "<string>:1: daemon.admin.listen: expected a string" } },
	{ ADMIN("listen = \"unix:\";") ALL,
	    { "<string>:1: daemon.admin.listen \"unix:\": missing unix "
	      "socket path" } },
	{ ADMIN("listen = \"" ADMIN_LONG_PATH "\";") ALL,
	    { "<string>:1: daemon.admin.listen \"" ADMIN_LONG_PATH "\": unix "
	      "socket path \"" ADMIN_LONG_PATH "\" is 109 bytes long, the "
	      "most a socket takes is 107" } },
	{ ADMIN("listen = \"unix:" ADMIN_REL_PATH "\";") ALL,
	    { "<string>:1: daemon.admin.listen \"unix:" ADMIN_REL_PATH "\": "
	      "unix socket path \"@DIR@/" ADMIN_REL_PATH "\" is 115 bytes "
	      "long, the most a socket takes is 107" } },
	{ "daemon = {\n  admin = {\n    allow_public = true;\n  };\n};\n" ALL,
	    { "<string>:2: daemon.admin: listen is required" } },
	{ "daemon = {\n  admin = {\n    listen = \"127.0.0.1:9100\";\n"
	  "    port = 9100;\n  };\n};\n" ALL,
	    { "<string>:4: unknown key \"port\" in daemon.admin" } },
	{ ADMIN("listen = \"127.0.0.1:9100\"; allow_public = \"yes\";") ALL,
	    { "<string>:1: daemon.admin.allow_public: expected true or "
	      "false" } },
	{ "daemon = { admin = \"127.0.0.1:9100\"; };\n" ALL,
	    { "<string>:1: daemon.admin: expected a group" } },
	/* The listener of ALL is 127.0.0.1:8443, at line 4. */
	{ "daemon = {\n  admin = {\n    listen = \"127.0.0.1:8443\";\n"
	  "  };\n};\n" ALL,
	    { "<string>:3: daemon.admin.listen \"127.0.0.1:8443\": address "
	      "already used by the listener at line 8" } },
	{ ADMIN("listen = \"localhost:8443\";") ALL,
	    { "<string>:1: daemon.admin.listen \"localhost:8443\": address "
	      "already used by the listener at line 4" } },
	{ ADMIN("listen = \"0.0.0.0:8443\"; allow_public = true;") ALL,
	    { "<string>:1: daemon.admin.listen \"0.0.0.0:8443\": address "
	      "already used by the listener at line 4" } },
	{ ADMIN("listen = \"[::]:8443\"; allow_public = true;") ALL,
	    { "<string>:1: daemon.admin.listen \"[::]:8443\": address "
	      "already used by the listener at line 4" } },
	{ ADMIN("listen = \"[::ffff:127.0.0.1]:8443\";") ALL,
	    { "<string>:1: daemon.admin.listen \"[::ffff:127.0.0.1]:8443\": "
	      "address already used by the listener at line 4" } },
	{ ADMIN("listen = \"127.0.0.1:9100\";") CONTEXT BACKEND
	  "listeners = ( { listen = \"0.0.0.0:9100\"; context = \"default\";"
	  " backend = \"app\"; } );\n",
	    { "<string>:1: daemon.admin.listen \"127.0.0.1:9100\": address "
	      "already used by the listener at line 4" } },
	{ ADMIN("listen = \"[::1]:9100\";") CONTEXT BACKEND
	  "listeners = ( { listen = \"[::]:9100\"; context = \"default\";"
	  " backend = \"app\"; } );\n",
	    { "<string>:1: daemon.admin.listen \"[::1]:9100\": address "
	      "already used by the listener at line 4" } },
};

START_TEST(test_config_admin_refused)
{
	load_bad(bad_admin[_i].text, bad_admin[_i].want);
}
END_TEST

static const struct {
	const char	*text;
	const char	*addr;		/* admin_addr, formatted */
	const char	*path;		/* admin_path, or NULL */
	bool		 allow_public;
} good_admin[] = {
	{ ADMIN("listen = \"127.0.0.1:9100\";") ALL,
	    "127.0.0.1:9100", NULL, false },
	{ ADMIN("listen = \"127.255.0.9:9100\";") ALL,
	    "127.255.0.9:9100", NULL, false },
	{ ADMIN("listen = \"localhost:9100\";") ALL,
	    "127.0.0.1:9100", NULL, false },
	{ ADMIN("listen = \"[::1]:9100\";") ALL, "[::1]:9100", NULL, false },
	{ ADMIN("listen = \"[::ffff:127.0.0.2]:9100\";") ALL,
	    "[::ffff:127.0.0.2]:9100", NULL, false },
	{ ADMIN("allow_public = true; listen = \"0.0.0.0:9100\";") ALL,
	    "0.0.0.0:9100", NULL, true },
	{ ADMIN("listen = \"[2001:db8::1]:9100\"; allow_public = true;") ALL,
	    "[2001:db8::1]:9100", NULL, true },
	/* Another port, or another loopback address, than the listener's. */
	{ ADMIN("listen = \"127.0.0.1:8444\";") ALL,
	    "127.0.0.1:8444", NULL, false },
	{ ADMIN("listen = \"127.0.0.2:8443\";") ALL,
	    "127.0.0.2:8443", NULL, false },
	/* Listeners are IPV6_V6ONLY: "[::]:8443" leaves IPv4's port free. */
	{ ADMIN("listen = \"127.0.0.1:8443\";") CONTEXT BACKEND
	  "listeners = ( { listen = \"[::]:8443\"; context = \"default\";"
	  " backend = \"app\"; } );\n",
	    "127.0.0.1:8443", NULL, false },
	{ ADMIN("listen = \"unix:/run/tlsfront/admin.sock\";") ALL,
	    "unix:/run/tlsfront/admin.sock", "/run/tlsfront/admin.sock",
	    false },
	{ ADMIN("listen = \"/run/tlsfront/admin.sock\";") ALL,
	    "unix:/run/tlsfront/admin.sock", "/run/tlsfront/admin.sock",
	    false },
	{ ADMIN("listen = \"" ADMIN_MAX_PATH "\";") ALL,
	    "unix:" ADMIN_MAX_PATH, ADMIN_MAX_PATH, false },
	{ ADMIN("listen = \"unix:admin.sock\";") ALL,
	    "unix:@DIR@/admin.sock", "@DIR@/admin.sock", false },
	{ ADMIN("listen = \"unix:sub/../admin.sock\";") ALL,
	    "unix:@DIR@/sub/../admin.sock", "@DIR@/sub/../admin.sock",
	    false },
};

START_TEST(test_config_admin_values)
{
	struct tf_config	*conf;
	char			 buf[TF_ADDR_STRLEN], *addr, *path;

	conf = load_ok(good_admin[_i].text);
	ck_assert_ptr_nonnull(conf->admin_listen);
	ck_assert_int_eq(conf->admin_line, 1);
	ck_assert(conf->admin_allow_public == good_admin[_i].allow_public);
	addr = expand(good_admin[_i].addr);
	ck_assert_str_eq(tf_addr_format(&conf->admin_addr, buf, sizeof(buf)),
	    addr);
	if (good_admin[_i].path == NULL)
		ck_assert_ptr_null(conf->admin_path);
	else {
		path = expand(good_admin[_i].path);
		ck_assert_str_eq(conf->admin_path, path);
		free(path);
	}
	free(addr);
	tf_config_free(conf);
}
END_TEST

/* Off unless configured; the text kept as written. */
START_TEST(test_config_admin_absent_and_as_written)
{
	struct tf_config	*conf;

	conf = load_ok(ALL);
	ck_assert_ptr_null(conf->admin_listen);
	ck_assert_ptr_null(conf->admin_path);
	ck_assert_uint_eq(conf->admin_addr.len, 0);
	ck_assert(!conf->admin_allow_public);
	ck_assert_int_eq(conf->admin_line, 0);
	tf_config_free(conf);
	conf = load_ok("\n\ndaemon = {\n  admin = {\n"
	    "    listen = \"localhost:9100\";\n  };\n};\n" ALL);
	ck_assert_str_eq(conf->admin_listen, "localhost:9100");
	ck_assert_int_eq(conf->admin_line, 4);
	tf_config_free(conf);
}
END_TEST

/* The corpus: the .conf files in tests/conf/good and tests/conf/bad. */
static char	**corpus_good, **corpus_bad;
static int	  ncorpus_good, ncorpus_bad;

static int
corpus_filter(const struct dirent *e)
{
	size_t	len = strlen(e->d_name);

	return len > 5 && strcmp(e->d_name + len - 5, ".conf") == 0;
}

static int
corpus_list(const char *sub, char ***out)
{
	struct dirent	**names;
	char		 *dir;
	int		  i, n;

	if (asprintf(&dir, "%s/tests/conf/%s", TF_SRCDIR, sub) == -1)
		abort();
	n = scandir(dir, &names, corpus_filter, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		exit(EXIT_FAILURE);
	}
	*out = calloc((size_t)n + 1, sizeof(**out));
	for (i = 0; i < n; i++) {
		if (asprintf(&(*out)[i], "%s/%s", dir, names[i]->d_name) == -1)
			abort();
		free(names[i]);
	}
	free(names);
	free(dir);
	return n;
}

static void
corpus_free(char **list)
{
	char	**p;

	for (p = list; p != NULL && *p != NULL; p++)
		free(*p);
	free(list);
}

/* Copy src into the temp dir (next to the dummy certs); the new path. */
static char *
corpus_copy(const char *src, char ***expect)
{
	FILE	*in, *out;
	char	*dst, line[1024];
	size_t	 n = 0;
	bool	 head = true;

	if (asprintf(&dst, "%s/%s", tmpdir, strrchr(src, '/') + 1) == -1)
		abort();
	in = fopen(src, "r");
	ck_assert_msg(in != NULL, "%s: %s", src, strerror(errno));
	out = fopen(dst, "w");
	ck_assert_ptr_nonnull(out);
	*expect = calloc(MAX_EXPECT + 1, sizeof(**expect));
	while (fgets(line, sizeof(line), in) != NULL) {
		fputs(line, out);
		if (head && strncmp(line, "# expect: ", 10) == 0 &&
		    n < MAX_EXPECT) {
			line[strcspn(line, "\n")] = '\0';
			(*expect)[n++] = strdup(line + 10);
		} else
			head = false;
	}
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
	return dst;
}

START_TEST(test_config_corpus_good_loads)
{
	struct tf_config	 *conf;
	struct tf_errs		  errs;
	char			 *path, **expect;

	path = corpus_copy(corpus_good[_i], &expect);
	ck_assert_msg(expect[0] == NULL, "%s: has # expect:", corpus_good[_i]);
	tf_errs_init(&errs);
	conf = tf_config_load_file(path, &errs);
	ck_assert_msg(conf != NULL, "%s", tf_errs_get(&errs, 0));
	ck_assert_uint_gt(conf->nlisteners, 0);
	tf_config_free(conf);
	tf_errs_free(&errs);
	corpus_free(expect);
	free(path);
}
END_TEST

/* "# expect: LINE: text": the error is exactly "path:LINE: ...text...". */
static void
corpus_match(const char *file, const char *path, const char *expect,
    const char *got)
{
	char		 prefix[PATH_MAX + 32];
	const char	*colon;
	long		 line;

	line = strtol(expect, NULL, 10);
	colon = strchr(expect, ':');
	ck_assert_msg(colon != NULL && colon[1] == ' ', "%s: bad # expect: %s",
	    file, expect);
	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%ld: ", path, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", path);
	ck_assert_msg(strncmp(got, prefix, strlen(prefix)) == 0 &&
	    strstr(got + strlen(prefix), colon + 2) != NULL,
	    "%s: got \"%s\", expected line %ld with \"%s\"", file, got, line,
	    colon + 2);
}

START_TEST(test_config_corpus_bad_refused)
{
	struct tf_config	 *conf;
	struct tf_errs		  errs;
	char			 *path, **expect;
	size_t			  i, n;

	path = corpus_copy(corpus_bad[_i], &expect);
	for (n = 0; expect[n] != NULL; n++)
		;
	ck_assert_msg(n > 0, "%s: no # expect: line", corpus_bad[_i]);
	tf_errs_init(&errs);
	conf = tf_config_load_file(path, &errs);
	ck_assert_msg(conf == NULL, "%s: loaded", corpus_bad[_i]);
	for (i = 0; i < n && i < tf_errs_count(&errs); i++)
		corpus_match(corpus_bad[_i], path, expect[i],
		    tf_errs_get(&errs, i));
	ck_assert_msg(tf_errs_count(&errs) == n, "%s: %zu errors, expected "
	    "%zu; first: %s", corpus_bad[_i], tf_errs_count(&errs), n,
	    tf_errs_get(&errs, 0));
	tf_errs_free(&errs);
	corpus_free(expect);
	free(path);
}
END_TEST

#define LOOP(tc, fn, table) \
	tcase_add_loop_test((tc), (fn), 0, NITEMS(table))

static TCase *
config_tcase(const char *name)
{
	TCase	*tc;

	tc = tcase_create(name);
	tcase_add_checked_fixture(tc, setup_tmpdir, teardown_tmpdir);
	return tc;
}

static Suite *
config_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("config");
	tc = config_tcase("syntax");
	LOOP(tc, test_config_syntax_error_has_line, bad_syntax);
	tcase_add_test(tc, test_config_string_name_used_in_errors);
	tcase_add_test(tc, test_config_file_errors_name_the_file);
	suite_add_tcase(s, tc);
	tc = config_tcase("semantics");
	LOOP(tc, test_config_daemon_refused, bad_daemon);
	LOOP(tc, test_config_context_refused, bad_context);
	LOOP(tc, test_config_cert_chain_refused, bad_certs);
	LOOP(tc, test_config_listener_refused, bad_listeners);
	LOOP(tc, test_config_backend_refused, bad_backends);
	LOOP(tc, test_config_backend_tls_refused, bad_backend_tls);
	tcase_add_test(tc, test_config_backend_tls_names);
	tcase_add_test(tc, test_config_proxy_protocol);
	tcase_add_test(tc, test_config_reports_all_errors_in_order);
	LOOP(tc, test_config_admin_refused, bad_admin);
	suite_add_tcase(s, tc);
	tc = config_tcase("defaults");
	tcase_add_test(tc, test_config_defaults);
	tcase_add_test(tc, test_config_earlier_errors_do_not_fail_load);
	suite_add_tcase(s, tc);
	tc = config_tcase("values");
	tcase_add_test(tc, test_config_full_daemon);
	tcase_add_test(tc, test_config_log_target_journal);
	tcase_add_test(tc, test_config_full_context);
	tcase_add_test(tc, test_config_context_files);
	tcase_add_test(tc, test_config_full_listeners_and_backends);
	tcase_add_test(tc, test_config_sslv23_is_tls);
	tcase_add_test(tc, test_config_relative_to_config_dir);
	tcase_add_test(tc, test_config_include_errors_name_the_included_file);
	tcase_add_test(tc,
	    test_config_include_refuses_what_libconfig_cannot_read);
	tcase_add_test(tc, test_config_include_refuses_nul_bytes);
	tcase_add_test(tc, test_config_include_fan_out_is_bounded);
	tcase_add_test(tc, test_config_world_readable_key);
	tcase_add_test(tc, test_config_credentials_directory);
	tcase_add_test(tc, test_config_log_rate_limit);
	tcase_add_test(tc, test_config_context_attributes);
	tcase_add_test(tc, test_config_context_attributes_absent);
	tcase_add_test(tc, test_config_default_suites);
	LOOP(tc, test_config_admin_values, good_admin);
	tcase_add_test(tc, test_config_admin_absent_and_as_written);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_test(tc, test_config_protocol_names);
	tcase_add_test(tc, test_config_version_names);
	tcase_add_test(tc, test_config_option_values);
	tcase_add_test(tc, test_config_verify_names);
	suite_add_tcase(s, tc);
	tc = config_tcase("corpus");
	tcase_add_loop_test(tc, test_config_corpus_good_loads, 0,
	    ncorpus_good);
	tcase_add_loop_test(tc, test_config_corpus_bad_refused, 0,
	    ncorpus_bad);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	ncorpus_good = corpus_list("good", &corpus_good);
	ncorpus_bad = corpus_list("bad", &corpus_bad);
	sr = srunner_create(config_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	corpus_free(corpus_good);
	corpus_free(corpus_bad);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
