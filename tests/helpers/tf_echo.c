/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tf_echo: plaintext TCP backend for the integration tests.
 * Serves many connections on one libevent loop in one of four modes (echo,
 * http, halfclose, sink) and logs one line per connection with a SHA-256 of
 * every byte it received, so tests can prove that nothing was lost.
 */

#ifdef HAVE_CONFIG_H
#include "autoconf.h"
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <openssl/evp.h>

#define ECHO_HIGH_WATER		(1024 * 1024)	/* stop reading above this */
#define ECHO_LOW_WATER		(256 * 1024)	/* resume reading below this */
#define ECHO_MAX_READ		(256 * 1024)
/* check-stress connects thousands at once; the kernel caps it at somaxconn. */
#define ECHO_BACKLOG		4096
#define HTTP_MAX_HEADER		(64 * 1024)
#define HTTP_BODY		"hello from tf_echo\n"

enum echo_mode {
	ECHO_MODE_ECHO,
	ECHO_MODE_HTTP,
	ECHO_MODE_HALFCLOSE,
	ECHO_MODE_SINK
};

struct echo_conn {
	struct bufferevent	*bev;
	EVP_MD_CTX		*md;
	unsigned long long	 bytes_in;
	bool			 read_eof;	/* peer sent FIN */
	bool			 write_done;	/* we sent FIN (or will at drain) */
	bool			 answered;	/* http: response queued */
	bool			 paused;	/* echo: reading off (backpressure) */
};

static enum echo_mode	 echo_mode;
static const char	*echo_logfile;
static unsigned long	 echo_live;

static void	echo_read_cb(struct bufferevent *, void *);
static void	echo_write_cb(struct bufferevent *, void *);
static void	echo_event_cb(struct bufferevent *, short, void *);

static void
usage(void)
{
	fprintf(stderr, "usage: tf_echo -m echo|http|halfclose|sink "
	    "[-a ADDR] [-p PORT] [-P PORTFILE] [-l LOGFILE]\n");
	exit(2);
}

/* Appends one line to the log file (or stderr), in one write(2). */
static void
echo_log(const char *line)
{
	int	fd;
	size_t	len = strlen(line);

	if (echo_logfile == NULL || strcmp(echo_logfile, "-") == 0) {
		fputs(line, stderr);
		return;
	}
	fd = open(echo_logfile, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd == -1) {
		fprintf(stderr, "tf_echo: %s: %s\n", echo_logfile,
		    strerror(errno));
		return;
	}
	if (write(fd, line, len) != (ssize_t)len)
		fprintf(stderr, "tf_echo: short write to %s\n", echo_logfile);
	close(fd);
}

/* Logs the connection's summary line and frees it. */
static void
echo_conn_close(struct echo_conn *c, const char *end)
{
	unsigned char	 digest[EVP_MAX_MD_SIZE];
	unsigned int	 dlen = 0, i;
	char		 hex[2 * EVP_MAX_MD_SIZE + 1];
	char		 line[256];

	EVP_DigestFinal_ex(c->md, digest, &dlen);
	for (i = 0; i < dlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	hex[2 * dlen] = '\0';
	snprintf(line, sizeof(line), "conn bytes_in=%llu sha256=%s end=%s\n",
	    c->bytes_in, hex, end);
	echo_log(line);

	EVP_MD_CTX_free(c->md);
	bufferevent_free(c->bev);
	free(c);
	echo_live--;
}

/* Sends our FIN now; the output buffer must be empty. */
static void
echo_conn_shutdown_write(struct echo_conn *c)
{
	if (c->write_done)
		return;
	c->write_done = true;
	shutdown(bufferevent_getfd(c->bev), SHUT_WR);
}

/* Hashes and counts everything in the input buffer. */
static void
echo_conn_account(struct echo_conn *c, struct evbuffer *in)
{
	struct evbuffer_iovec	*vec;
	int			 n, i;

	n = evbuffer_peek(in, -1, NULL, NULL, 0);
	if (n <= 0)
		return;
	vec = calloc((size_t)n, sizeof(*vec));
	if (vec == NULL) {
		fprintf(stderr, "tf_echo: out of memory\n");
		exit(1);
	}
	n = evbuffer_peek(in, -1, NULL, vec, n);
	for (i = 0; i < n; i++) {
		EVP_DigestUpdate(c->md, vec[i].iov_base, vec[i].iov_len);
		c->bytes_in += vec[i].iov_len;
	}
	free(vec);
}

static void
echo_http_answer(struct echo_conn *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);

	c->answered = true;
	evbuffer_add_printf(out, "HTTP/1.1 200 OK\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: %zu\r\n"
	    "Connection: close\r\n"
	    "\r\n" HTTP_BODY, strlen(HTTP_BODY));
}

static void
echo_read_cb(struct bufferevent *bev, void *arg)
{
	struct echo_conn	*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer		*out = bufferevent_get_output(bev);
	struct evbuffer_ptr	 p;

	echo_conn_account(c, in);
	switch (echo_mode) {
	case ECHO_MODE_ECHO:
		evbuffer_add_buffer(out, in);
		if (evbuffer_get_length(out) > ECHO_HIGH_WATER) {
			c->paused = true;
			bufferevent_disable(bev, EV_READ);
		}
		break;
	case ECHO_MODE_HTTP:
		if (!c->answered) {
			p = evbuffer_search(in, "\r\n\r\n", 4, NULL);
			if (p.pos != -1 ||
			    evbuffer_get_length(in) > HTTP_MAX_HEADER)
				echo_http_answer(c);
			else
				return;	/* keep the partial header */
		}
		evbuffer_drain(in, evbuffer_get_length(in));
		break;
	case ECHO_MODE_HALFCLOSE:
	case ECHO_MODE_SINK:
		evbuffer_drain(in, evbuffer_get_length(in));
		break;
	}
}

static void
echo_write_cb(struct bufferevent *bev, void *arg)
{
	struct echo_conn	*c = arg;
	struct evbuffer		*out = bufferevent_get_output(bev);

	if (c->paused && !c->read_eof &&
	    evbuffer_get_length(out) <= ECHO_LOW_WATER) {
		c->paused = false;
		bufferevent_enable(bev, EV_READ);
	}
	if (evbuffer_get_length(out) != 0)
		return;
	if (echo_mode == ECHO_MODE_HTTP && c->answered)
		echo_conn_shutdown_write(c);
	if (c->read_eof) {
		/* Everything echoed: now our FIN, then we are done. */
		echo_conn_shutdown_write(c);
		echo_conn_close(c, "eof");
	}
}

static void
echo_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct echo_conn	*c = arg;
	struct evbuffer		*out = bufferevent_get_output(bev);

	if (what & BEV_EVENT_ERROR) {
		echo_conn_close(c, "reset");
		return;
	}
	if (!(what & BEV_EVENT_EOF))
		return;
	c->read_eof = true;
	bufferevent_disable(bev, EV_READ);
	/* Anything still buffered in the input was accounted already. */
	if (echo_mode == ECHO_MODE_ECHO) {
		bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
		if (evbuffer_get_length(out) != 0)
			return;	/* echo_write_cb finishes */
	}
	if (echo_mode == ECHO_MODE_HTTP && evbuffer_get_length(out) != 0)
		return;
	echo_conn_shutdown_write(c);
	echo_conn_close(c, "eof");
}

static void
echo_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct event_base	*base = evconnlistener_get_base(l);
	struct echo_conn	*c;
	static const char	 banner[] = "BANNER\n";

	(void)sa;
	(void)salen;
	(void)arg;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1 ||
	    (c->bev = bufferevent_socket_new(base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		fprintf(stderr, "tf_echo: out of memory\n");
		exit(1);
	}
	echo_live++;
	bufferevent_set_max_single_read(c->bev, ECHO_MAX_READ);
	bufferevent_setwatermark(c->bev, EV_WRITE, ECHO_LOW_WATER, 0);
	bufferevent_setcb(c->bev, echo_read_cb, echo_write_cb, echo_event_cb,
	    c);
	if (echo_mode == ECHO_MODE_HALFCLOSE) {
		/* The banner fits in any socket buffer: no need to queue. */
		if (send(fd, banner, sizeof(banner) - 1, MSG_NOSIGNAL) !=
		    (ssize_t)(sizeof(banner) - 1))
			fprintf(stderr, "tf_echo: banner: %s\n",
			    strerror(errno));
		echo_conn_shutdown_write(c);
	}
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void
echo_accept_error_cb(struct evconnlistener *l, void *arg)
{
	int	err = EVUTIL_SOCKET_ERROR();

	(void)l;
	(void)arg;
	fprintf(stderr, "tf_echo: accept: %s\n",
	    evutil_socket_error_to_string(err));
}

static void
echo_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

/* Writes the port to PATH through a temporary file, so readers never see
 * a partial number. */
static void
echo_write_portfile(const char *path, int port)
{
	char	 tmp[4096];
	FILE	*fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if ((fp = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "tf_echo: %s: %s\n", tmp, strerror(errno));
		exit(1);
	}
	fprintf(fp, "%d\n", port);
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "tf_echo: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	struct addrinfo		 hints, *res;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	struct event_base	*base;
	struct evconnlistener	*l;
	struct event		*ev_term, *ev_int;
	const char		*addr = "127.0.0.1", *port = "0";
	const char		*portfile = NULL, *mode = NULL;
	int			 ch, rv, bound;

	while ((ch = getopt(argc, argv, "a:l:m:p:P:")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'l':
			echo_logfile = optarg;
			break;
		case 'm':
			mode = optarg;
			break;
		case 'p':
			port = optarg;
			break;
		case 'P':
			portfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || mode == NULL)
		usage();
	if (strcmp(mode, "echo") == 0)
		echo_mode = ECHO_MODE_ECHO;
	else if (strcmp(mode, "http") == 0)
		echo_mode = ECHO_MODE_HTTP;
	else if (strcmp(mode, "halfclose") == 0)
		echo_mode = ECHO_MODE_HALFCLOSE;
	else if (strcmp(mode, "sink") == 0)
		echo_mode = ECHO_MODE_SINK;
	else
		usage();

	signal(SIGPIPE, SIG_IGN);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rv = getaddrinfo(addr, port, &hints, &res)) != 0) {
		fprintf(stderr, "tf_echo: %s:%s: %s\n", addr, port,
		    gai_strerror(rv));
		return 1;
	}
	if ((base = event_base_new()) == NULL) {
		fprintf(stderr, "tf_echo: event_base_new failed\n");
		return 1;
	}
	l = evconnlistener_new_bind(base, echo_accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, ECHO_BACKLOG,
	    res->ai_addr, (int)res->ai_addrlen);
	freeaddrinfo(res);
	if (l == NULL) {
		fprintf(stderr, "tf_echo: listen on %s:%s: %s\n", addr, port,
		    strerror(errno));
		return 1;
	}
	evconnlistener_set_error_cb(l, echo_accept_error_cb);
	if (getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&ss,
	    &sslen) != 0) {
		fprintf(stderr, "tf_echo: getsockname: %s\n", strerror(errno));
		return 1;
	}
	if (ss.ss_family == AF_INET6)
		bound = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (portfile != NULL)
		echo_write_portfile(portfile, bound);

	ev_term = evsignal_new(base, SIGTERM, echo_signal_cb, base);
	ev_int = evsignal_new(base, SIGINT, echo_signal_cb, base);
	if (ev_term == NULL || ev_int == NULL ||
	    evsignal_add(ev_term, NULL) != 0 || evsignal_add(ev_int, NULL) != 0) {
		fprintf(stderr, "tf_echo: cannot install signal handlers\n");
		return 1;
	}

	event_base_dispatch(base);

	if (echo_live != 0)
		fprintf(stderr, "tf_echo: exiting with %lu open connection(s)\n",
		    echo_live);
	evconnlistener_free(l);
	event_free(ev_term);
	event_free(ev_int);
	event_base_free(base);
	return 0;
}
