/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: rebuilding, inside one worker, the contexts whose files
 * changed since they were built (daemon.watch_files), without a reload.
 */
#ifndef TF_REFRESH_H
#define TF_REFRESH_H

struct tf_generation;

/*
 * Rebuild every context of gen whose files (tf_context_conf_files)
 * changed since it was last built, and make the result gen's set for new
 * connections; open ones keep the set they were accepted under. A
 * context that does not build (a half-written file, a key that does not
 * match its certificate yet) is logged and keeps its previous SSL_CTX
 * until its files change again. Logs as worker number worker (< 0: the
 * admin process, at debug level only). Returns
 * how many contexts were rebuilt.
 */
int	tf_refresh(struct tf_generation *gen, int worker);

#endif
