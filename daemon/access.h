/*
 * tlsfront: the access log line written when a connection ends.
 */
#ifndef TF_ACCESS_H
#define TF_ACCESS_H

#include "config.h"

struct tf_conn;

/* Log c's summary at info level in the given format (off: nothing). */
void	tf_access_log(const struct tf_conn *c, enum tf_access_format);

#endif
