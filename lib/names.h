/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a table of DNS names and wildcard patterns, each mapped to a
 * small value, looked up by the server name a client sends (SNI). Used to
 * pick a context's certificate by name and a listener's route.
 *
 * Matching follows RFC 6125 6.4: names compare without regard to case and
 * to a trailing dot; a pattern "*.example.com" has its wildcard as the
 * whole left-most label and covers exactly one label ("a.example.com",
 * not "example.com" nor "a.b.example.com"); an exact name wins over a
 * wildcard. A lookup is a hash lookup (two at most), not a scan.
 */
#ifndef TF_NAMES_H
#define TF_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* The longest DNS name, without its trailing dot (RFC 1035). */
#define TF_NAME_MAX	253

struct tf_names;

struct tf_names	*tf_names_new(void);
void		 tf_names_free(struct tf_names *);

/*
 * Whether name is a DNS name or pattern that tf_names_add takes: labels
 * of letters, digits, '-' and '_' (1 to 63 bytes, not starting or ending
 * with '-'), at most TF_NAME_MAX bytes, optionally "*." before at least
 * two labels. On false, *why says what is wrong.
 */
bool		 tf_names_valid(const char *name, const char **why);

/*
 * Add name (a valid name or pattern) with value. Returns 0 if added, 1 if
 * the same name (after case folding) is there already, its value in
 * *existing (may be NULL), -1 if name is not valid. Running out of
 * memory is fatal, as for the configuration.
 */
int		 tf_names_add(struct tf_names *, const char *name, size_t value,
		    size_t *existing);

/*
 * The value for the server name host: its exact entry, else the wildcard
 * covering its first label. false if neither, or if host is not a name
 * (too long, empty label).
 */
bool		 tf_names_find(const struct tf_names *, const char *host,
		    size_t *value);

size_t		 tf_names_count(const struct tf_names *);

#endif
