/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront tests: writes the /status page of the synthetic view
 * (tests/unit/status_fixture.c) to stdout, as of now, to look at it in a
 * browser without a daemon.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <event2/buffer.h>

#include "status_fixture.h"
#include "status_page.h"

int
main(void)
{
	struct status_fixture	*f = calloc(1, sizeof(*f));
	struct evbuffer		*out = evbuffer_new();
	int			 rc = 1;

	if (f == NULL || out == NULL)
		goto done;
	status_fixture_init(f, time(NULL));
	if (tf_status_page_render(out, &f->view) == -1)
		goto done;
	if (evbuffer_write(out, 1) < 0 || evbuffer_get_length(out) != 0)
		goto done;
	rc = 0;
done:
	if (out != NULL)
		evbuffer_free(out);
	free(f);
	return rc;
}
