/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: --demo mode: a throwaway self-signed certificate and a demo
 * HTTP backend on loopback, so the daemon can be tried with one command.
 */
#ifndef TF_DEMO_H
#define TF_DEMO_H

#include "errs.h"

/*
 * Make the certificate in a new temporary directory and start the demo
 * backend (a child process on 127.0.0.1, random port). Returns the
 * configuration text for a listener on 127.0.0.1:port (malloc'd), or NULL
 * with errs filled.
 */
char	*tf_demo_start(int port, struct tf_errs *errs);
/* Print how to try it. */
void	 tf_demo_announce(int port);
/* Stop the backend and remove the temporary files. */
void	 tf_demo_stop(void);

#endif
