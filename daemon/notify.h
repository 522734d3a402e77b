/*
 * tlsfront: service manager notifications (systemd's sd_notify). Without
 * libsystemd, or outside systemd, these do nothing.
 */
#ifndef TF_NOTIFY_H
#define TF_NOTIFY_H

void	tf_notify_ready(void);
void	tf_notify_stopping(void);

#endif
