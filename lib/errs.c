/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: error list.
 * Collects "file:line: message" strings for the caller to print or log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errs.h"
#include "log.h"

void
tf_errs_init(struct tf_errs *errs)
{
	memset(errs, 0, sizeof(*errs));
}

void
tf_errs_free(struct tf_errs *errs)
{
	size_t	i;

	for (i = 0; i < errs->count; i++)
		free(errs->msgs[i]);
	free(errs->msgs);
	tf_errs_init(errs);
}

static void
errs_append(struct tf_errs *errs, char *msg)
{
	char	**grown;
	size_t	  cap;

	if (errs->count == errs->cap) {
		cap = errs->cap == 0 ? 8 : errs->cap * 2;
		grown = realloc(errs->msgs, cap * sizeof(*grown));
		if (grown == NULL)
			tf_fatal("realloc");
		errs->msgs = grown;
		errs->cap = cap;
	}
	errs->msgs[errs->count++] = msg;
}

static char *
errs_vformat(const char *prefix, const char *fmt, va_list ap)
{
	char	*body, *msg;

	if (vasprintf(&body, fmt, ap) == -1)
		tf_fatal("vasprintf");
	if (prefix == NULL)
		return body;
	if (asprintf(&msg, "%s%s", prefix, body) == -1)
		tf_fatal("asprintf");
	free(body);
	return msg;
}

int
tf_errs_add(struct tf_errs *errs, const char *file, int line,
    const char *fmt, ...)
{
	char	 prefix[4096];
	va_list	 ap;

	if (file == NULL)
		file = "<string>";
	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", file, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", file);
	va_start(ap, fmt);
	errs_append(errs, errs_vformat(prefix, fmt, ap));
	va_end(ap);
	return -1;
}

int
tf_errs_addx(struct tf_errs *errs, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	errs_append(errs, errs_vformat(NULL, fmt, ap));
	va_end(ap);
	return -1;
}

size_t
tf_errs_count(const struct tf_errs *errs)
{
	return errs->count;
}

const char *
tf_errs_get(const struct tf_errs *errs, size_t i)
{
	return i < errs->count ? errs->msgs[i] : NULL;
}
