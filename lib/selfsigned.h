/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: throwaway self-signed certificate for the demo mode.
 */
#ifndef TF_SELFSIGNED_H
#define TF_SELFSIGNED_H

#include "errs.h"

/*
 * Make an ECDSA P-256 key and a self-signed certificate for cn (also its
 * subjectAltName, as DNS or IP), valid for days, and write them as PEM to
 * certfile and keyfile (mode 0600). Returns 0, or -1 with errs filled.
 */
int	tf_selfsigned_write(const char *cn, int days, const char *certfile,
	    const char *keyfile, struct tf_errs *errs);

#endif
