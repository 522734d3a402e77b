/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: PROXY protocol headers on the sockets (proxy_header.h): taken
 * from a load balancer before the handshake, sent to a backend before the
 * relay.
 */
#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "access.h"
#include "addr.h"
#include "log.h"
#include "proxy_header.h"

bool
tf_proxy_in_allowed(struct event_base *base, const char *listener,
    const struct tf_listener_conf *conf, const struct sockaddr *sa,
    socklen_t salen)
{
	char	name[TF_ADDR_STRLEN];

	if (conf->accept_proxy_from == NULL ||
	    tf_cidr_match(conf->accept_proxy_from, conf->naccept_proxy_from,
	    sa))
		return true;
	if (tf_access_may_log(base, TF_ACCESS_KIND_PROXY))
		tf_log_warnx("listener %s: %s is not in accept_proxy_from; "
		    "connection closed", listener,
		    tf_addr_format_sa(sa, salen, name, sizeof(name)));
	return false;
}

void
tf_proxy_in_log(struct event_base *base, uint64_t conn,
    const struct sockaddr *peer, socklen_t peer_len, const char *why)
{
	char	name[TF_ADDR_STRLEN];

	if (tf_access_may_log(base, TF_ACCESS_KIND_PROXY))
		tf_log_warnx("conn %" PRIu64 ": %s: %s; connection closed",
		    conn, tf_addr_format_sa(peer, peer_len, name, sizeof(name)),
		    why);
}

/* Peek at what has arrived, up to the largest header: -1 on failure. */
static ssize_t
proxy_in_peek(int fd, uint8_t *buf, size_t len)
{
	ssize_t	n;

	while ((n = recv(fd, buf, len, MSG_PEEK | MSG_DONTWAIT)) == -1 &&
	    errno == EINTR)
		continue;
	return n;
}

int
tf_proxy_in_read(struct tf_side *s, struct tf_proxy_header *h,
    const char **why)
{
	uint8_t	buf[TF_PROXY_MAX];
	ssize_t	n;

	n = proxy_in_peek(s->fd, buf, sizeof(buf));
	if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
		*why = "PROXY header: read from client failed";
		return -1;
	}
	if (n == 0 || (n == -1 && s->fin)) {
		*why = "no PROXY header: the client closed the connection";
		return -1;
	}
	switch (tf_proxy_decode(buf, n == -1 ? 0 : (size_t)n, h)) {
	case TF_PROXY_ERROR:
		*why = h->error;
		return -1;
	case TF_PROXY_NEED_MORE:
		/* Bytes or a FIN after this raise a new edge. */
		if (s->fin) {
			*why = "PROXY header cut short: the client closed the "
			    "connection";
			return -1;
		}
		s->read_block = TF_IO_READ;
		return 0;
	case TF_PROXY_DONE:
		break;
	}
	h->tlvs = NULL;
	h->tlvs_len = 0;
	/* All of it is in the socket already: take exactly the header. */
	while ((n = recv(s->fd, buf, h->len, MSG_DONTWAIT)) == -1 &&
	    errno == EINTR)
		continue;
	if (n != (ssize_t)h->len) {
		*why = "PROXY header: read from client failed";
		return -1;
	}
	return 1;
}

/* A CN longer than this is left out, so that a header always fits in
 * PROXY_OUT_MAX: with the other TLVs at their largest (ALPN and SNI 255
 * bytes each, the rest below 200) it stays under 2 KB. */
#define PROXY_CN_MAX	1024
#define PROXY_OUT_MAX	4096

/* The Common Name of x's subject as UTF-8 (OPENSSL_free), or NULL. */
static char *
proxy_cert_cn(X509 *x)
{
	X509_NAME	*name = X509_get_subject_name(x);
	unsigned char	*utf8 = NULL;
	int		 i, n;

	i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	if (i < 0 || (n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(name, i)))) < 0) {
		ERR_clear_error();
		return NULL;
	}
	if (n > PROXY_CN_MAX || memchr(utf8, '\0', (size_t)n) != NULL) {
		OPENSSL_free(utf8);
		return NULL;
	}
	return (char *)utf8;
}

/*
 * The key algorithm of our own certificate as HAProxy names it
 * (cert_get_pkey_algo): "RSA2048", "EC256", "DSA2048"; NULL otherwise.
 */
static const char *
proxy_key_alg(X509 *x, char *buf, size_t len)
{
	EVP_PKEY	*pkey = X509_get0_pubkey(x);
	const char	*kind;

	if (pkey == NULL)
		return NULL;
	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_RSA:
		kind = "RSA";
		break;
	case EVP_PKEY_EC:
		kind = "EC";
		break;
	case EVP_PKEY_DSA:
		kind = "DSA";
		break;
	default:
		return NULL;
	}
	snprintf(buf, len, "%s%d", kind, EVP_PKEY_get_bits(pkey));
	return buf;
}

/* The signature algorithm of our own certificate ("RSA-SHA256"). */
static const char *
proxy_sig_alg(X509 *x)
{
	const ASN1_OBJECT	*alg;
	int			 nid;

	X509_ALGOR_get0(&alg, NULL, NULL, X509_get0_tbs_sigalg(x));
	nid = OBJ_obj2nid(alg);
	return nid == NID_undef ? NULL : OBJ_nid2sn(nid);
}

/*
 * The PP2_TYPE_SSL TLV. verify is 0 only for a client certificate that
 * was verified, non-zero otherwise (the spec's words; HAProxy sends 0
 * when there is no certificate). *cn is allocated: OPENSSL_free.
 */
static void
proxy_ssl_tlv(SSL *ssl, struct tf_proxy_ssl *t, char **cn, char *keybuf,
    size_t keylen)
{
	X509	*peer = SSL_get0_peer_certificate(ssl);
	X509	*own = SSL_get_certificate(ssl);

	t->present = true;
	t->client = TF_PP2_CLIENT_SSL;
	t->version = SSL_get_version(ssl);
	t->cipher = SSL_get_cipher_name(ssl);
	t->verify = 1;
	if (peer != NULL) {
		t->client |= TF_PP2_CLIENT_CERT_SESS;
		if (!SSL_session_reused(ssl))
			t->client |= TF_PP2_CLIENT_CERT_CONN;
		t->verify = (uint32_t)SSL_get_verify_result(ssl);
		t->cn = *cn = proxy_cert_cn(peer);
	}
	if (own != NULL) {
		t->sig_alg = proxy_sig_alg(own);
		t->key_alg = proxy_key_alg(own, keybuf, keylen);
	}
}

/* The local address of fd into a; NULL if it cannot be had. */
static const struct sockaddr *
proxy_local(int fd, union tf_proxy_addr *a)
{
	socklen_t	len = sizeof(*a);

	if (getsockname(fd, &a->sa, &len) == -1)
		return NULL;
	return &a->sa;
}

/* Encode the v2 header of oc with b's TLV groups; 0 if it did not fit. */
static size_t
proxy_encode_v2(const struct tf_backend_conf *b,
    const struct tf_proxy_out_conn *oc, struct tf_proxy_info *info,
    uint8_t *buf, size_t size)
{
	const unsigned char	*alpn = NULL;
	unsigned int		 alpn_len = 0;
	const char		*sni;
	char			 id[24], key[32], *cn = NULL;
	size_t			 n;
	unsigned		 tlvs = b->proxy_protocol_tlvs;

	/* TLS that was not ours to end has no TLS facts to pass on. */
	if (oc->ssl == NULL)
		tlvs &= TF_PROXY_TLV_UNIQUE_ID;
	if (tlvs & TF_PROXY_TLV_ALPN) {
		SSL_get0_alpn_selected(oc->ssl, &alpn, &alpn_len);
		if (alpn_len > 0)
			info->alpn = (struct tf_proxy_bytes){ alpn, alpn_len };
	}
	if ((tlvs & TF_PROXY_TLV_AUTHORITY) &&
	    (sni = SSL_get_servername(oc->ssl, TLSEXT_NAMETYPE_host_name)) !=
	    NULL)
		info->authority = (struct tf_proxy_bytes){ sni, strlen(sni) };
	if (tlvs & TF_PROXY_TLV_UNIQUE_ID) {
		snprintf(id, sizeof(id), "%" PRIu64, oc->id);
		info->unique_id = (struct tf_proxy_bytes){ id, strlen(id) };
	}
	if (tlvs & TF_PROXY_TLV_SSL)
		proxy_ssl_tlv(oc->ssl, &info->ssl, &cn, key, sizeof(key));
	n = tf_proxy_encode_v2(info, buf, size);
	OPENSSL_free(cn);
	return n;
}

/*
 * The header in front of what out may hold already (the ClientHello of a
 * connection passed through), in a buffer of the relay's sizes: the
 * relay reads a chunk into it once it is empty.
 */
static int
proxy_out_prepend(struct tf_buf *out, const uint8_t *hdr, size_t n)
{
	struct tf_buf	b = { NULL, 0, 0, 0 };

	if (tf_buf_reserve(&b, n + out->len <= TF_BUF_SMALL ? TF_BUF_SMALL :
	    TF_BUF_LARGE) == -1)
		return -1;
	memcpy(b.data, hdr, n);
	if (out->len > 0)
		memcpy(b.data + n, out->data + out->off, out->len);
	b.len = (uint32_t)(n + out->len);
	tf_buf_free(out);
	*out = b;
	return 0;
}

int
tf_proxy_out_queue(const struct tf_backend_conf *b,
    const struct tf_proxy_out_conn *oc, struct tf_buf *out,
    const char **why)
{
	struct tf_proxy_info	info;
	union tf_proxy_addr	local;
	uint8_t			hdr[PROXY_OUT_MAX];
	size_t			n;

	memset(&info, 0, sizeof(info));
	info.src = oc->src;
	info.dst = oc->dst != NULL ? oc->dst : proxy_local(oc->fd, &local);
	if (b->proxy_protocol == TF_PROXY_V1)
		n = tf_proxy_encode_v1(&info, (char *)hdr, sizeof(hdr));
	else
		n = proxy_encode_v2(b, oc, &info, hdr, sizeof(hdr));
	if (n == 0) {
		*why = "PROXY header too large";
		return -1;
	}
	if (proxy_out_prepend(out, hdr, n) == -1) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}
