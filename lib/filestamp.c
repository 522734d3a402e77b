/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: file stamps (see filestamp.h).
 */
#include <sys/stat.h>

#include <string.h>

#include "filestamp.h"

void
tf_filestamp_take(const char *path, struct tf_filestamp *fs)
{
	struct stat	st;

	memset(fs, 0, sizeof(*fs));
	if (stat(path, &st) == -1)
		return;
	fs->exists = true;
	fs->dev = (uint64_t)st.st_dev;
	fs->ino = (uint64_t)st.st_ino;
	fs->size = (int64_t)st.st_size;
	fs->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
	    st.st_mtim.tv_nsec;
	fs->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 +
	    st.st_ctim.tv_nsec;
}

bool
tf_filestamp_equal(const struct tf_filestamp *a,
    const struct tf_filestamp *b)
{
	return a->exists == b->exists && a->dev == b->dev &&
	    a->ino == b->ino && a->size == b->size &&
	    a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}
