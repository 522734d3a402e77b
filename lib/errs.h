/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: error list.
 * lib/ code appends "file:line: message" entries here and returns -1; the
 * daemon decides where they go (stderr at -t, the log on reload).
 */
#ifndef TF_ERRS_H
#define TF_ERRS_H

#include <stddef.h>

struct tf_errs {
	char	**msgs;
	size_t	  count;
	size_t	  cap;
};

void		 tf_errs_init(struct tf_errs *);
void		 tf_errs_free(struct tf_errs *);

/*
 * Append "file:line: message". A NULL file reads "<string>"; line 0 leaves
 * out the line ("file: message"). Always returns -1 so callers can write
 * "return tf_errs_add(...)". Allocation failure is fatal.
 */
int		 tf_errs_add(struct tf_errs *, const char *file, int line,
		    const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
/* Append a message without any location. Returns -1. */
int		 tf_errs_addx(struct tf_errs *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

size_t		 tf_errs_count(const struct tf_errs *);
/* The i-th message; valid until tf_errs_free. */
const char	*tf_errs_get(const struct tf_errs *, size_t i);

#endif
