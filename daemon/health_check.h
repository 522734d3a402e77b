/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: active TCP health checks of backend servers
 * (backends.NAME.health_check), run by one worker for all.
 */
#ifndef TF_HEALTH_CHECK_H
#define TF_HEALTH_CHECK_H

struct tf_worker;

/*
 * Worker 0 checks every server of every backend that has a health_check
 * on its own event loop; the results go to the shared state (health.h).
 * Other workers and configurations without checks: nothing to do.
 * Returns -1 if it could not start.
 */
int	tf_health_checks_start(struct tf_worker *w);

/* Stop checking (the worker drains or retires after a reload: the new
 * worker 0 checks from now on) and free what the checks held. Safe to
 * call more than once. */
void	tf_health_checks_stop(void);

#endif
