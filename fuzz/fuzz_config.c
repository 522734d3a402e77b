/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront fuzzing: the configuration loader as tlsfrontd -t runs it
 * (tf_config_load_file, then tf_generation_new: every context built and
 * probed for warnings), on files in a private directory so that @include
 * is exercised: the input is main.conf, and after a line "%%" part.conf.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "errs.h"
#include "fuzz.h"
#include "generation.h"
#include "log.h"
#include "selfsigned.h"

/* Splits the input into main.conf and part.conf. */
#define FUZZ_SEPARATOR		"\n%%\n"

/*
 * Fixed files next to main.conf that an input may @include: whole
 * sections (so that a short input reaches the context builder), and what
 * libconfig must never be given: an empty file, a directory and a FIFO
 * (libconfig 1.5 exits on a directory, blocks on a FIFO).
 */
static const struct {
	const char	*name;
	const char	*text;
} fuzz_files[] = {
	{ "context.inc", "contexts = { default = { cert_chain = ( {\n"
	    "  certfile = \"cert.pem\"; keyfile = \"key.pem\"; } ); }; };\n" },
	{ "backends.inc", "backends = { app = {\n"
	    "  servers = [ \"127.0.0.1:8080\" ]; }; };\n" },
	{ "listeners.inc", "listeners = ( { listen = \"127.0.0.1:8443\";\n"
	    "  context = \"default\"; backend = \"app\"; } );\n" },
	{ "empty.inc", "" },
};

static char	fuzz_dir[PATH_MAX];
static char	fuzz_main[PATH_MAX + 16];
static char	fuzz_part[PATH_MAX + 16];

static void
fuzz_write(const char *path, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		tf_fatal("fuzz_config: %s", path);
	for (; len > 0; p += n, len -= (size_t)n)
		if ((n = write(fd, p, len)) <= 0)
			tf_fatal("fuzz_config: write %s", path);
	close(fd);
}

static int
fuzz_remove_cb(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
fuzz_cleanup(void)
{
	if (fuzz_dir[0] != '\0')
		(void)nftw(fuzz_dir, fuzz_remove_cb, 8, FTW_DEPTH | FTW_PHYS);
}

/* fuzz_dir/name, into buf. */
static const char *
fuzz_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", fuzz_dir, name);
	return buf;
}

/* The private directory: fixed include files and a certificate. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct tf_errs	errs;
	char		cert[PATH_MAX + 16], key[PATH_MAX + 16];
	char		path[PATH_MAX + 16];
	const char	*tmp;
	size_t		i;

	(void)argc;
	(void)argv;
	tf_log_open("fuzz_config", TF_LOG_TARGET_STDERR, TF_LOG_ERR);
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/tf_fuzz_config.XXXXXX", tmp);
	if (mkdtemp(fuzz_dir) == NULL)
		tf_fatal("fuzz_config: mkdtemp %s", fuzz_dir);
	atexit(fuzz_cleanup);
	for (i = 0; i < sizeof(fuzz_files) / sizeof(fuzz_files[0]); i++)
		fuzz_write(fuzz_path(path, sizeof(path), fuzz_files[i].name),
		    fuzz_files[i].text, strlen(fuzz_files[i].text));
	if (mkdir(fuzz_path(path, sizeof(path), "dir.inc"), 0700) == -1 ||
	    mkfifo(fuzz_path(path, sizeof(path), "fifo.inc"), 0600) == -1)
		tf_fatal("fuzz_config: %s", path);
	tf_errs_init(&errs);
	if (tf_selfsigned_write("localhost", 3650,
	    fuzz_path(cert, sizeof(cert), "cert.pem"),
	    fuzz_path(key, sizeof(key), "key.pem"), &errs) == -1)
		tf_fatalx("fuzz_config: %s", tf_errs_get(&errs, 0));
	tf_errs_free(&errs);
	fuzz_path(fuzz_main, sizeof(fuzz_main), "main.conf");
	fuzz_path(fuzz_part, sizeof(fuzz_part), "part.conf");
	return 0;
}

/* Every message must read "file:line: text". */
static void
fuzz_check_errs(const struct tf_errs *errs)
{
	const char	*e, *colon;
	size_t		 i;

	for (i = 0; i < tf_errs_count(errs); i++) {
		e = tf_errs_get(errs, i);
		if ((colon = strstr(e, ": ")) == NULL || colon == e ||
		    colon[2] == '\0') {
			fprintf(stderr, "fuzz_config: malformed error \"%s\"\n",
			    e);
			abort();
		}
	}
}

static void
fuzz_summary_cb(const char *line)
{
	if (strncmp(line, "context \"", 9) != 0)
		abort();
}

/* main.conf and part.conf from the input, then what -t does. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tf_errs		 errs;
	struct tf_config	*cf;
	struct tf_generation	*gen;
	const uint8_t		*sep;
	size_t			 main_len = size;

	sep = memmem(data, size, FUZZ_SEPARATOR, strlen(FUZZ_SEPARATOR));
	if (sep != NULL)
		main_len = (size_t)(sep - data) + 1;	/* keep its '\n' */
	fuzz_write(fuzz_main, data, main_len);
	if (sep != NULL)
		fuzz_write(fuzz_part, sep + strlen(FUZZ_SEPARATOR),
		    size - main_len - strlen(FUZZ_SEPARATOR) + 1);
	else
		fuzz_write(fuzz_part, "", 0);
	tf_errs_init(&errs);
	gen = NULL;
	if ((cf = tf_config_load_file(fuzz_main, &errs)) != NULL)
		gen = tf_generation_new(cf, &errs);
	if (gen != NULL) {
		fuzz_check_errs(&gen->warnings);
		tf_generation_each_summary(gen, fuzz_summary_cb);
		tf_generation_free(gen);
	} else if (tf_errs_count(&errs) == 0) {
		fprintf(stderr, "fuzz_config: refused without a reason\n");
		abort();
	}
	fuzz_check_errs(&errs);
	tf_errs_free(&errs);
	return 0;
}
