/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the name table (names.h): open addressing with linear
 * probing over case-folded keys; a wildcard is stored as written
 * ("*.example.com") and found by replacing a host's first label by "*".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "names.h"

#define NAMES_MIN_SLOTS		16
#define NAMES_LABEL_MAX		63

struct names_slot {
	char	*key;		/* NULL: free */
	size_t	 value;
};

struct tf_names {
	struct names_slot	*slots;
	size_t			 nslots;	/* a power of two */
	size_t			 count;
};

/* FNV-1a: short keys, no adversary choosing them (they come from the
 * configuration; hosts are only looked up). */
static uint64_t
names_hash(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static char
names_fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool
names_label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/*
 * Copy s case-folded into buf (TF_NAME_MAX + 1 bytes), without one
 * trailing dot. false if it does not fit or holds a byte no name has;
 * a leading '*' only in a pattern (never in a name looked up).
 */
static bool
names_normalize(const char *s, char *buf, bool pattern)
{
	size_t	len = strlen(s), i;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > TF_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (pattern && i == 0 && s[0] == '*') {
			buf[0] = '*';
			continue;
		}
		if (!names_label_char(s[i]) && s[i] != '.')
			return false;
		buf[i] = names_fold(s[i]);
	}
	buf[len] = '\0';
	return true;
}

bool
tf_names_valid(const char *name, const char **why)
{
	const char	*p, *label;
	size_t		 len, labels = 0;
	bool		 wildcard;

	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0) {
		*why = "empty name";
		return false;
	}
	if (len > TF_NAME_MAX) {
		*why = "longer than 253 bytes";
		return false;
	}
	wildcard = strncmp(name, "*.", 2) == 0;
	p = wildcard ? name + 2 : name;
	for (label = p; ; p++) {
		if ((size_t)(p - name) < len && *p != '.') {
			if (!names_label_char(*p)) {
				*why = *p == '*' ? "a wildcard must be the "
				    "whole left-most label (\"*.example.com\")"
				    : "not a DNS name (letters, digits, '-', "
				    "'_' and dots)";
				return false;
			}
			continue;
		}
		if (p == label || (size_t)(p - label) > NAMES_LABEL_MAX) {
			*why = p == label ? "empty label" :
			    "label longer than 63 bytes";
			return false;
		}
		if (*label == '-' || p[-1] == '-') {
			*why = "label starts or ends with '-'";
			return false;
		}
		labels++;
		if ((size_t)(p - name) >= len)
			break;
		label = p + 1;
	}
	if (wildcard && labels < 2) {
		*why = "a wildcard needs two labels after it "
		    "(\"*.example.com\", not \"*.com\")";
		return false;
	}
	return true;
}

struct tf_names *
tf_names_new(void)
{
	struct tf_names	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->slots = calloc(NAMES_MIN_SLOTS, sizeof(*t->slots))) == NULL)
		tf_fatal("calloc");
	t->nslots = NAMES_MIN_SLOTS;
	return t;
}

void
tf_names_free(struct tf_names *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nslots; i++)
		free(t->slots[i].key);
	free(t->slots);
	free(t);
}

/* The slot of key, or the free slot where it would go. */
static struct names_slot *
names_slot(const struct tf_names *t, const char *key)
{
	size_t	mask = t->nslots - 1, i;

	for (i = (size_t)names_hash(key) & mask; ; i = (i + 1) & mask) {
		if (t->slots[i].key == NULL ||
		    strcmp(t->slots[i].key, key) == 0)
			return &t->slots[i];
	}
}

/* Double the table; keys keep their strings. */
static void
names_grow(struct tf_names *t)
{
	struct names_slot	*old = t->slots, *s;
	size_t			 nold = t->nslots, i;

	if ((t->slots = calloc(nold * 2, sizeof(*t->slots))) == NULL)
		tf_fatal("calloc");
	t->nslots = nold * 2;
	for (i = 0; i < nold; i++) {
		if (old[i].key == NULL)
			continue;
		s = names_slot(t, old[i].key);
		*s = old[i];
	}
	free(old);
}

int
tf_names_add(struct tf_names *t, const char *name, size_t value,
    size_t *existing)
{
	struct names_slot	*s;
	const char		*why;
	char			 key[TF_NAME_MAX + 1];

	if (!tf_names_valid(name, &why) || !names_normalize(name, key, true))
		return -1;
	s = names_slot(t, key);
	if (s->key != NULL) {
		if (existing != NULL)
			*existing = s->value;
		return 1;
	}
	if ((s->key = strdup(key)) == NULL)
		tf_fatal("strdup");
	s->value = value;
	/* At most half full, so probes stay short and always end. */
	if (++t->count * 2 > t->nslots)
		names_grow(t);
	return 0;
}

bool
tf_names_find(const struct tf_names *t, const char *host, size_t *value)
{
	const struct names_slot	*s;
	char			 key[TF_NAME_MAX + 1], *dot;

	if (t == NULL || t->count == 0 || !names_normalize(host, key, false))
		return false;
	s = names_slot(t, key);
	if (s->key != NULL) {
		*value = s->value;
		return true;
	}
	/* "*" + the rest: the first label must not be empty. */
	if ((dot = strchr(key, '.')) == NULL || dot == key)
		return false;
	key[0] = '*';
	memmove(key + 1, dot, strlen(dot) + 1);
	s = names_slot(t, key);
	if (s->key == NULL)
		return false;
	*value = s->value;
	return true;
}

size_t
tf_names_count(const struct tf_names *t)
{
	return t == NULL ? 0 : t->count;
}
