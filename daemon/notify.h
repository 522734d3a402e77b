/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: service manager notifications (systemd's sd_notify protocol,
 * through libsystemd). Without libsystemd, or outside systemd, they do
 * nothing. Only the master process sends them.
 */
#ifndef TF_NOTIFY_H
#define TF_NOTIFY_H

#include <stdint.h>

void		tf_notify_ready(void);
/* RELOADING=1 with MONOTONIC_USEC, as Type=notify-reload expects. */
void		tf_notify_reloading(void);
void		tf_notify_stopping(void);
void		tf_notify_status(const char *status);
void		tf_notify_watchdog(void);
/* The watchdog interval systemd asks for, in microseconds; 0: none. */
uint64_t	tf_notify_watchdog_usec(void);

#endif
