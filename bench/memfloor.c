/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * memfloor: what OpenSSL keeps per idle TLS server connection, and what a
 * different allocator would make of it.
 *
 * Builds tlsfrontd's server context from a configuration text (the one
 * bench/run writes: TLS 1.3 suites with AES-128-GCM first, Python's
 * defaults, two tickets, SSL_MODE_RELEASE_BUFFERS) through libtlsfront,
 * then for each of N socketpairs: SSL_new, SSL_set_read_ahead, the
 * handshake, one small request read and one response written, and one
 * more SSL_read that finds nothing (where a tlsfrontd connection rests).
 * The client side runs in a forked child, so its allocations neither count
 * nor fragment the server's heap; it frees each client SSL once the
 * response is read and keeps the socket open, so no server sees EOF.
 *
 *   memfloor -c CERT -k KEY [-n N] [-m track|rss]
 *
 * -m track (default): CRYPTO_set_mem_functions wrappers record every
 * OpenSSL allocation made during the N connections (after a warm-up of
 * MF_WARMUP) that is still live at the end, and print per connection the
 * live allocations by OpenSSL source line, then by size: count, requested
 * bytes, glibc chunk bytes (malloc_usable_size + 8), and the bytes of a
 * header-less allocator with 16-byte size classes up to 1 KiB; the last
 * line adds the floor (requests rounded to 8 bytes: no header, no slack).
 * -m rss: no wrappers; the Pss delta per connection, with malloc_trim(0)
 * before each reading as tlsfrontd does when quiet.
 * N connections need 2 N descriptors. Output: tables, then one line of
 * key=value pairs.
 */

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "config.h"
#include "context.h"
#include "errs.h"

#define MF_WARMUP	16
#define MF_TABLE_BITS	22		/* 4 M slots: far more than live */
#define MF_HIST_MAX	4096		/* sizes above share one bucket */
#define MF_CLASS_MAX	1024		/* largest size class modelled */

#define MF_REQUEST	"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
#define MF_RESPONSE	"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

/* One live OpenSSL allocation (track mode). */
struct mf_slot {
	void		*ptr;
	size_t		 size;
	const char	*file;		/* where OpenSSL allocated it */
	int		 line;
};

static struct mf_slot	*mf_table;
static bool		 mf_tracking;

static void
die(const char *msg)
{
	fprintf(stderr, "memfloor: %s\n", msg);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static size_t
mf_hash(const void *p)
{
	uint64_t	h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> (64 - MF_TABLE_BITS));
}

static void
mf_insert(void *p, size_t size, const char *file, int line)
{
	size_t	mask = ((size_t)1 << MF_TABLE_BITS) - 1, i;

	for (i = mf_hash(p); mf_table[i].ptr != NULL; i = (i + 1) & mask)
		;
	mf_table[i].ptr = p;
	mf_table[i].size = size;
	mf_table[i].file = file;
	mf_table[i].line = line;
}

/* Remove p if recorded (linear probing, backward-shift deletion). */
static void
mf_remove(void *p)
{
	size_t	mask = ((size_t)1 << MF_TABLE_BITS) - 1, i, j, k;

	for (i = mf_hash(p); mf_table[i].ptr != p; i = (i + 1) & mask)
		if (mf_table[i].ptr == NULL)
			return;
	for (j = i;;) {
		mf_table[i].ptr = NULL;
		for (;;) {
			j = (j + 1) & mask;
			if (mf_table[j].ptr == NULL)
				return;
			k = mf_hash(mf_table[j].ptr);
			/* Move j back to i unless its home lies in (i, j]. */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		mf_table[i] = mf_table[j];
		i = j;
	}
}

static void *
mf_malloc(size_t n, const char *file, int line)
{
	void	*p;

	if ((p = malloc(n)) != NULL && mf_tracking)
		mf_insert(p, n, file, line);
	return p;
}

static void *
mf_realloc(void *old, size_t n, const char *file, int line)
{
	void	*p;

	if (old != NULL)
		mf_remove(old);
	if ((p = realloc(old, n)) != NULL && mf_tracking)
		mf_insert(p, n, file, line);
	return p;
}

static void
mf_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	if (p != NULL)
		mf_remove(p);
	free(p);
}

static long
mf_pss_kib(void)
{
	FILE	*f;
	char	 line[256];
	long	 kib = -1;

	malloc_trim(0);
	if ((f = fopen("/proc/self/smaps_rollup", "r")) == NULL)
		die("/proc/self/smaps_rollup");
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Pss: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static SSL_CTX *
mf_server_ctx(const char *cert, const char *key)
{
	struct tf_errs		 errs;
	struct tf_config	*cf;
	SSL_CTX			*ctx;
	char			 text[2048];
	size_t			 i;

	/* bench/run's tlsfrontd configuration, context part. */
	snprintf(text, sizeof(text),
	    "contexts = { default = {\n"
	    "  ciphers = \"ECDHE-ECDSA-AES128-GCM-SHA256:"
	    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
	    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
	    "ECDHE-RSA-CHACHA20-POLY1305\";\n"
	    "  ciphersuites = \"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
	    "TLS_CHACHA20_POLY1305_SHA256\";\n"
	    "  cert_chain = ( { certfile = \"%s\"; keyfile = \"%s\"; } );\n"
	    "}; };\n"
	    "listeners = ( { listen = \"127.0.0.1:1\"; context = \"default\";"
	    " backend = \"app\"; } );\n"
	    "backends = { app = { servers = [ \"127.0.0.1:2\" ]; }; };\n",
	    cert, key);
	tf_errs_init(&errs);
	if ((cf = tf_config_load_string(text, "<memfloor>", &errs)) == NULL ||
	    (ctx = tf_context_build(&cf->contexts[0], cf->file, &errs)) ==
	    NULL) {
		for (i = 0; i < tf_errs_count(&errs); i++)
			fprintf(stderr, "%s\n", tf_errs_get(&errs, i));
		exit(1);
	}
	tf_errs_free(&errs);
	tf_config_free(cf);
	return ctx;
}

/* The client side, in the child: hsload's hold mode, one at a time. */
static void
mf_client(const int *fds, int n, int quit_fd)
{
	SSL_CTX	*ctx;
	SSL	*s;
	char	 buf[256], c;
	int	 i, r;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		die("SSL_CTX_new client");
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:"
	    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256") ||
	    !SSL_CTX_set1_groups_list(ctx, "X25519:P-256"))
		die("client context");
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	for (i = 0; i < n; i++) {
		if ((s = SSL_new(ctx)) == NULL || !SSL_set_fd(s, fds[i]))
			die("client SSL_new");
		if (SSL_connect(s) != 1 ||
		    SSL_write(s, MF_REQUEST, sizeof(MF_REQUEST) - 1) <= 0)
			die("client handshake");
		for (r = 0; r < (int)sizeof(MF_RESPONSE) - 1;) {
			int k = SSL_read(s, buf, sizeof(buf));

			if (k <= 0)
				die("client read");
			r += k;
		}
		SSL_free(s);
	}
	SSL_CTX_free(ctx);
	/* Keep the sockets open until the parent is done. */
	(void)read(quit_fd, &c, 1);
	_exit(0);
}

/* One server connection, up to where a tlsfrontd connection idles. */
static SSL *
mf_server_one(SSL_CTX *ctx, int fd)
{
	SSL	*s;
	char	 buf[256];
	size_t	 got = 0;
	int	 k;

	if ((s = SSL_new(ctx)) == NULL || !SSL_set_fd(s, fd))
		die("server SSL_new");
	SSL_set_accept_state(s);
	SSL_set_read_ahead(s, 1);
	if (SSL_do_handshake(s) != 1)
		die("server handshake");
	while (got < sizeof(MF_REQUEST) - 1) {
		if ((k = SSL_read(s, buf, sizeof(buf))) <= 0)
			die("server read");
		got += (size_t)k;
	}
	if (SSL_write(s, MF_RESPONSE, sizeof(MF_RESPONSE) - 1) <= 0)
		die("server write");
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (SSL_read(s, buf, sizeof(buf)) > 0 ||
	    SSL_get_error(s, -1) != SSL_ERROR_WANT_READ)
		die("server: unexpected data or EOF on an idle connection");
	return s;
}

/* Run n connections; returns the server SSLs (the caller frees). */
static SSL **
mf_run(SSL_CTX *ctx, int n)
{
	SSL	**ssl;
	int	 *sfd, *cfd, quit[2], sv[2], i;
	pid_t	  pid;

	if ((ssl = calloc((size_t)n, sizeof(*ssl))) == NULL ||
	    (sfd = calloc((size_t)n, sizeof(*sfd))) == NULL ||
	    (cfd = calloc((size_t)n, sizeof(*cfd))) == NULL)
		die("calloc");
	for (i = 0; i < n; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
			die("socketpair (raise ulimit -n: 2 per connection)");
		sfd[i] = sv[0];
		cfd[i] = sv[1];
	}
	if (pipe(quit) == -1 || (pid = fork()) == -1)
		die("pipe/fork");
	if (pid == 0) {
		close(quit[1]);
		for (i = 0; i < n; i++)
			close(sfd[i]);
		mf_client(cfd, n, quit[0]);
	}
	close(quit[0]);
	for (i = 0; i < n; i++)
		close(cfd[i]);
	for (i = 0; i < n; i++)
		ssl[i] = mf_server_one(ctx, sfd[i]);
	close(quit[1]);
	waitpid(pid, NULL, 0);
	free(sfd);
	free(cfd);
	return ssl;
}

static void
mf_free_all(SSL **ssl, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		close(SSL_get_fd(ssl[i]));
		SSL_free(ssl[i]);
	}
	free(ssl);
}

static int
mf_site_cmp(const void *a, const void *b)
{
	const struct mf_slot	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->file != NULL ? x->file : "?",
	    y->file != NULL ? y->file : "?")) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->size < y->size ? -1 : x->size > y->size;
}

/* Live allocations grouped by OpenSSL source line and size. */
static void
mf_sites(int n)
{
	struct mf_slot	*v;
	size_t		 mask = ((size_t)1 << MF_TABLE_BITS) - 1, i, j, k = 0;

	if ((v = malloc(sizeof(*v) << MF_TABLE_BITS)) == NULL)
		die("malloc");
	for (i = 0; i <= mask; i++)
		if (mf_table[i].ptr != NULL)
			v[k++] = mf_table[i];
	qsort(v, k, sizeof(*v), mf_site_cmp);
	printf("%10s %8s  %s\n", "count/conn", "size", "allocated at");
	for (i = 0; i < k; i = j) {
		for (j = i + 1; j < k && mf_site_cmp(&v[i], &v[j]) == 0; j++)
			;
		if ((j - i) * 10 >= (size_t)n)
			printf("%10.2f %8zu  %s:%d\n", (double)(j - i) / n,
			    v[i].size, v[i].file != NULL ? v[i].file : "?",
			    v[i].line);
	}
	free(v);
}

/* glibc's chunk for a request: 8-byte header, 16-byte steps, 32 minimum. */
static size_t
mf_glibc_chunk(size_t n)
{
	return n + 8 < 32 ? 32 : (n + 8 + 15) & ~(size_t)15;
}

/*
 * What a header-less size-class allocator would use: requests up to
 * MF_CLASS_MAX in 16-byte classes (8 for 1-8 bytes), larger ones left
 * to glibc.
 */
static size_t
mf_class_size(size_t n)
{
	if (n > MF_CLASS_MAX)
		return mf_glibc_chunk(n);
	return n <= 8 ? 8 : (n + 15) & ~(size_t)15;
}

/* The report of track mode, from the allocations still recorded. */
static void
mf_report(int n)
{
	static size_t	cnt[MF_HIST_MAX + 1], req[MF_HIST_MAX + 1];
	static size_t	glc[MF_HIST_MAX + 1], cls[MF_HIST_MAX + 1];
	size_t		mask = ((size_t)1 << MF_TABLE_BITS) - 1, i, b;
	size_t		t_cnt = 0, t_req = 0, t_glc = 0, t_cls = 0, t_min = 0;

	for (i = 0; i <= mask; i++) {
		struct mf_slot	*e = &mf_table[i];

		if (e->ptr == NULL)
			continue;
		b = e->size < MF_HIST_MAX ? e->size : MF_HIST_MAX;
		cnt[b]++;
		req[b] += e->size;
		glc[b] += malloc_usable_size(e->ptr) + 8;
		cls[b] += mf_class_size(e->size);
		t_min += (e->size + 7) & ~(size_t)7;
	}
	printf("%8s %10s %12s %12s %12s\n", "size", "count/conn",
	    "req B/conn", "glibc B/conn", "class B/conn");
	for (b = 0; b <= MF_HIST_MAX; b++) {
		if (cnt[b] == 0)
			continue;
		printf("%7zu%s %10.2f %12.1f %12.1f %12.1f\n", b,
		    b == MF_HIST_MAX ? "+" : " ", (double)cnt[b] / n,
		    (double)req[b] / n, (double)glc[b] / n,
		    (double)cls[b] / n);
		t_cnt += cnt[b];
		t_req += req[b];
		t_glc += glc[b];
		t_cls += cls[b];
	}
	/* "floor": requests rounded to 8 bytes, no header, no slack. */
	printf("n=%d allocs_per_conn=%.1f req_bytes_per_conn=%.0f "
	    "glibc_bytes_per_conn=%.0f class_bytes_per_conn=%.0f "
	    "floor_bytes_per_conn=%.0f\n", n, (double)t_cnt / n,
	    (double)t_req / n, (double)t_glc / n, (double)t_cls / n,
	    (double)t_min / n);
}

static void
usage(void)
{
	fprintf(stderr, "usage: memfloor -c CERT -k KEY [-n N] "
	    "[-m track|rss]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char	*cert = NULL, *key = NULL, *mode = "track";
	SSL_CTX		*ctx;
	SSL		**ssl;
	long		 before, after;
	int		 n = 2000, ch;

	while ((ch = getopt(argc, argv, "c:k:n:m:")) != -1) {
		switch (ch) {
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'm':
			mode = optarg;
			break;
		default:
			usage();
		}
	}
	if (cert == NULL || key == NULL || n < 1 ||
	    (strcmp(mode, "track") != 0 && strcmp(mode, "rss") != 0))
		usage();
	/* Before OpenSSL allocates anything. */
	if (strcmp(mode, "track") == 0) {
		mf_table = mmap(NULL, sizeof(*mf_table) << MF_TABLE_BITS,
		    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_NORESERVE, -1, 0);
		if (mf_table == MAP_FAILED ||
		    !CRYPTO_set_mem_functions(mf_malloc, mf_realloc, mf_free))
			die("tracking allocator");
	}
	ctx = mf_server_ctx(cert, key);
	/* Lazy initialisation (providers, caches) is not per connection. */
	mf_free_all(mf_run(ctx, MF_WARMUP), MF_WARMUP);
	before = mf_pss_kib();
	mf_tracking = true;
	ssl = mf_run(ctx, n);
	mf_tracking = false;
	after = mf_pss_kib();
	if (strcmp(mode, "track") == 0) {
		mf_sites(n);
		mf_report(n);
	}
	else
		printf("n=%d pss_before_kib=%ld pss_after_kib=%ld "
		    "kib_per_conn=%.2f\n", n, before, after,
		    (double)(after - before) / n);
	mf_free_all(ssl, n);
	SSL_CTX_free(ctx);
	return 0;
}
