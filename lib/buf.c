/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: in-flight byte buffers; large ones come from a small pool of
 * mmap()ed buffers per process (workers are single-threaded processes).
 */
#include <sys/mman.h>

#include <stdlib.h>

#include "buf.h"

#define TF_BUF_POOL_MAX	8

static void	*buf_pool[TF_BUF_POOL_MAX];
static size_t	 buf_pool_len;

static void *
buf_large_get(void)
{
	void	*p;

	if (buf_pool_len > 0)
		return buf_pool[--buf_pool_len];
	p = mmap(NULL, TF_BUF_LARGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

int
tf_buf_reserve(struct tf_buf *b, uint32_t size)
{
	if (b->data != NULL)
		return 0;
	b->cap = size;
	b->data = size == TF_BUF_LARGE ? buf_large_get() : malloc(size);
	b->off = b->len = 0;
	return b->data == NULL ? -1 : 0;
}

int
tf_buf_reserve_for(struct tf_buf *b, bool large)
{
	if (b->data != NULL && b->len == 0 && large && b->cap != TF_BUF_LARGE)
		tf_buf_free(b);
	return tf_buf_reserve(b, large ? TF_BUF_LARGE : TF_BUF_SMALL);
}

uint32_t
tf_buf_chunk(const struct tf_buf *b)
{
	return b->cap == TF_BUF_LARGE ? TF_BUF_CHUNK : TF_BUF_SMALL_CHUNK;
}

void
tf_buf_consumed(struct tf_buf *b, size_t n)
{
	b->off += (uint32_t)n;
	b->len -= (uint32_t)n;
	if (b->len == 0)
		b->off = 0;
}

void
tf_buf_free(struct tf_buf *b)
{
	if (b->data == NULL)
		return;
	if (b->cap != TF_BUF_LARGE)
		free(b->data);
	else if (buf_pool_len < TF_BUF_POOL_MAX)
		buf_pool[buf_pool_len++] = b->data;
	else
		munmap(b->data, TF_BUF_LARGE);
	b->data = NULL;
	b->off = b->len = 0;
}

void
tf_buf_free_if_empty(struct tf_buf *b)
{
	if (b->len == 0)
		tf_buf_free(b);
}

void
tf_buf_pool_drain(void)
{
	while (buf_pool_len > 0)
		munmap(buf_pool[--buf_pool_len], TF_BUF_LARGE);
}
