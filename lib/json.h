/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the one JSON string escaper, shared by the JSON access lines
 * and tlsfrontd --explain --json.
 */
#ifndef TF_JSON_H
#define TF_JSON_H

#include <stddef.h>

/* The longest escape of one byte: "\u00XX". */
#define TF_JSON_ESCAPE_MAX	6

/*
 * Escape src[0 .. len) for the inside of a JSON string into dst, which
 * has room bytes: '"' and '\' get a backslash; bytes below 0x20 and from
 * 0x7f up are written as \u00XX, so that the output is printable ASCII
 * on one line and no byte (a control character, an invalid UTF-8
 * sequence from a client) can break the JSON or the log line around it.
 * Stops before an escape that would not fit, never inside one. dst is
 * NUL-terminated if room > 0. Returns the number of bytes of src
 * consumed; *written (if not NULL) gets the bytes written to dst.
 */
size_t	 tf_json_escape(char *dst, size_t room, const char *src, size_t len,
	    size_t *written);

#endif
