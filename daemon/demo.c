/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: --demo mode. The demo backend is libevent's evhttp in a child
 * process; the certificate is made fresh at every start and removed at
 * exit.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "demo.h"
#include "log.h"
#include "selfsigned.h"

static char	demo_dir[] = "/tmp/tlsfront-demo.XXXXXX";
static char	demo_cert[sizeof(demo_dir) + 16];
static char	demo_key[sizeof(demo_dir) + 16];
static pid_t	demo_backend_pid;

static void
demo_reply_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*body = evbuffer_new();

	(void)arg;
	if (body == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	evbuffer_add_printf(body, "Hello from the tlsfront demo backend.\n"
	    "You asked for %s over plaintext HTTP; tlsfrontd added the TLS.\n",
	    evhttp_request_get_uri(req));
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain");
	evhttp_send_reply(req, HTTP_OK, "OK", body);
	evbuffer_free(body);
}

static void
demo_backend_stop_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopexit(arg, NULL);
}

/* The child: serve HTTP on fd until SIGTERM or the daemon's death. */
static void __attribute__((noreturn))
demo_backend_run(int fd)
{
	struct event_base	*base;
	struct evhttp		*http;
	struct event		*sig;

	/* Ctrl-C reaches the whole group; the daemon stops us itself. */
	signal(SIGINT, SIG_IGN);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL ||
	    evhttp_accept_socket(http, fd) == -1)
		_exit(1);
	evhttp_set_gencb(http, demo_reply_cb, NULL);
	sig = evsignal_new(base, SIGTERM, demo_backend_stop_cb, base);
	evsignal_add(sig, NULL);
	event_base_dispatch(base);
	event_free(sig);
	evhttp_free(http);
	event_base_free(base);
	_exit(0);
}

/* Bind the backend's socket on 127.0.0.1 with a port the kernel picks. */
static int
demo_backend_bind(int *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 128) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		close(fd);
		return -1;
	}
	evutil_make_socket_nonblocking(fd);
	*port = ntohs(sin.sin_port);
	return fd;
}

char *
tf_demo_start(int port, struct tf_errs *errs)
{
	char	*text;
	int	 fd, backend_port;

	if (mkdtemp(demo_dir) == NULL) {
		tf_errs_addx(errs, "demo: mkdtemp %s failed", demo_dir);
		return NULL;
	}
	snprintf(demo_cert, sizeof(demo_cert), "%s/cert.pem", demo_dir);
	snprintf(demo_key, sizeof(demo_key), "%s/key.pem", demo_dir);
	if (tf_selfsigned_write("127.0.0.1", 30, demo_cert, demo_key,
	    errs) == -1)
		return NULL;
	if ((fd = demo_backend_bind(&backend_port)) == -1) {
		tf_errs_addx(errs, "demo: cannot bind the demo backend");
		return NULL;
	}
	if ((demo_backend_pid = fork()) == -1) {
		close(fd);
		tf_errs_addx(errs, "demo: fork failed");
		return NULL;
	}
	if (demo_backend_pid == 0)
		demo_backend_run(fd);
	close(fd);
	if (asprintf(&text,
	    "daemon = { workers = 1; max_connections = 1000;\n"
	    "  log = { level = \"info\"; "
	    "access = \"text\"; }; };\n"
	    "contexts = { demo = { cert_chain = ( { certfile = \"%s\"; "
	    "keyfile = \"%s\"; } ); }; };\n"
	    "listeners = ( { listen = \"127.0.0.1:%d\"; context = \"demo\"; "
	    "backend = \"demo\"; } );\n"
	    "backends = { demo = { servers = [ \"127.0.0.1:%d\" ]; }; };\n",
	    demo_cert, demo_key, port, backend_port) == -1)
		tf_fatal("asprintf");
	return text;
}

void
tf_demo_announce(int port)
{
	printf("tlsfront demo: TLS on 127.0.0.1:%d in front of a plaintext "
	    "HTTP backend on loopback.\n"
	    "Throwaway certificate: %s (removed at exit).\n"
	    "Try it from another terminal:\n\n"
	    "    curl --cacert %s https://127.0.0.1:%d/\n\n"
	    "Stop with Ctrl-C.\n", port, demo_cert, demo_cert, port);
	fflush(stdout);
}

void
tf_demo_stop(void)
{
	if (demo_backend_pid > 0) {
		kill(demo_backend_pid, SIGTERM);
		waitpid(demo_backend_pid, NULL, 0);
		demo_backend_pid = 0;
	}
	if (demo_cert[0] != '\0') {
		unlink(demo_cert);
		unlink(demo_key);
		rmdir(demo_dir);
		demo_cert[0] = '\0';
	}
}
