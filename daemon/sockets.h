/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the listening sockets of one generation: for each configured
 * listener, one SO_REUSEPORT socket per worker slot, or the socket that
 * systemd passed in (socket activation), shared by all slots.
 */
#ifndef TF_SOCKETS_H
#define TF_SOCKETS_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "config.h"
#include "errs.h"

/* Sockets received from the service manager, kept for the daemon's life. */
struct tf_inherited {
	int		*fds;
	struct tf_addr	*addrs;
	bool		*used;
	size_t		 count;
};

struct tf_sockets {
	size_t		 nlisteners;
	size_t		 nworkers;
	struct tf_addr	*addrs;		/* per listener */
	bool		*inherited;	/* per listener: fds are not ours */
	int		*fds;		/* [listener * nworkers + worker], -1 */
	bool		*taken;		/* per fd: taken over from prev */
};

/*
 * Collect the sockets passed by systemd (LISTEN_FDS). Returns 0 (none is
 * fine) or -1 with errs filled.
 */
int	tf_sockets_inherit(struct tf_inherited *, struct tf_errs *);
void	tf_sockets_inherited_close(struct tf_inherited *);

/*
 * The sockets for cf's listeners and nworkers slots: an inherited socket
 * with the same address if there is one, else the socket of the same
 * address and slot in prev (taken over: prev no longer closes it), else a
 * new one. Returns NULL with "file:line: listen ...: bind: reason" in errs
 * (and nothing taken from prev) if a socket cannot be made.
 */
struct tf_sockets	*tf_sockets_open(const struct tf_config *cf,
			    size_t nworkers, struct tf_sockets *prev,
			    struct tf_inherited *inh, struct tf_errs *errs);

/*
 * Undo the take-over of tf_sockets_open (a reload whose workers could not
 * start): give the sockets taken from prev back to it, then free s,
 * closing only the sockets s made itself.
 */
void	tf_sockets_give_back(struct tf_sockets *s, struct tf_sockets *prev);

/* Worker slot w's socket for each listener, in listener order. */
void	tf_sockets_slot(const struct tf_sockets *, size_t w, int *fds);
/* True if fd belongs to slot w. */
bool	tf_sockets_in_slot(const struct tf_sockets *, size_t w, int fd);
/* Close the sockets still owned (not inherited, not taken over); free. */
void	tf_sockets_free(struct tf_sockets *);
/* In a worker process: close every socket of s not in slot w, and every
 * inherited socket not in slot w. */
void	tf_sockets_close_others(const struct tf_sockets *s,
	    const struct tf_inherited *inh, size_t w);

#endif
