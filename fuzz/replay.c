/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront fuzzing: replay inputs through a fuzz target without libFuzzer,
 * so that the corpus and every committed crash input run in make check
 * under the normal (gcc, ASan) build. Usage: replay_TARGET FILE|DIR...;
 * a directory's files (not its dot files) are run in name order. Prints
 * "replay: N inputs" and exits 0, or exits 1 if an input cannot be read.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Read all of path into *data (malloc'd, at least 1 byte); -1 on error. */
static int
replay_read(const char *path, uint8_t **data, size_t *len)
{
	FILE	*fp;
	uint8_t	*buf = NULL, *grown;
	size_t	 cap = 0, n;

	*len = 0;
	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	do {
		if (*len == cap) {
			cap = cap == 0 ? 4096 : cap * 2;
			if ((grown = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(fp);
				return -1;
			}
			buf = grown;
		}
		n = fread(buf + *len, 1, cap - *len, fp);
		*len += n;
	} while (n > 0);
	if (ferror(fp)) {
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	*data = buf;
	return 0;
}

/*
 * Run one file through the target. The input is copied to a buffer of
 * exactly its size, as libFuzzer does, so that ASan sees any overread.
 */
static int
replay_file(const char *path)
{
	uint8_t	*data, *exact;
	size_t	 len;

	if (replay_read(path, &data, &len) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((exact = malloc(len > 0 ? len : 1)) == NULL) {
		free(data);
		fprintf(stderr, "replay: out of memory\n");
		return -1;
	}
	memcpy(exact, data, len);
	free(data);
	fprintf(stderr, "replay: %s\n", path);
	(void)LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int
replay_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
replay_visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Run every visible file of dir; adds them to *count. */
static int
replay_dir(const char *dir, size_t *count)
{
	struct dirent	**names;
	char		  path[PATH_MAX];
	int		  i, n, rv = 0;

	if ((n = scandir(dir, &names, replay_visible, replay_name_cmp)) == -1) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (rv == 0 && replay_file(path) == 0)
			(*count)++;
		else
			rv = -1;
		free(names[i]);
	}
	free(names);
	return rv;
}

int
main(int argc, char **argv)
{
	struct stat	st;
	size_t		count = 0;
	int		i;

	(void)LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) == -1)
				return 1;
		} else if (replay_file(argv[i]) == 0) {
			count++;
		} else {
			return 1;
		}
	}
	printf("replay: %zu inputs\n", count);
	return 0;
}
