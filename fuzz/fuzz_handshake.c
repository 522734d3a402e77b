/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront fuzzing: the server side of the TLS handshake as tlsfrontd runs
 * it: an SSL of a context built by lib/context.c, behind lib/side.c's own
 * BIO, fed the input as the client's bytes through a socketpair; then the
 * access line of what the handshake showed (the client's SNI included).
 *
 * Input: one byte, then the client's records. The byte's low two bits
 * choose the context (modulo their number); its high six, times 8, are
 * how many bytes the client sends first (0: all), the rest arriving once
 * the server waits for them, then the client's FIN: a record split across
 * reads goes through the BIO's short-read path as in the daemon.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "access_line.h"
#include "config.h"
#include "context.h"
#include "errs.h"
#include "fuzz.h"
#include "log.h"
#include "selfsigned.h"
#include "side.h"

/* Handshake steps per input: each read or flush is one. */
#define FUZZ_MAX_STEPS	16

/*
 * The contexts: Python's server defaults; one with every version,
 * OpenSSL's default suites, ALPN, client certificates asked for and
 * tickets; a fixed TLS 1.2 one with a cipher list and curve of its own.
 */
static const char fuzz_conf_fmt[] =
    "contexts = {\n"
    "  defaults = {\n"
    "    cert_chain = ( { certfile = \"%1$s\"; keyfile = \"%2$s\"; } );\n"
    "  };\n"
    "  wide = {\n"
    "    protocol = \"PROTOCOL_TLS_SERVER\";\n"
    "    default_suites = \"openssl\";\n"
    "    minimum_version = \"MINIMUM_SUPPORTED\";\n"
    "    options = [ \"OP_CIPHER_SERVER_PREFERENCE\", \"!OP_NO_TICKET\" ];\n"
    "    cert_chain = ( { certfile = \"%1$s\"; keyfile = \"%2$s\"; } );\n"
    "    alpn_protocols = [ \"h2\", \"http/1.1\" ];\n"
    "    verify_mode = \"CERT_OPTIONAL\";\n"
    "    verify_locations = { cafile = \"%1$s\"; };\n"
    "    num_tickets = 2;\n"
    "    post_handshake_auth = true;\n"
    "  };\n"
    "  tls12 = {\n"
    "    protocol = \"PROTOCOL_TLSv1_2\";\n"
    "    ciphers = \"ECDHE+AESGCM:ECDHE+CHACHA20\";\n"
    "    ecdh_curve = \"prime256v1\";\n"
    "    cert_chain = ( { certfile = \"%1$s\"; keyfile = \"%2$s\"; } );\n"
    "  };\n"
    "};\n"
    "listeners = ( { listen = \"127.0.0.1:8443\"; context = \"defaults\";\n"
    "  backend = \"app\"; } );\n"
    "backends = { app = { servers = [ \"127.0.0.1:8080\" ]; }; };\n";

#define FUZZ_NCTX	3

static SSL_CTX	*fuzz_ctx[FUZZ_NCTX];

/* Build every context of the configuration; fatal on any error. */
static void
fuzz_contexts(const char *text)
{
	struct tf_errs		 errs;
	struct tf_config	*cf;
	size_t			 i;

	tf_errs_init(&errs);
	if ((cf = tf_config_load_string(text, "<fuzz>", &errs)) == NULL ||
	    cf->ncontexts != FUZZ_NCTX)
		tf_fatalx("fuzz_handshake: %s", tf_errs_count(&errs) > 0 ?
		    tf_errs_get(&errs, 0) : "wrong number of contexts");
	for (i = 0; i < FUZZ_NCTX; i++) {
		fuzz_ctx[i] = tf_context_build(&cf->contexts[i], cf->file,
		    &errs);
		if (fuzz_ctx[i] == NULL)
			tf_fatalx("fuzz_handshake: %s", tf_errs_get(&errs, 0));
	}
	tf_config_free(cf);
	tf_errs_free(&errs);
}

static void
fuzz_cleanup(void)
{
	size_t	i;

	for (i = 0; i < FUZZ_NCTX; i++)
		SSL_CTX_free(fuzz_ctx[i]);
	tf_access_record_free();
}

/*
 * A certificate made in a temporary directory (removed again once the
 * contexts have loaded it) and the contexts built from it.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct tf_errs	 errs;
	char		 dir[PATH_MAX], cert[PATH_MAX + 16], key[PATH_MAX + 16];
	char		*text;
	const char	*tmp;

	(void)argc;
	(void)argv;
	tf_log_open("fuzz_handshake", TF_LOG_TARGET_STDERR, TF_LOG_ERR);
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/tf_fuzz_handshake.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL)
		tf_fatal("fuzz_handshake: mkdtemp %s", dir);
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	tf_errs_init(&errs);
	if (tf_selfsigned_write("localhost", 3650, cert, key, &errs) == -1)
		tf_fatalx("fuzz_handshake: %s", tf_errs_get(&errs, 0));
	tf_errs_free(&errs);
	if (asprintf(&text, fuzz_conf_fmt, cert, key) == -1)
		tf_fatal("asprintf");
	fuzz_contexts(text);
	free(text);
	unlink(cert);
	unlink(key);
	rmdir(dir);
	atexit(fuzz_cleanup);
	return 0;
}

/* The client: its bytes, sent in two parts, then its FIN. */
struct fuzz_client {
	int		 fd;
	const uint8_t	*data;
	size_t		 size;
	size_t		 sent;
	bool		 fin;
};

/* Write up to end of the client's bytes; what does not fit is cut. */
static void
fuzz_send(struct fuzz_client *c, size_t end)
{
	ssize_t	n;

	while (c->sent < end &&
	    (n = write(c->fd, c->data + c->sent, end - c->sent)) > 0)
		c->sent += (size_t)n;
	c->sent = end;
}

/*
 * The server waits to read: send the rest, or end the stream. Returns the
 * readiness the event loop would report, 0 if the client has no more.
 */
static unsigned
fuzz_client_next(struct fuzz_client *c)
{
	if (c->sent < c->size) {
		fuzz_send(c, c->size);
		return TF_IO_READ;
	}
	if (c->fin)
		return 0;
	shutdown(c->fd, SHUT_WR);
	c->fin = true;
	return TF_IO_READ | TF_IO_FIN;
}

/* Read and drop what the server sent, so that it never blocks on us. */
static void
fuzz_drain(int fd)
{
	char	buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		continue;
}

/*
 * Drive the handshake as daemon/conn.c does: run it, and when it waits,
 * report the readiness it waits for once the client gave it. Returns
 * tf_side_handshake's last result.
 */
static int
fuzz_run(struct tf_side *s, struct fuzz_client *c)
{
	unsigned	what;
	int		r = -1, step;

	for (step = 0; step < FUZZ_MAX_STEPS; step++) {
		if ((r = tf_side_handshake(s)) != 0)
			break;
		fuzz_drain(c->fd);
		if (s->out_block)
			what = TF_IO_WRITE;
		else if (s->read_block != 0)
			what = fuzz_client_next(c);
		else
			what = 0;
		if (what == 0)
			break;
		(void)tf_side_wake(s, what);
	}
	return r;
}

/* The access line of the attempt, in both formats. */
static void
fuzz_access(SSL *ssl, bool handshaken)
{
	struct tf_access_record	rec;
	char			line[TF_ACCESS_LINE_MAX];

	memset(&rec, 0, sizeof(rec));
	snprintf(rec.client, sizeof(rec.client), "127.0.0.1:40000");
	rec.listen = tf_access_str("127.0.0.1:8443");
	rec.backend = tf_access_str("app");
	rec.server = tf_access_str(NULL);
	tf_access_record_tls(&rec, ssl, handshaken);
	rec.hs_ms = 1;
	rec.end = handshaken ? "closed" : "handshake_error";
	(void)tf_access_format(&rec, false, line, sizeof(line));
	(void)tf_access_format(&rec, true, line, sizeof(line));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_client	 client;
	struct tf_side		 side;
	SSL			*ssl;
	size_t			 first;
	int			 sv[2], r;

	if (size < 1)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    sv) == -1)
		tf_fatal("fuzz_handshake: socketpair");
	if ((ssl = SSL_new(fuzz_ctx[(data[0] & 3) % FUZZ_NCTX])) == NULL ||
	    tf_side_init_tls(&side, TF_SIDE_CLIENT, sv[0], ssl) == -1)
		tf_fatalx("fuzz_handshake: SSL_new");
	/* As conn.c does: the ClientHello gate looks at the bytes first. */
	tf_side_limit_hello(&side, TF_DEFAULT_CLIENT_HELLO);
	SSL_set_accept_state(ssl);
	client = (struct fuzz_client){ sv[1], data + 1, size - 1, 0, false };
	first = (size_t)(data[0] >> 2) * 8;
	fuzz_send(&client, first > 0 && first < client.size ? first :
	    client.size);
	r = fuzz_run(&side, &client);
	fuzz_access(ssl, r == 1);
	tf_side_close(&side, r == 1);
	tf_side_free(&side);
	close(sv[1]);
	ERR_clear_error();
	return 0;
}
