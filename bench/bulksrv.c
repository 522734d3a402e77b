/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * bulksrv: plaintext bulk backend for bench/run (source and sink).
 *
 * A minimal HTTP/1.1 server on one epoll loop, keep-alive:
 *   GET  any-path            answers with -b BYTES of zeros (download);
 *   POST with Content-Length reads and discards the body, then answers
 *                            "ok" (upload: the answer proves every byte
 *                            reached the backend).
 * Bodies are sent from and read into one static buffer, so the backend's
 * own cost per byte is one send or recv on the load generator's core.
 */

#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define BS_BUF		(256 * 1024)
#define BS_MAX_EVENTS	64

struct bs_conn {
	int		 fd;
	char		 hdr[4096];
	size_t		 hdrlen;
	long long	 sink_left;	/* request body still to read */
	long long	 src_left;	/* response body still to send */
	char		 resp[128];
	size_t		 resplen, respoff;
};

static char		 buf[BS_BUF];
static long long	 src_bytes = 64LL << 20;
static int		 ep;

static void
die(const char *msg)
{
	perror(msg);
	exit(1);
}

static void
bs_close(struct bs_conn *c)
{
	close(c->fd);
	free(c);
}

static void
bs_watch(struct bs_conn *c, unsigned ev)
{
	struct epoll_event	e = { .events = ev, .data.ptr = c };

	if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e) == -1)
		die("epoll_ctl");
}

/* A complete request header is in c->hdr: set up the answer. */
static void
bs_request(struct bs_conn *c, char *end)
{
	char		*cl;
	size_t		 used = (size_t)(end + 4 - c->hdr);
	long long	 body = 0;

	*end = '\0';
	if ((cl = strcasestr(c->hdr, "\r\nContent-Length:")) != NULL)
		body = strtoll(cl + 17, NULL, 10);
	c->sink_left = body - (long long)(c->hdrlen - used);
	c->src_left = strncmp(c->hdr, "GET ", 4) == 0 ? src_bytes : 0;
	if (c->src_left > 0)
		c->resplen = (size_t)snprintf(c->resp, sizeof(c->resp),
		    "HTTP/1.1 200 OK\r\nContent-Length: %lld\r\n\r\n",
		    c->src_left);
	else
		c->resplen = (size_t)snprintf(c->resp, sizeof(c->resp),
		    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n");
	c->respoff = 0;
	c->hdrlen = 0;
}

/* Sends the answer and any source body; false on error. */
static bool
bs_send(struct bs_conn *c)
{
	ssize_t	n;

	while (c->respoff < c->resplen) {
		n = send(c->fd, c->resp + c->respoff, c->resplen - c->respoff,
		    MSG_NOSIGNAL);
		if (n == -1)
			return errno == EAGAIN;
		c->respoff += (size_t)n;
	}
	while (c->src_left > 0) {
		n = send(c->fd, buf, c->src_left < BS_BUF ?
		    (size_t)c->src_left : BS_BUF, MSG_NOSIGNAL);
		if (n == -1)
			return errno == EAGAIN;
		c->src_left -= n;
	}
	c->resplen = 0;
	return true;
}

static bool
bs_recv(struct bs_conn *c)
{
	ssize_t	 n;
	char	*end;

	for (;;) {
		if (c->sink_left > 0) {
			n = recv(c->fd, buf, c->sink_left < BS_BUF ?
			    (size_t)c->sink_left : BS_BUF, 0);
			if (n > 0)
				c->sink_left -= n;
		} else {
			if (c->hdrlen >= sizeof(c->hdr) - 1)
				return false;
			n = recv(c->fd, c->hdr + c->hdrlen,
			    sizeof(c->hdr) - 1 - c->hdrlen, 0);
			if (n > 0) {
				c->hdrlen += (size_t)n;
				c->hdr[c->hdrlen] = '\0';
				end = strstr(c->hdr, "\r\n\r\n");
				if (end != NULL)
					bs_request(c, end);
			}
		}
		if (n == 0)
			return false;
		if (n == -1)
			return errno == EAGAIN;
		if (c->sink_left <= 0 && c->resplen > 0)
			return true;	/* answer first */
	}
}

static void
bs_event(struct bs_conn *c)
{
	if ((c->resplen == 0 || c->sink_left > 0) && !bs_recv(c)) {
		bs_close(c);
		return;
	}
	if (c->sink_left <= 0 && c->resplen > 0 && !bs_send(c)) {
		bs_close(c);
		return;
	}
	bs_watch(c, c->resplen > 0 && c->sink_left <= 0 ? EPOLLOUT :
	    EPOLLIN);
}

static void
bs_accept(int lfd)
{
	struct bs_conn		*c;
	struct epoll_event	 e;
	int			 fd, one = 1;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1) {
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		if ((c = calloc(1, sizeof(*c))) == NULL)
			die("calloc");
		c->fd = fd;
		e.events = EPOLLIN;
		e.data.ptr = c;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) == -1)
			die("epoll_ctl ADD");
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	struct epoll_event	ev[BS_MAX_EVENTS], e;
	int			lfd, ch, i, n, one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while ((ch = getopt(argc, argv, "p:b:")) != -1) {
		switch (ch) {
		case 'p':
			sin.sin_port = htons((unsigned short)atoi(optarg));
			break;
		case 'b':
			src_bytes = atoll(optarg);
			break;
		default:
			fprintf(stderr, "usage: bulksrv -p PORT [-b BYTES]\n");
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		die("socket");
	(void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 1024) == -1)
		die("bind/listen");
	if ((ep = epoll_create1(0)) == -1)
		die("epoll_create1");
	e.events = EPOLLIN;
	e.data.ptr = NULL;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &e) == -1)
		die("epoll_ctl");
	for (;;) {
		n = epoll_wait(ep, ev, BS_MAX_EVENTS, -1);
		for (i = 0; i < n; i++) {
			if (ev[i].data.ptr == NULL)
				bs_accept(lfd);
			else
				bs_event(ev[i].data.ptr);
		}
	}
}
