/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: what a file looked like when it was read, to tell later
 * whether it changed. Renewal tools replace files by rename or swap a
 * symbolic link, so a stamp follows links and records the inode as well
 * as the size and times: a file written in place and a new file renamed
 * over the old name both show as changed.
 */
#ifndef TF_FILESTAMP_H
#define TF_FILESTAMP_H

#include <stdbool.h>
#include <stdint.h>

struct tf_filestamp {
	bool		exists;
	uint64_t	dev;
	uint64_t	ino;
	int64_t		size;
	int64_t		mtime_ns;
	int64_t		ctime_ns;
};

/* Stamp path as it is now (following links); a missing or unreadable
 * path gets a stamp with exists false. */
void	tf_filestamp_take(const char *path, struct tf_filestamp *);

bool	tf_filestamp_equal(const struct tf_filestamp *,
	    const struct tf_filestamp *);

#endif
