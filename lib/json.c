/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the one JSON string escaper (json.h).
 */
#include <stdio.h>
#include <string.h>

#include "json.h"

size_t
tf_json_escape(char *dst, size_t room, const char *src, size_t len,
    size_t *written)
{
	char	esc[TF_JSON_ESCAPE_MAX + 1];
	size_t	i, n, out = 0;

	for (i = 0; i < len; i++) {
		unsigned char	ch = (unsigned char)src[i];

		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			n = 2;
		} else if (ch < 0x20 || ch >= 0x7f) {
			n = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", ch);
		} else {
			esc[0] = (char)ch;
			n = 1;
		}
		/* One byte stays for the NUL. */
		if (out + n >= room)
			break;
		memcpy(dst + out, esc, n);
		out += n;
	}
	if (room > 0)
		dst[out] = '\0';
	if (written != NULL)
		*written = out;
	return i;
}
