/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the admin endpoint's HTTP server (admin.h), on libevent's
 * evhttp. Small and strict: GET only (anything else: 405), request
 * line and headers up to TF_ADMIN_MAX_HEADERS bytes (more, or anything
 * that is not HTTP/1.x: 400), no body (400; over TF_ADMIN_MAX_BODY:
 * 413), TF_ADMIN_TIMEOUT_SEC to send a request; every error closes the
 * connection.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "admin.h"
#include "admin_view.h"
#include "generation.h"
#include "log.h"
#include "metrics_text.h"
#include "refresh.h"
#include "status_page.h"

#define TF_ADMIN_MAX_HEADERS	8192
#define TF_ADMIN_TIMEOUT_SEC	10
/* A body is refused (400); one larger than this is not even read (413). */
#define TF_ADMIN_MAX_BODY	1024

struct admin {
	struct event_base	*base;
	struct evhttp		*http;
	struct event		*sig_term;
	struct event		*sig_retire;
	struct event		*tick;
	struct tf_admin_view	 av;
	bool			 watch_files;
};

static void
admin_reply(struct evhttp_request *req, int code, const char *reason,
    const char *type, struct evbuffer *body, bool close)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	if (close)
		evhttp_add_header(h, "Connection", "close");
	evhttp_send_reply(req, code, reason, body);
}

static void
admin_text(struct evhttp_request *req, int code, const char *reason,
    const char *text, bool close)
{
	struct evbuffer	*b;

	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	evbuffer_add_printf(b, "%s\n", text);
	admin_reply(req, code, reason, "text/plain; charset=utf-8", b, close);
	evbuffer_free(b);
}

static void
admin_metrics(struct admin *a, struct evhttp_request *req, struct evbuffer *b)
{
	if (tf_metrics_render_prometheus(b, &a->av.view) == -1) {
		admin_text(req, HTTP_INTERNAL, "Internal Server Error",
		    "out of memory", true);
		return;
	}
	admin_reply(req, HTTP_OK, "OK", TF_METRICS_CONTENT_TYPE, b, false);
}

static void
admin_healthz(struct admin *a, struct evhttp_request *req)
{
	char	why[160];

	if (tf_metrics_healthy(&a->av.view, why, sizeof(why)))
		admin_text(req, HTTP_OK, "OK", why, false);
	else
		admin_text(req, 503, "Service Unavailable", why, false);
}

static void
admin_status(struct admin *a, struct evhttp_request *req, struct evbuffer *b)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	if (tf_status_page_render(b, &a->av.view) == -1) {
		admin_text(req, HTTP_INTERNAL, "Internal Server Error",
		    "out of memory", true);
		return;
	}
	/* Says what the page is: nothing runs, nothing is fetched. */
	evhttp_add_header(h, "Content-Security-Policy", "default-src 'none'; "
	    "style-src 'unsafe-inline'; img-src data:");
	admin_reply(req, HTTP_OK, "OK", "text/html; charset=utf-8", b, false);
}

static void
admin_request_cb(struct evhttp_request *req, void *arg)
{
	struct admin		*a = arg;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri != NULL ?
				    evhttp_uri_get_path(uri) : NULL;
	struct evbuffer		*b;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET");
		admin_text(req, 405, "Method Not Allowed", "GET only", true);
		return;
	}
	if (path == NULL || (strcmp(path, "/metrics") != 0 &&
	    strcmp(path, "/healthz") != 0 && strcmp(path, "/status") != 0 &&
	    strcmp(path, "/") != 0)) {
		admin_text(req, HTTP_NOTFOUND, "Not Found",
		    "not found; try /metrics, /healthz or /status", false);
		return;
	}
	/* A GET has nothing to send; one that does is not understood. */
	if (evbuffer_get_length(evhttp_request_get_input_buffer(req)) > 0) {
		admin_text(req, HTTP_BADREQUEST, "Bad Request",
		    "a GET request has no body", true);
		return;
	}
	if (a->watch_files)
		(void)tf_refresh(a->av.gen, -1);
	tf_admin_view_update(&a->av);
	if (strcmp(path, "/healthz") == 0) {
		admin_healthz(a, req);
		return;
	}
	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	if (strcmp(path, "/metrics") == 0)
		admin_metrics(a, req, b);
	else
		admin_status(a, req, b);
	evbuffer_free(b);
}

/* Once a second: the sample /status's rates come from. */
static void
admin_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct admin	*a = arg;

	(void)fd;
	(void)what;
	tf_admin_view_update(&a->av);
	tf_admin_view_sample(&a->av);
}

static void
admin_stop_cb(evutil_socket_t sig, short what, void *arg)
{
	struct admin	*a = arg;

	(void)what;
	tf_log_debug("admin: signal %d: stopping", (int)sig);
	event_base_loopexit(a->base, NULL);
}

static void
admin_unblock_signals(void)
{
	sigset_t	set;

	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static int
admin_setup(struct admin *a, int fd)
{
	struct timeval	second = { 1, 0 };

	if ((a->base = event_base_new()) == NULL ||
	    (a->http = evhttp_new(a->base)) == NULL) {
		close(fd);
		return -1;
	}
	evhttp_set_allowed_methods(a->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(a->http, TF_ADMIN_MAX_HEADERS);
	evhttp_set_max_body_size(a->http, TF_ADMIN_MAX_BODY);
	evhttp_set_timeout(a->http, TF_ADMIN_TIMEOUT_SEC);
	evhttp_set_gencb(a->http, admin_request_cb, a);
	if (evhttp_accept_socket_with_handle(a->http, fd) == NULL) {
		close(fd);
		return -1;
	}
	a->sig_term = evsignal_new(a->base, SIGTERM, admin_stop_cb, a);
	a->sig_retire = evsignal_new(a->base, SIGUSR2, admin_stop_cb, a);
	a->tick = event_new(a->base, -1, EV_PERSIST, admin_tick_cb, a);
	if (a->sig_term == NULL || a->sig_retire == NULL || a->tick == NULL ||
	    evsignal_add(a->sig_term, NULL) == -1 ||
	    evsignal_add(a->sig_retire, NULL) == -1 ||
	    event_add(a->tick, &second) == -1)
		return -1;
	admin_unblock_signals();
	return 0;
}

static void
admin_free(struct admin *a)
{
	sigset_t	set;

	/* Late stop requests wait until the process is gone. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (a->http != NULL)
		evhttp_free(a->http);
	if (a->sig_term != NULL)
		event_free(a->sig_term);
	if (a->sig_retire != NULL)
		event_free(a->sig_retire);
	if (a->tick != NULL)
		event_free(a->tick);
	if (a->base != NULL)
		event_base_free(a->base);
	tf_admin_view_free(&a->av);
}

int
tf_admin_run(struct tf_generation *gen, int fd,
    const struct tf_counters *counters)
{
	struct admin	a;
	int		rv = 0;

	memset(&a, 0, sizeof(a));
	a.watch_files = gen->config->watch_files;
	if (tf_admin_view_init(&a.av, gen, counters) == -1 ||
	    admin_setup(&a, fd) == -1) {
		tf_log_warnx("admin: cannot start");
		admin_free(&a);
		return -1;
	}
	tf_log_info("admin: serving /metrics, /healthz and /status on %s",
	    gen->config->admin_listen);
	if (event_base_dispatch(a.base) == -1)
		rv = -1;
	admin_free(&a);
	return rv;
}
