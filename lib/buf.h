/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the byte buffers of a connection in flight, and the
 * per-process pool that keeps the large ones of bulk transfers.
 */
#ifndef TF_BUF_H
#define TF_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Buffers exist only while bytes are in flight: an idle connection holds
 * none. A direction starts with small buffers (one TLS record's worth of
 * plaintext, from malloc); once one side fills a whole small chunk, that
 * direction moves to large ones (four full records, encrypted into one
 * buffer and sent with one send()), kept in a per-process pool of
 * mmap()ed buffers so that bulk transfers neither churn nor fragment the
 * heap.
 */
#define TF_BUF_FLIGHT		4096	/* handshake flights, tickets */
#define TF_BUF_SMALL_CHUNK	16384
#define TF_BUF_SMALL		(TF_BUF_SMALL_CHUNK + 1024)
#ifndef TF_BUF_CHUNK		/* a multiple of TF_BUF_SMALL_CHUNK */
#define TF_BUF_CHUNK		65536
#endif
#define TF_BUF_LARGE		(TF_BUF_CHUNK + \
	(TF_BUF_CHUNK / TF_BUF_SMALL_CHUNK) * 1024)

/* Bytes read from one side and not yet written to the other. */
struct tf_buf {
	unsigned char	*data;		/* NULL while nothing is in flight */
	uint32_t	 off;
	uint32_t	 len;
	uint32_t	 cap;		/* size of data */
};

/* Give b a buffer of size bytes if it has none (TF_BUF_LARGE: pooled;
 * anything else: malloc). Returns -1 on allocation failure. */
int		tf_buf_reserve(struct tf_buf *b, uint32_t size);

/* Give b a buffer for reading if it has none, small or large; an empty
 * small one is exchanged for a large one once large is asked for. */
int		tf_buf_reserve_for(struct tf_buf *b, bool large);

/* How much plaintext to read into b at once. */
uint32_t	tf_buf_chunk(const struct tf_buf *b);

/* n bytes at the front of b were written out. */
void		tf_buf_consumed(struct tf_buf *b, size_t n);

/* Give b's memory back (to the pool if large); b is empty afterwards. */
void		tf_buf_free(struct tf_buf *b);
void		tf_buf_free_if_empty(struct tf_buf *b);

/* Unmap the pooled buffers (at exit, so leak checkers see none). */
void		tf_buf_pool_drain(void);

#endif
