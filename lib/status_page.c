/* Placeholder until the status page lands (helper branch "status"). */
#include "status_page.h"

int
tf_status_page_render(struct evbuffer *out, const struct tf_metrics_view *v)
{
	return evbuffer_add_printf(out, "<!DOCTYPE html><title>tlsfront "
	    "%s</title>\n", v->version) < 0 ? -1 : 0;
}
