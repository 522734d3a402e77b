/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: tlsfrontd's entry point: options, configuration test mode,
 * binding the listeners, dropping privileges and starting the workers.
 */
#include <sys/resource.h>
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/crypto.h>

#include "admin_socket.h"
#include "autoconf.h"
#include "admin_socket.h"
#include "config.h"
#include "demo.h"
#include "errs.h"
#include "explain.h"
#include "generation.h"
#include "listener.h"
#include "log.h"
#include "master.h"
#include "sockets.h"
#include "worker.h"

#define TF_DEFAULT_CONFIG	SYSCONFDIR "/tlsfront/tlsfront.conf"
#define TF_DEMO_PORT		8443

struct options {
	const char	*config_file;
	bool		 foreground;
	bool		 test_only;
	bool		 explain;
	bool		 json;
	bool		 demo;
	int		 demo_port;
	bool		 debug;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: tlsfrontd [-f] [-t] [-d] [-c file]\n"
	    "       tlsfrontd --explain [--json] [-c file]\n"
	    "       tlsfrontd --demo [--demo-port port]\n"
	    "       tlsfrontd --version | --help\n"
	    "\n"
	    "  -c, --config file   configuration file (default %s)\n"
	    "  -f, --foreground    stay in the foreground, log to stderr\n"
	    "  -t, --test          check the configuration and exit\n"
	    "      --explain       print the effective contexts and which\n"
	    "                      clients can connect, and exit\n"
	    "      --json          --explain as JSON\n"
	    "  -d, --debug         log at debug level\n"
	    "      --demo          run on a throwaway certificate in front of\n"
	    "                      a demo HTTP backend (port %d)\n"
	    "      --version       print the version and exit\n"
	    "  -h, --help          print this help and exit\n",
	    TF_DEFAULT_CONFIG, TF_DEMO_PORT);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "test", no_argument, NULL, 't' },
		{ "explain", no_argument, NULL, 'E' },
		{ "json", no_argument, NULL, 'J' },
		{ "debug", no_argument, NULL, 'd' },
		{ "demo", no_argument, NULL, 'D' },
		{ "demo-port", required_argument, NULL, 'P' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char	*end;
	long	 port;
	int	 ch;

	memset(o, 0, sizeof(*o));
	o->config_file = TF_DEFAULT_CONFIG;
	o->demo_port = TF_DEMO_PORT;
	while ((ch = getopt_long(argc, argv, "c:ftdh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config_file = optarg;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 't':
			o->test_only = true;
			break;
		case 'E':
			o->explain = true;
			break;
		case 'J':
			o->json = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'D':
			o->demo = true;
			o->foreground = true;
			break;
		case 'P':
			port = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || port < 1 ||
			    port > 65535)
				tf_fatalx("--demo-port: invalid port \"%s\"",
				    optarg);
			o->demo_port = (int)port;
			break;
		case 'V':
			printf("tlsfrontd %s (%s, libevent %s)\n",
			    PACKAGE_VERSION, OpenSSL_version(OPENSSL_VERSION),
			    event_get_version());
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind != argc) {
		usage(stderr);
		exit(2);
	}
	if (o->json && !o->explain)
		tf_fatalx("--json goes with --explain");
}

static void
print_errors(const struct tf_errs *errs)
{
	size_t	i;

	for (i = 0; i < tf_errs_count(errs); i++)
		fprintf(stderr, "%s\n", tf_errs_get(errs, i));
}

/*
 * After the errors: what to do next when a certificate or key named by the
 * configuration does not exist yet, as on a fresh install (the shipped
 * tlsfront.conf names /etc/tlsfront/site.pem and site.key). The messages
 * are lib/config_check.c's "cannot read certfile|keyfile".
 */
static void
print_next_step(const struct tf_errs *errs, const char *file)
{
	const char	*m;
	size_t		 i;

	for (i = 0; i < tf_errs_count(errs); i++) {
		m = tf_errs_get(errs, i);
		if ((strstr(m, ": cannot read certfile \"") != NULL ||
		    strstr(m, ": cannot read keyfile \"") != NULL) &&
		    strstr(m, strerror(ENOENT)) != NULL)
			break;
	}
	if (i == tf_errs_count(errs))
		return;
	fprintf(stderr, "tlsfrontd: no certificate yet. Next: put the "
	    "certificate chain (PEM) and its private key where certfile and "
	    "keyfile say (the key readable by root and the daemon's group "
	    "only, e.g. root:tlsfront 0640), or point cert_chain in %s at "
	    "yours; then run \"tlsfrontd -t\" again, and \"systemctl start "
	    "tlsfront\" (tlsfrontd(8), FIRST START)\n", file);
}

static void
log_warnings(const struct tf_generation *gen)
{
	size_t	i;

	for (i = 0; i < tf_errs_count(&gen->warnings); i++)
		tf_log_warnx("%s", tf_errs_get(&gen->warnings, i));
}

/* For -t: one line per context, how its defaults were made included. */
static void
print_line(const char *line)
{
	printf("%s\n", line);
}

/* For -t: where the admin endpoint will be, if there is one. */
static void
print_admin(const struct tf_config *conf)
{
	char	line[TF_ADDR_STRLEN + 32];

	if (conf->admin_listen != NULL)
		printf("%s\n", tf_admin_socket_describe(conf, line,
		    sizeof(line)));
}

/* What a reload reads again: the file, or the demo's configuration. */
struct source {
	const char	*file;
	char		*text;		/* demo mode: the generated config */
};

/* Read the configuration and build its contexts; NULL with errs filled. */
static struct tf_generation *
load_source(void *arg, struct tf_errs *errs)
{
	const struct source	*src = arg;
	struct tf_config	*cf;

	if (src->text != NULL)
		cf = tf_config_load_string(src->text, "<demo>", errs);
	else
		cf = tf_config_load_file(src->file, errs);
	return cf != NULL ? tf_generation_new(cf, errs) : NULL;
}

static struct tf_generation *
load(const struct options *o, struct source *src)
{
	struct tf_errs		 errs;
	struct tf_generation	*gen = NULL;

	tf_errs_init(&errs);
	src->file = o->config_file;
	src->text = NULL;
	if (!o->demo ||
	    (src->text = tf_demo_start(o->demo_port, &errs)) != NULL)
		gen = load_source(src, &errs);
	print_errors(&errs);
	if (!o->demo)
		print_next_step(&errs, o->config_file);
	tf_errs_free(&errs);
	return gen;
}

/* Each connection needs two descriptors; ask for what max_connections
 * needs, and say so if the hard limit is lower (each worker then holds
 * fewer connections: tf_worker_fd_capacity). */
static void
raise_fd_limit(const struct tf_config *cf, size_t nworkers)
{
	struct rlimit	rl;
	size_t		share = ((size_t)cf->max_connections + nworkers - 1) /
			    nworkers;
	rlim_t		want = (rlim_t)(2 * share + TF_FD_RESERVE +
			    cf->nlisteners);

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ?
	    want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < want)
		tf_log_warnx("max_connections %d needs %llu descriptors per "
		    "worker, but the limit is %llu: each worker holds at most "
		    "%zu connections at once, more wait in the accept queue",
		    cf->max_connections, (unsigned long long)want,
		    (unsigned long long)rl.rlim_cur,
		    tf_worker_fd_capacity(cf->nlisteners));
}

/*
 * The uid and gid daemon.user and daemon.group name (the user's own group
 * when no group is given; -1 for one not given, the gid then staying the
 * current one). -1, logged, if a name is unknown.
 */
static int
run_as(const struct tf_config *cf, uid_t *uid, gid_t *gid)
{
	struct passwd	*pw = NULL;
	struct group	*gr;

	*uid = (uid_t)-1;
	*gid = getgid();
	if (cf->user != NULL) {
		if ((pw = getpwnam(cf->user)) == NULL) {
			tf_log_err("daemon.user: no such user \"%s\"",
			    cf->user);
			return -1;
		}
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (cf->group != NULL) {
		if ((gr = getgrnam(cf->group)) == NULL) {
			tf_log_err("daemon.group: no such group \"%s\"",
			    cf->group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	return 0;
}

static int
drop_privileges(const struct tf_config *cf)
{
	uid_t	uid;
	gid_t	gid;

	if (cf->user == NULL && cf->group == NULL)
		return 0;
	if (run_as(cf, &uid, &gid) == -1)
		return -1;
	if (setgroups(1, &gid) == -1 || setgid(gid) == -1 ||
	    (uid != (uid_t)-1 && setuid(uid) == -1)) {
		tf_log_warn("cannot drop privileges to %s:%s",
		    cf->user != NULL ? cf->user : "-",
		    cf->group != NULL ? cf->group : "-");
		return -1;
	}
	if (uid != (uid_t)-1 && (getuid() != uid || setuid(0) != -1)) {
		tf_log_err("privileges were not dropped");
		return -1;
	}
	tf_log_info("running as %s:%s", cf->user != NULL ? cf->user : "-",
	    cf->group != NULL ? cf->group : "-");
	return 0;
}

static void
setup_logging(const struct options *o, const struct tf_config *cf)
{
	enum tf_log_target	target;
	enum tf_log_level	level = o->debug ? TF_LOG_DEBUG : cf->log_level;

	/* Unset under systemd (stderr is the journal's stream): the
	 * journal itself, so access lines carry their fields. */
	if (cf->log_target_set)
		target = cf->log_target;
	else if (!o->foreground)
		target = TF_LOG_TARGET_SYSLOG;
	else if (tf_log_stderr_is_journal() && tf_log_journal_available())
		target = TF_LOG_TARGET_JOURNAL;
	else
		target = TF_LOG_TARGET_STDERR;
	tf_log_open("tlsfrontd", target, level);
}

/* Bind (or inherit) the listening sockets; NULL after logging why. */
static struct tf_sockets *
open_sockets(const struct tf_generation *gen, size_t nworkers,
    struct tf_inherited *inh)
{
	struct tf_errs		 errs;
	struct tf_sockets	*sockets = NULL;
	size_t			 i;

	tf_errs_init(&errs);
	if (tf_sockets_inherit(inh, &errs) == 0)
		sockets = tf_sockets_open(gen->config, nworkers, NULL, inh,
		    &errs);
	for (i = 0; i < tf_errs_count(&errs); i++)
		tf_log_err("%s", tf_errs_get(&errs, i));
	tf_errs_free(&errs);
	for (i = 0; sockets != NULL && i < inh->count; i++)
		if (!inh->used[i])
			tf_log_warnx("socket activation: fd %d matches no "
			    "listener; ignored", inh->fds[i]);
	return sockets;
}

/*
 * A unix admin socket belongs to daemon.user and daemon.group when they
 * are set, as the daemon will: with mode 0660, that group's members (a
 * monitoring user added to it) may connect. -1 if it cannot be given.
 */
static int
admin_socket_owner(const struct tf_config *cf)
{
	uid_t	uid;
	gid_t	gid;

	if (cf->admin_path == NULL || (cf->user == NULL && cf->group == NULL))
		return 0;
	if (run_as(cf, &uid, &gid) == -1)
		return -1;
	if (chown(cf->admin_path, uid, gid) == -1) {
		tf_log_err("%s: chown: %s", cf->admin_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The admin endpoint's socket, bound with the listeners (before
 * privileges are dropped): -1 if there is none, -2 if it cannot be had. */
static int
open_admin_socket(const struct tf_config *cf)
{
	struct tf_errs	errs;
	int		fd;

	if (cf->admin_listen == NULL)
		return -1;
	tf_errs_init(&errs);
	if ((fd = tf_admin_socket_open(cf, &errs)) == -1) {
		tf_log_err("%s", tf_errs_get(&errs, 0));
		fd = -2;
	} else if (admin_socket_owner(cf) == -1) {
		tf_admin_socket_close(cf, fd);
		fd = -2;
	}
	tf_errs_free(&errs);
	return fd;
}

/* Takes over gen. */
static int
serve(const struct options *o, struct source *src, struct tf_generation *gen)
{
	struct tf_master_params	 p;
	struct tf_inherited	 inh;
	const struct tf_config	*cf = gen->config;
	int			 rv;

	memset(&p, 0, sizeof(p));
	p.nworkers = tf_master_worker_count(gen);
	if ((p.sockets = open_sockets(gen, p.nworkers, &inh)) == NULL) {
		tf_sockets_inherited_close(&inh);
		tf_generation_free(gen);
		return -1;
	}
	if ((p.admin_fd = open_admin_socket(cf)) == -2) {
		tf_sockets_free(p.sockets);
		tf_sockets_inherited_close(&inh);
		tf_generation_free(gen);
		return -1;
	}
	raise_fd_limit(cf, p.nworkers);
	if (drop_privileges(cf) == -1) {
		tf_admin_socket_close(cf, p.admin_fd);
		tf_sockets_free(p.sockets);
		tf_sockets_inherited_close(&inh);
		tf_generation_free(gen);
		return -1;
	}
	if (!o->foreground && daemon(0, 0) == -1)
		tf_fatal("daemon");
	tf_log_notice("tlsfrontd %s starting: %zu listener(s), %zu "
	    "worker(s)", PACKAGE_VERSION, cf->nlisteners, p.nworkers);
	tf_generation_log_contexts(gen);
	if (o->demo)
		tf_demo_announce(o->demo_port);
	p.gen = gen;
	p.inherited = &inh;
	p.load = load_source;
	p.load_arg = src;
	rv = tf_master_run(&p);
	tf_sockets_inherited_close(&inh);
	tf_log_notice("tlsfrontd stopped");
	return rv;
}

int
main(int argc, char **argv)
{
	struct options		 o;
	struct source		 src;
	struct tf_generation	*gen;
	int			 rv;

	tf_log_open("tlsfrontd", TF_LOG_TARGET_STDERR, TF_LOG_INFO);
	parse_options(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	if ((gen = load(&o, &src)) == NULL) {
		free(src.text);
		tf_demo_stop();
		return 1;
	}
	if (o.explain) {
		rv = tf_explain_write(stdout, gen->config, gen->set->contexts,
		    o.json ? TF_EXPLAIN_JSON : TF_EXPLAIN_TEXT);
		tf_generation_free(gen);
		free(src.text);
		tf_demo_stop();
		return rv == 0 ? 0 : 1;
	}
	if (o.test_only) {
		print_errors(&gen->warnings);
		tf_generation_each_summary(gen, print_line);
		print_admin(gen->config);
		printf("configuration OK\n");
		tf_generation_free(gen);
		free(src.text);
		tf_demo_stop();
		return 0;
	}
	setup_logging(&o, gen->config);
	log_warnings(gen);
	rv = serve(&o, &src, gen);
	free(src.text);
	tf_demo_stop();
	return rv == 0 ? 0 : 1;
}
