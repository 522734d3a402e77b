/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the configuration file (libconfig syntax) read into plain
 * structs, validated, with the source line of every value kept so that
 * later stages (context building) can report "file:line: ..." too.
 */
#ifndef TF_CONFIG_H
#define TF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "balance.h"
#include "cidr.h"
#include "errs.h"
#include "log.h"

/* Python's ssl.PROTOCOL_* values that a server context may use. */
enum tf_protocol {
	TF_PROTOCOL_TLSv1 = 3,
	TF_PROTOCOL_TLSv1_1 = 4,
	TF_PROTOCOL_TLSv1_2 = 5,
	TF_PROTOCOL_TLS = 2,		/* alias PROTOCOL_SSLv23 */
	TF_PROTOCOL_TLS_SERVER = 17,
	TF_PROTOCOL_TLS_CLIENT = 16,	/* backends.NAME.tls only */
};

/*
 * How a context's defaults are made, as CPython's configure switch
 * --with-ssl-default-suites makes them (contexts.NAME.default_suites).
 */
enum tf_default_suites {
	TF_DEFAULT_SUITES_PYTHON = 0,	/* CPython's cipher string, minimum TLS 1.2 */
	TF_DEFAULT_SUITES_OPENSSL,	/* both left to OpenSSL's system configuration */
};

/* Python's ssl.TLSVersion values. */
#define TF_VERSION_UNSET		0
#define TF_VERSION_MINIMUM_SUPPORTED	(-2)
#define TF_VERSION_MAXIMUM_SUPPORTED	(-1)
#define TF_VERSION_SSLv3		0x0300
#define TF_VERSION_TLSv1		0x0301
#define TF_VERSION_TLSv1_1		0x0302
#define TF_VERSION_TLSv1_2		0x0303
#define TF_VERSION_TLSv1_3		0x0304

enum tf_access_format {
	TF_ACCESS_OFF = 0,
	TF_ACCESS_TEXT,
	TF_ACCESS_JSON,
};

enum tf_proxy_protocol {
	TF_PROXY_NONE = 0,
	TF_PROXY_V1,
	TF_PROXY_V2,
};

/* The TLV groups of a v2 header (backends.NAME.proxy_protocol_tlvs). */
#define TF_PROXY_TLV_ALPN	0x01U
#define TF_PROXY_TLV_AUTHORITY	0x02U
#define TF_PROXY_TLV_UNIQUE_ID	0x04U
#define TF_PROXY_TLV_SSL	0x08U
#define TF_PROXY_TLV_ALL	0x0fU

/* Python's ssl.VerifyMode (verify_mode) values. */
enum tf_verify_mode {
	TF_CERT_NONE = 0,
	TF_CERT_OPTIONAL = 1,
	TF_CERT_REQUIRED = 2,
};

/* Python's ssl.VerifyFlags; the same bits as OpenSSL's X509_V_FLAG_*. */
#define TF_VERIFY_DEFAULT		0x0UL
#define TF_VERIFY_CRL_CHECK_LEAF	0x4UL
#define TF_VERIFY_CRL_CHECK_CHAIN	0xcUL
#define TF_VERIFY_X509_STRICT		0x20UL
#define TF_VERIFY_ALLOW_PROXY_CERTS	0x40UL
#define TF_VERIFY_X509_TRUSTED_FIRST	0x8000UL
#define TF_VERIFY_X509_PARTIAL_CHAIN	0x80000UL

/* verify_depth: intermediate CA certificates allowed; OpenSSL's default
 * is the maximum. */
#define TF_VERIFY_DEPTH_MAX		100

/* A string value and the line it came from (line 0: not set). */
struct tf_conf_str {
	char	*value;
	int	 line;
};

struct tf_cert_conf {
	char	*certfile;		/* absolute or relative to the config's dir, resolved */
	char	*keyfile;		/* NULL: key is in certfile */
	char	*password;		/* NULL if none */
	char	*password_file;		/* NULL if none; resolved path */
	int	 line;			/* line of this entry's group */
	/* DER OCSP response stapled for this certificate (lib/ocsp.c) */
	struct tf_conf_str ocsp_response;	/* resolved path */
};

struct tf_context_conf {
	char			*name;
	int			 line;		/* line of the context group */
	enum tf_protocol	 protocol;
	int			 protocol_line;
	enum tf_default_suites	 default_suites;	/* PYTHON if absent */
	int			 default_suites_line;
	uint64_t		 options_set;	/* ctx.options |= set ... */
	uint64_t		 options_clear;	/* ... then ctx.options &= ~clear */
	int			 options_line;
	int			 minimum_version;	/* TF_VERSION_*; UNSET if absent */
	int			 minimum_version_line;
	int			 maximum_version;
	int			 maximum_version_line;
	struct tf_conf_str	 ciphers;
	struct tf_conf_str	 ciphersuites;
	struct tf_conf_str	 ecdh_curve;
	struct tf_cert_conf	*certs;
	size_t			 ncerts;
	/* groups: SSL_CTX_set1_groups_list, one entry per name */
	struct tf_conf_str	*groups;
	size_t			 ngroups;
	int			 groups_line;
	struct tf_conf_str	 dh_params;	/* resolved path */
	enum tf_verify_mode	 verify_mode;	/* TF_CERT_NONE if absent */
	int			 verify_mode_line;
	/* verify_locations { cafile, capath, cadata }; paths resolved */
	struct tf_conf_str	 cafile;
	struct tf_conf_str	 capath;
	struct tf_conf_str	 cadata;	/* PEM text */
	int			 verify_locations_line;
	unsigned long		 verify_flags;	/* replaces the default */
	bool			 verify_flags_set;
	int			 verify_flags_line;
	/* alpn_protocols: an empty list is set too (no ALPN selected) */
	struct tf_conf_str	*alpn_protocols;
	size_t			 nalpn_protocols;
	bool			 alpn_protocols_set;
	int			 alpn_protocols_line;
	long long		 num_tickets;
	bool			 num_tickets_set;
	int			 num_tickets_line;
	bool			 post_handshake_auth;
	int			 post_handshake_auth_line;
	struct tf_conf_str	 keylog_filename;	/* resolved path */
	/* No server name, or none that a certificate has: unrecognized_name
	 * instead of the first cert_chain entry's certificate. */
	bool			 sni_strict;
	int			 sni_strict_line;
	/* Client certificates beyond Python's setters (lib/context_clientcert.c). */
	struct tf_conf_str	 crlfile;	/* verify_locations.crlfile */
	int			 verify_depth;	/* SSL_CTX_set_verify_depth */
	bool			 verify_depth_set;
	int			 verify_depth_line;
	/* Session ticket keys shared by a fleet (lib/ticketkeys.c). */
	struct tf_conf_str	 session_ticket_keys;	/* resolved path */
	/* A client context's (lib/config_backend_tls.c): the effective
	 * value, True unless set false (Python's PROTOCOL_TLS_CLIENT). */
	bool			 check_hostname;
	int			 check_hostname_line;
	/* All-zero members mean "absent": Python's default applies. */
};

/*
 * One of a listener's routes: a client whose server name matches one of
 * names (and, if alpn is set, whose negotiated ALPN protocol is alpn)
 * gets context and/or backend instead of the listener's. A route chosen
 * by ALPN cannot switch the context (the context chooses the ALPN).
 */
struct tf_route_conf {
	struct tf_conf_str	*names;		/* names or "*.patterns" */
	size_t			 nnames;
	struct tf_conf_str	 alpn;		/* NULL: any protocol */
	bool			 has_context;
	size_t			 context;	/* index into contexts */
	bool			 has_backend;
	size_t			 backend;	/* index into backends */
	/* Not terminated: the TLS bytes go to the backend as they came,
	 * matched at the ClientHello (alpn: one the client offers). */
	bool			 passthrough;
	int			 line;
};

struct tf_listener_conf {
	char			*listen;	/* as written */
	struct tf_addr		 addr;
	size_t			 context;	/* index into tf_config.contexts */
	size_t			 backend;	/* index into tf_config.backends */
	struct tf_route_conf	*routes;
	size_t			 nroutes;
	int			 line;
	/* PROXY protocol from a load balancer (lib/config_proxy.c) */
	bool			 accept_proxy;
	struct tf_cidr		*accept_proxy_from;	/* NULL: any peer */
	size_t			 naccept_proxy_from;
};

struct tf_backend_conf {
	char			*name;
	struct tf_addr		*servers;
	char			**server_names;	/* as written, for logs */
	size_t			 nservers;
	enum tf_proxy_protocol	 proxy_protocol;
	unsigned		 proxy_protocol_tlvs;	/* TF_PROXY_TLV_* */
	int			 line;
	/* Servers that fail (lib/config_backend.c, lib/balance.h). */
	enum tf_balance		 balance;
	double			 retry_after;	/* seconds, backoff base */
	struct tf_health_check_conf *health_check;	/* NULL: no checks */
	/* TLS to the servers (lib/config_backend_tls.c): tls names a
	 * client context; tls_names[i] is server i's name to send (SNI)
	 * and verify (check_hostname), NULL if none. */
	bool			 has_tls;
	size_t			 tls;		/* into contexts */
	int			 tls_line;
	char			*server_hostname; /* or NULL */
	char			**tls_names;	/* nservers of them */
};

struct tf_config {
	char			*file;		/* path given, or "<string>" */
	/* daemon */
	int			 workers;	/* 0: one per CPU */
	char			*user;		/* NULL: stay who we are */
	char			*group;
	int			 max_connections;
	bool			 allow_world_readable_keys;
	/* Rebuild a context when a file it names changes (daemon/watch.c) */
	bool			 watch_files;
	double			 timeout_handshake;
	double			 timeout_connect;
	double			 timeout_idle;
	double			 timeout_drain;
	double			 timeout_retire;	/* 0: none */
	enum tf_log_target	 log_target;
	bool			 log_target_set; /* false: stderr in -f, else syslog */
	enum tf_log_level	 log_level;
	enum tf_access_format	 log_access;
	int			 log_rate_limit;	/* lines/s per kind; 0: off */
	int			 limit_client_hello;	/* bytes */
	int			 limit_handshakes;	/* per worker; 0: none */
	int			 limit_address_conns;	/* per worker; 0: none */
	int			 limit_address_rate;	/* per s, worker; 0: none */
	/* daemon.admin (lib/config_admin.c): the admin endpoint; off when
	 * admin_listen is NULL. admin_path: a unix socket's path, else NULL
	 * and admin_addr is a TCP address. */
	char			*admin_listen;		/* as written */
	char			*admin_path;		/* resolved; or NULL */
	struct tf_addr		 admin_addr;
	bool			 admin_allow_public;
	int			 admin_line;		/* of the admin group */
	/* sections */
	struct tf_context_conf	*contexts;
	size_t			 ncontexts;
	struct tf_listener_conf	*listeners;
	size_t			 nlisteners;
	struct tf_backend_conf	*backends;
	size_t			 nbackends;
};

/*
 * Call each(path, arg) for every file (and capath directory) that context
 * cc reads when it is built, as resolved, in a fixed order. The key log
 * is written, not read, and is not among them.
 */
void	tf_context_conf_files(const struct tf_context_conf *cc,
	    void (*each)(const char *path, void *arg), void *arg);

/* Defaults of the daemon section. */
#define TF_DEFAULT_MAX_CONNECTIONS	50000
#define TF_DEFAULT_TIMEOUT_HANDSHAKE	10.0
#define TF_DEFAULT_TIMEOUT_CONNECT	5.0
#define TF_DEFAULT_TIMEOUT_IDLE		300.0
#define TF_DEFAULT_TIMEOUT_DRAIN	30.0
/* The largest ClientHello let in: far above what browsers and TLS
 * libraries send, post-quantum key shares included (an X25519MLKEM768
 * share is 1,216 bytes; a whole such ClientHello about 1.8 KB). libssl's
 * own ceiling is 131,396. */
#define TF_DEFAULT_CLIENT_HELLO		16384
#define TF_MIN_CLIENT_HELLO		1024
#define TF_MAX_CLIENT_HELLO		131396
/* Unfinished handshakes per worker before accepting pauses. */
#define TF_DEFAULT_HANDSHAKES		1024
#define TF_DEFAULT_LOG_RATE_LIMIT	10

/*
 * Read and check a configuration. Every problem found is appended to errs
 * as "file:line: message" (all of them, not just the first); returns NULL
 * if there was any. The result owns all its memory: tf_config_free().
 */
struct tf_config	*tf_config_load_file(const char *path, struct tf_errs *);
/* Same from memory; name is used as the file in messages (NULL: "<string>"),
 * relative paths in it are relative to the current directory. */
struct tf_config	*tf_config_load_string(const char *text, const char *name,
			    struct tf_errs *);
void			 tf_config_free(struct tf_config *);

/*
 * Name <-> value tables, shared with the context builder and --explain
 * (lib/config_names.c). The parse functions return 0 or -1 if the name is
 * unknown; the name functions return NULL for a value without a name
 * (TF_VERSION_UNSET included). PROTOCOL_SSLv23 parses as TF_PROTOCOL_TLS.
 */
int		 tf_config_protocol_parse(const char *name, enum tf_protocol *);
const char	*tf_config_protocol_name(enum tf_protocol);
/* PROTOCOL_TLS_CLIENT: a context for backends.NAME.tls. */
bool		 tf_config_protocol_is_client(enum tf_protocol);
/* PROTOCOL_TLSv1, _TLSv1_1, _TLSv1_2: one version, no min/max to set. */
bool		 tf_config_protocol_is_fixed(enum tf_protocol);
/* "python" or "openssl". */
int		 tf_config_default_suites_parse(const char *name,
		    enum tf_default_suites *);
const char	*tf_config_default_suites_name(enum tf_default_suites);
int		 tf_config_version_parse(const char *name, int *version);
const char	*tf_config_version_name(int version);
/* An OP_* name to its Python value; -1 if unknown. */
int		 tf_config_option_parse(const char *name, uint64_t *value);
/* CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED. */
int		 tf_config_verify_mode_parse(const char *name,
		    enum tf_verify_mode *);
const char	*tf_config_verify_mode_name(enum tf_verify_mode);
/* A VERIFY_* name to its Python value; -1 if unknown. */
int		 tf_config_verify_flag_parse(const char *name,
		    unsigned long *value);
/*
 * The i-th VERIFY_* name and value (in Python's order), for listing the
 * flags of a word; NULL past the end.
 */
const char	*tf_config_verify_flag_at(size_t i, unsigned long *value);

#endif
