/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the /status page (lib/status_page.h): the document's head and
 * style, the daemon summary, and one section per table.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "status_page.h"

/* The output and whether any append to it failed (checked once, at the
 * end, so that the sections read as straight lines of markup). */
struct page {
	struct evbuffer			*out;
	const struct tf_metrics_view	*v;
	bool				 failed;
};

/* No web font, no external sheet: the platform's own UI font. */
static const char page_style[] =
":root{color-scheme:light;--fg:#1d2433;--muted:#6b7385;--line:#e3e6ec;"
"--head:#f5f6f9;--ok:#17713a;--ok-bg:#e3f4e8;--bad:#b42318;"
"--bad-bg:#fde8e6;--warn:#8a5a00;--warn-bg:#fff1cc}\n"
"*{box-sizing:border-box}\n"
"body{margin:0;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,"
"\"Helvetica Neue\",Arial,\"Noto Sans\",sans-serif;font-size:15px;"
"line-height:1.45;color:var(--fg);background:#fbfbfd}\n"
"main{max-width:1280px;margin:0 auto;padding:20px 16px 40px}\n"
"header{display:flex;flex-wrap:wrap;align-items:baseline;gap:8px 16px;"
"border-bottom:1px solid var(--line);padding-bottom:12px}\n"
"h1{font-size:24px;margin:0;font-weight:650}\n"
"h1 .version{color:var(--muted);font-weight:400}\n"
"h2{font-size:17px;margin:28px 0 8px;font-weight:650}\n"
".pill{display:inline-block;padding:1px 10px;border-radius:999px;"
"font-size:13px;font-weight:600;border:1px solid currentColor}\n"
".pill.serving,.up{color:var(--ok)}\n"
".pill.serving{background:var(--ok-bg)}\n"
".pill.draining{color:var(--warn);background:var(--warn-bg)}\n"
".down{color:var(--bad);font-weight:600}\n"
"dl.facts{display:grid;grid-template-columns:repeat(auto-fill,"
"minmax(170px,1fr));gap:10px 20px;margin:14px 0 0}\n"
"dl.facts div{min-width:0}\n"
"dt{font-size:12px;color:var(--muted);text-transform:uppercase;"
"letter-spacing:.04em}\n"
"dd{margin:2px 0 0;font-variant-numeric:tabular-nums}\n"
".cards{display:grid;grid-template-columns:repeat(auto-fit,"
"minmax(160px,1fr));gap:12px;margin:20px 0 0}\n"
".card{background:#fff;border:1px solid var(--line);border-radius:8px;"
"padding:10px 14px}\n"
".card .value{font-size:26px;font-weight:600;"
"font-variant-numeric:tabular-nums}\n"
".card .label{font-size:12px;color:var(--muted);text-transform:uppercase;"
"letter-spacing:.04em}\n"
".scroll{overflow-x:auto;background:#fff;border:1px solid var(--line);"
"border-radius:8px}\n"
"table{border-collapse:collapse;width:100%;font-size:14px}\n"
"th,td{padding:6px 10px;text-align:left;border-bottom:1px solid "
"var(--line);vertical-align:baseline}\n"
"tr:last-child td{border-bottom:0}\n"
"th{background:var(--head);font-size:12px;font-weight:600;"
"color:var(--muted);text-transform:uppercase;letter-spacing:.03em;"
"white-space:nowrap}\n"
"th.num,td.num{text-align:right;font-variant-numeric:tabular-nums;"
"white-space:nowrap}\n"
"td.name{font-family:ui-monospace,\"SF Mono\",Menlo,Consolas,"
"\"DejaVu Sans Mono\",monospace;font-size:13px;white-space:nowrap}\n"
"td.subject{overflow-wrap:anywhere;min-width:14em}\n"
"#contexts th.num{white-space:normal;text-transform:none;"
"letter-spacing:0}\n"
"td.reasons{color:var(--muted);font-size:13px}\n"
".muted{color:var(--muted)}\n"
"tr.expiring td{background:var(--warn-bg)}\n"
"tr.expiring td.days{color:var(--warn);font-weight:600}\n"
"tr.expired td{background:var(--bad-bg)}\n"
"tr.expired td.days{color:var(--bad);font-weight:600}\n"
"p.note{margin:8px 2px 0;color:var(--muted);font-size:13px}\n"
"footer{margin-top:32px;color:var(--muted);font-size:12px}\n"
"@media (max-width:600px){main{padding:12px 8px 28px}"
"h1{font-size:20px}.card .value{font-size:21px}}\n";

static void
page_raw(struct page *p, const char *s)
{
	if (!p->failed && evbuffer_add(p->out, s, strlen(s)) == -1)
		p->failed = true;
}

static void page_printf(struct page *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
page_printf(struct page *p, const char *fmt, ...)
{
	va_list	ap;

	if (p->failed)
		return;
	va_start(ap, fmt);
	if (evbuffer_add_vprintf(p->out, fmt, ap) == -1)
		p->failed = true;
	va_end(ap);
}

/* Text from the configuration or a certificate. */
static void
page_text(struct page *p, const char *s)
{
	if (!p->failed && tf_status_page_escape(p->out, s) == -1)
		p->failed = true;
}

int
tf_status_page_escape(struct evbuffer *out, const char *s)
{
	const char	*run = s, *entity;

	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': entity = "&amp;"; break;
		case '<': entity = "&lt;"; break;
		case '>': entity = "&gt;"; break;
		case '"': entity = "&quot;"; break;
		case '\'': entity = "&#39;"; break;
		default: continue;
		}
		if (evbuffer_add(out, run, (size_t)(s - run)) == -1 ||
		    evbuffer_add(out, entity, strlen(entity)) == -1)
			return -1;
		run = s + 1;
	}
	return evbuffer_add(out, run, (size_t)(s - run));
}

long long
tf_status_page_days_left(time_t not_after, time_t now)
{
	long long	s = (long long)not_after - (long long)now;

	/* C division truncates toward zero; days left round down. */
	return s / 86400 - (s % 86400 < 0);
}

/* "2026-12-05 04:19 UTC" (with_time) or "2026-12-05". */
static void
format_utc(char *buf, size_t size, time_t t, bool with_time)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, with_time ? "%Y-%m-%d %H:%M UTC" : "%Y-%m-%d",
	    &tm) == 0)
		snprintf(buf, size, "?");
}

/* "3d 4h", "4h 12m", "12m 5s", "5s". */
static void
format_duration(char *buf, size_t size, time_t from, time_t to)
{
	long long	s = to > from ? (long long)(to - from) : 0;

	if (s >= 86400)
		snprintf(buf, size, "%lldd %lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, size, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, size, "%lldm %llds", s / 60, s % 60);
	else
		snprintf(buf, size, "%llds", s);
}

/* Bytes in binary units, one decimal from KiB on. */
static void
format_bytes(char *buf, size_t size, uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
	    "PiB" };
	double	x = (double)n;
	size_t	u = 0;

	if (n < 1024) {
		snprintf(buf, size, "%llu B", (unsigned long long)n);
		return;
	}
	x /= 1024;
	while (x >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		x /= 1024;
		u++;
	}
	snprintf(buf, size, "%.1f %s", x, units[u]);
}

/* A per-second rate; negative: unknown. */
static void
format_rate(char *buf, size_t size, double r)
{
	if (!(r >= 0))		/* negative or NaN */
		snprintf(buf, size, "\u2013");
	else
		snprintf(buf, size, "%.1f", r);
}

static void
cell_count(struct page *p, const char *field, uint64_t n)
{
	page_printf(p, "<td class=\"num\" data-field=\"%s\">%llu</td>", field,
	    (unsigned long long)n);
}

static void
cell_bytes(struct page *p, const char *field, uint64_t n)
{
	char	human[32];

	format_bytes(human, sizeof(human), n);
	page_printf(p, "<td class=\"num\" data-field=\"%s\" title=\"%llu "
	    "bytes\">%s</td>", field, (unsigned long long)n, human);
}

/* A section's heading and the opening of its table with these heads
 * ("#" before a head: a numeric column). */
static void
table_open(struct page *p, const char *title, const char *id,
    const char *const *heads, size_t nheads)
{
	size_t	i;

	page_printf(p, "<section><h2>%s</h2>\n<div class=\"scroll\">"
	    "<table id=\"%s\">\n<thead><tr>", title, id);
	for (i = 0; i < nheads; i++) {
		if (heads[i][0] == '#')
			page_printf(p, "<th class=\"num\">%s</th>",
			    heads[i] + 1);
		else
			page_printf(p, "<th>%s</th>", heads[i]);
	}
	page_raw(p, "</tr></thead>\n<tbody>\n");
}

static void
table_close(struct page *p)
{
	page_raw(p, "</tbody></table></div>\n");
}

static void
table_empty(struct page *p, size_t ncols, const char *what)
{
	page_printf(p, "<tr><td colspan=\"%zu\" class=\"muted\">%s</td>"
	    "</tr>\n", ncols, what);
}

static const struct tf_metrics_listener *
listener_counters(const struct tf_metrics_view *v, size_t i)
{
	if (v->sum == NULL || v->listener_key == NULL ||
	    v->listener_key[i] == TF_METRICS_NONE ||
	    v->listener_key[i] >= TF_METRICS_LISTENERS)
		return NULL;
	return &v->sum->listeners[v->listener_key[i]];
}

static const char *
context_name(const struct tf_config *cf, size_t i)
{
	return i < cf->ncontexts ? cf->contexts[i].name : "?";
}

static const char *
backend_name(const struct tf_config *cf, size_t i)
{
	return i < cf->nbackends ? cf->backends[i].name : "?";
}

/* The document's head, up to the opening of main. */
static void
render_head(struct page *p)
{
	page_raw(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"robots\" content=\"noindex\">\n"
	    "<title>tlsfront status</title>\n<style>\n");
	page_raw(p, page_style);
	page_raw(p, "</style>\n</head>\n<body>\n<main>\n");
}

static void
fact(struct page *p, const char *id, const char *label, const char *value)
{
	page_printf(p, "<div><dt>%s</dt><dd id=\"%s\">%s</dd></div>\n", label,
	    id, value);
}

/* Version, state, generation, uptime, workers and reloads. */
static void
render_daemon(struct page *p)
{
	const struct tf_metrics_view	*v = p->v;
	char				 buf[64], up[32];

	page_raw(p, "<header><h1>tlsfront <span class=\"version\">");
	page_text(p, v->version != NULL ? v->version : "");
	page_printf(p, "</span></h1><span id=\"state\" class=\"pill %s\">%s"
	    "</span></header>\n<dl class=\"facts\">\n",
	    v->draining ? "draining" : "serving",
	    v->draining ? "draining" : "serving");
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v->generation);
	fact(p, "generation", "Generation", buf);
	format_utc(buf, sizeof(buf), v->started, true);
	fact(p, "started", "Started", buf);
	format_duration(up, sizeof(up), v->started, v->now);
	fact(p, "uptime", "Uptime", up);
	snprintf(buf, sizeof(buf), "%zu running, %zu retiring", v->workers,
	    v->workers_retiring);
	fact(p, "workers", "Workers", buf);
	snprintf(buf, sizeof(buf), "%llu ok, %llu failed",
	    (unsigned long long)v->reloads_ok,
	    (unsigned long long)v->reloads_failed);
	fact(p, "reloads", "Reloads", buf);
	if (v->last_reload == 0)
		snprintf(buf, sizeof(buf), "never");
	else
		format_utc(buf, sizeof(buf), v->last_reload, true);
	fact(p, "last-reload", "Last reload", buf);
	page_raw(p, "</dl>\n");
}

static void
card(struct page *p, const char *field, const char *label, const char *value)
{
	page_printf(p, "<div class=\"card\"><div class=\"value\" "
	    "data-field=\"%s\">%s</div><div class=\"label\">%s</div></div>\n",
	    field, value, label);
}

/* Connections over all listeners, and the handshake rates. */
static void
render_summary(struct page *p)
{
	const struct tf_metrics_view		*v = p->v;
	const struct tf_metrics_listener	*lc;
	uint64_t				 open = 0, accepted = 0;
	char					 buf[32];
	size_t					 i;

	for (i = 0; i < v->cf->nlisteners; i++) {
		if ((lc = listener_counters(v, i)) == NULL)
			continue;
		open += tf_counter_get(&lc->open);
		accepted += tf_counter_get(&lc->accepted);
	}
	page_raw(p, "<div class=\"cards\" id=\"rates\">\n");
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)open);
	card(p, "open", "Open connections", buf);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)accepted);
	card(p, "accepted", "Accepted", buf);
	format_rate(buf, sizeof(buf), v->handshake_rate);
	card(p, "handshake_rate", "Handshakes / s (1 min)", buf);
	format_rate(buf, sizeof(buf), v->failure_rate);
	card(p, "failure_rate", "Failed handshakes / s (1 min)", buf);
	page_raw(p, "</div>\n");
}

/* The failures of one listener that happened, by reason. */
static void
cell_failure_reasons(struct page *p, const struct tf_metrics_listener *lc)
{
	uint64_t	n;
	bool		any = false;
	int		f;

	page_raw(p, "<td class=\"reasons\" data-field=\"failure_reasons\">");
	for (f = 0; f < TF_HS_FAIL_N; f++) {
		if ((n = tf_counter_get(&lc->failures[f])) == 0)
			continue;
		page_printf(p, "%s%s&nbsp;%llu", any ? ", " : "",
		    tf_metrics_failure_name((enum tf_hs_failure)f),
		    (unsigned long long)n);
		any = true;
	}
	page_raw(p, any ? "</td>" : "\u2013</td>");
}

static void
listener_counts(struct page *p, const struct tf_metrics_listener *lc)
{
	uint64_t	failures = 0;
	int		f;

	for (f = 0; f < TF_HS_FAIL_N; f++)
		failures += tf_counter_get(&lc->failures[f]);
	cell_count(p, "open", tf_counter_get(&lc->open));
	cell_count(p, "accepted", tf_counter_get(&lc->accepted));
	cell_count(p, "handshakes", tf_counter_get(&lc->handshakes));
	cell_count(p, "resumed", tf_counter_get(&lc->resumed));
	cell_count(p, "failures", failures);
	cell_failure_reasons(p, lc);
	cell_bytes(p, "bytes_in", tf_counter_get(&lc->bytes_in));
	cell_bytes(p, "bytes_out", tf_counter_get(&lc->bytes_out));
}

static void
render_listeners(struct page *p)
{
	static const char *const heads[] = { "Listener", "State", "Context",
	    "Backend", "#Open", "#Accepted", "#Full handshakes", "#Resumed",
	    "#Failed", "Failure reasons", "#Bytes in", "#Bytes out" };
	const struct tf_metrics_view		*v = p->v;
	const struct tf_listener_conf		*l;
	const struct tf_metrics_listener	*lc;
	bool					 up;
	size_t					 i;

	table_open(p, "Listeners", "listeners", heads, 12);
	for (i = 0; i < v->cf->nlisteners; i++) {
		l = &v->cf->listeners[i];
		up = v->listener_up != NULL && v->listener_up[i];
		page_raw(p, "<tr data-listener=\"");
		page_text(p, tf_metrics_listener_name(l));
		page_raw(p, "\"><td class=\"name\">");
		page_text(p, tf_metrics_listener_name(l));
		page_printf(p, "</td><td class=\"%s\" data-field=\"state\">%s"
		    "</td><td>", up ? "up" : "down", up ? "up" : "down");
		page_text(p, context_name(v->cf, l->context));
		page_raw(p, "</td><td>");
		page_text(p, backend_name(v->cf, l->backend));
		page_raw(p, "</td>");
		if ((lc = listener_counters(v, i)) != NULL)
			listener_counts(p, lc);
		else
			page_raw(p, "<td colspan=\"8\" class=\"muted\" "
			    "data-field=\"not_counted\">not counted (more "
			    "listener names than metric keys)</td>");
		page_raw(p, "</tr>\n");
	}
	if (v->cf->nlisteners == 0)
		table_empty(p, 12, "no listeners");
	table_close(p);
	page_raw(p, "</section>\n");
}

static void
render_cert(struct page *p, const struct tf_metrics_cert *c)
{
	long long	 days;
	const char	*cls;
	char		 date[32], full[32];

	days = tf_status_page_days_left(c->not_after, p->v->now);
	cls = days < 0 ? " class=\"expired\"" :
	    days < TF_STATUS_EXPIRING_DAYS ? " class=\"expiring\"" : "";
	page_printf(p, "<tr%s data-context=\"", cls);
	page_text(p, context_name(p->v->cf, c->context));
	page_raw(p, "\" data-file=\"");
	page_text(p, c->file);
	page_raw(p, "\"><td>");
	page_text(p, context_name(p->v->cf, c->context));
	page_raw(p, "</td><td class=\"subject\" data-field=\"subject\">");
	page_text(p, c->subject);
	page_raw(p, "</td><td class=\"name\">");
	page_text(p, c->key_type);
	format_utc(date, sizeof(date), c->not_after, false);
	format_utc(full, sizeof(full), c->not_after, true);
	page_printf(p, "</td><td class=\"num\" title=\"%s\">%s</td>"
	    "<td class=\"num days\">%lld</td></tr>\n", full, date, days);
}

static void
render_certificates(struct page *p)
{
	static const char *const heads[] = { "Context", "Subject", "Key",
	    "#Not after", "#Days left" };
	size_t	j;

	table_open(p, "Certificates", "certificates", heads, 5);
	for (j = 0; j < p->v->ncerts; j++)
		render_cert(p, &p->v->certs[j]);
	if (p->v->ncerts == 0)
		table_empty(p, 5, "no certificates");
	table_close(p);
	page_printf(p, "<p class=\"note\">Highlighted: fewer than %d days "
	    "left; red: expired.</p></section>\n", TF_STATUS_EXPIRING_DAYS);
}

/* A numeric column's head that may wrap after its underscores. */
static void
th_breakable(struct page *p, const char *name)
{
	const char	*u;

	page_raw(p, "<th class=\"num\">");
	while ((u = strchr(name, '_')) != NULL) {
		page_printf(p, "%.*s_<wbr>", (int)(u - name), name);
		name = u + 1;
	}
	page_printf(p, "%s</th>", name);
}

/* One context's session_stats() cells, or "not counted". */
static void
context_stats(struct page *p, size_t i)
{
	const struct tf_metrics_view	*v = p->v;
	uint32_t			 key = TF_METRICS_NONE;
	int				 s;

	if (v->context_key != NULL)
		key = v->context_key[i];
	if (v->sum == NULL || key >= TF_METRICS_CONTEXTS) {
		page_printf(p, "<td colspan=\"%d\" class=\"muted\" "
		    "data-field=\"not_counted\">not counted</td>", TF_SESS_N);
		return;
	}
	for (s = 0; s < TF_SESS_N; s++)
		cell_count(p, tf_metrics_sess_name((enum tf_sess_stat)s),
		    tf_counter_get(&v->sum->sessions[key][s]));
}

/* Each context's session_stats(), as Python's SSLContext reports them. */
static void
render_contexts(struct page *p)
{
	const struct tf_config	*cf = p->v->cf;
	size_t			 i;
	int			 s;

	page_raw(p, "<section><h2>Contexts: session statistics</h2>\n"
	    "<div class=\"scroll\"><table id=\"contexts\">\n"
	    "<thead><tr><th>Context</th>");
	for (s = 0; s < TF_SESS_N; s++)
		th_breakable(p, tf_metrics_sess_name((enum tf_sess_stat)s));
	page_raw(p, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < cf->ncontexts; i++) {
		page_raw(p, "<tr data-context=\"");
		page_text(p, cf->contexts[i].name);
		page_raw(p, "\"><td>");
		page_text(p, cf->contexts[i].name);
		page_raw(p, "</td>");
		context_stats(p, i);
		page_raw(p, "</tr>\n");
	}
	table_close(p);
	page_raw(p, "</section>\n");
}

static void
render_server(struct page *p, const struct tf_metrics_server *sv)
{
	const struct tf_config		*cf = p->v->cf;
	const struct tf_backend_conf	*b = NULL;

	if (sv->backend < cf->nbackends)
		b = &cf->backends[sv->backend];
	page_raw(p, "<tr data-backend=\"");
	page_text(p, b != NULL ? b->name : "?");
	page_raw(p, "\" data-server=\"");
	page_text(p, b != NULL && sv->server < b->nservers ?
	    b->server_names[sv->server] : "?");
	page_raw(p, "\"><td>");
	page_text(p, b != NULL ? b->name : "?");
	page_raw(p, "</td><td class=\"name\">");
	page_text(p, b != NULL && sv->server < b->nservers ?
	    b->server_names[sv->server] : "?");
	page_printf(p, "</td><td class=\"%s\" data-field=\"state\">%s</td>",
	    sv->up ? "up" : "down", sv->up ? "up" : "down");
	cell_count(p, "connect_failures", sv->connect_failures);
	page_raw(p, "</tr>\n");
}

static void
render_backends(struct page *p)
{
	static const char *const heads[] = { "Backend", "Server", "State",
	    "#Connect failures" };
	size_t	k;

	table_open(p, "Backends", "backends", heads, 4);
	for (k = 0; k < p->v->nservers; k++)
		render_server(p, &p->v->servers[k]);
	if (p->v->nservers == 0)
		table_empty(p, 4, "no backend servers");
	table_close(p);
	page_printf(p, "<p class=\"note\" id=\"no-backend\">Connections "
	    "closed because no server answered: <span data-field="
	    "\"no_backend\">%llu</span></p></section>\n",
	    (unsigned long long)(p->v->sum != NULL ?
	    tf_counter_get(&p->v->sum->no_backend) : 0));
}

static void
render_limits(struct page *p)
{
	static const char *const heads[] = { "Limit", "#Setting", "#Hits" };
	const struct tf_metrics_view	*v = p->v;
	int				 k;

	table_open(p, "Limits", "limits", heads, 3);
	for (k = 0; k < TF_LIMIT_N; k++) {
		page_printf(p, "<tr data-limit=\"%s\"><td class=\"name\">%s"
		    "</td>", tf_metrics_limit_name((enum tf_limit_kind)k),
		    tf_metrics_limit_name((enum tf_limit_kind)k));
		if (v->limits[k] == 0)
			page_raw(p, "<td class=\"num muted\" "
			    "data-field=\"setting\">off</td>");
		else
			cell_count(p, "setting", v->limits[k]);
		cell_count(p, "hits", v->sum != NULL ?
		    tf_counter_get(&v->sum->limit_hits[k]) : 0);
		page_raw(p, "</tr>\n");
	}
	table_close(p);
	page_raw(p, "</section>\n");
}

static void
render_foot(struct page *p)
{
	char	now[32];

	format_utc(now, sizeof(now), p->v->now, true);
	page_printf(p, "<footer>Rendered %s. Counters add up every worker "
	    "since the start, across reloads; the same figures for Prometheus "
	    "are at <a href=\"/metrics\">/metrics</a>.</footer>\n"
	    "</main>\n</body>\n</html>\n", now);
}

int
tf_status_page_render(struct evbuffer *out, const struct tf_metrics_view *v)
{
	struct page	p = { .out = out, .v = v, .failed = false };

	render_head(&p);
	render_daemon(&p);
	render_summary(&p);
	render_listeners(&p);
	render_certificates(&p);
	render_contexts(&p);
	render_backends(&p);
	render_limits(&p);
	render_foot(&p);
	return p.failed ? -1 : 0;
}
