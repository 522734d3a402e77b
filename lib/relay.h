/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the relay between a connection's two sides, with backpressure
 * and half-close. It knows sides only through lib/side.h, so either side
 * may speak TLS or plaintext; it owns no socket events and frees nothing
 * but its buffers: the caller feeds it readiness and acts on its status.
 */
#ifndef TF_RELAY_H
#define TF_RELAY_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "side.h"

/*
 * Bytes read from one side wait in that direction's buffer until the other
 * side has taken them all; while they wait, that side is not read, so a
 * connection holds at most one chunk per direction plus one chunk's worth
 * of TLS records not yet sent per TLS side. An end of stream on one side
 * is passed on (close_notify or shutdown(SHUT_WR)) once everything before
 * it has been written.
 */
struct tf_relay {
	struct tf_side	 side[2];	/* [TF_SIDE_CLIENT], [TF_SIDE_BACKEND] */
	struct tf_buf	 buf[2];	/* buf[i]: read from side i */
	uint64_t	 received[2];	/* plaintext bytes read from side i */
	uint64_t	 sent[2];	/* plaintext bytes written to side i */
	bool		 bulk[2];	/* side i sent a whole chunk */
	bool		 active;	/* bytes moved (the caller clears it) */
	bool		 resumed;	/* a flush let a stopped op go on */
	enum tf_side_role failed_side;	/* with TF_RELAY_FAILED */
	bool		 no_memory;	/* with TF_RELAY_FAILED */
	const char	*detail;	/* static: why it failed */
};

enum tf_relay_status {
	TF_RELAY_WAITING = 0,	/* blocked on what the sides say */
	TF_RELAY_FINISHED,	/* both streams ended and were passed on */
	TF_RELAY_FAILED,	/* failed_side/no_memory and detail say why */
};

/* Where the two streams are (each end is for good). */
enum tf_relay_phase {
	TF_RELAY_OPEN = 0,		/* both ways */
	TF_RELAY_CLIENT_DONE,		/* the client's stream ended */
	TF_RELAY_BACKEND_DONE,		/* the backend's stream ended */
	TF_RELAY_DRAINING,		/* both ended; records still to send */
};

/* Both sides exist (r->side[] initialised): start relaying. */
enum tf_relay_status	tf_relay_start(struct tf_relay *r);

/* The event loop reports what (TF_IO_*) for side role's socket: relay
 * if that is something a side waited for. */
enum tf_relay_status	tf_relay_event(struct tf_relay *r,
			    enum tf_side_role role, unsigned what);

enum tf_relay_phase	tf_relay_phase(const struct tf_relay *r);
const char		*tf_relay_phase_name(enum tf_relay_phase);

/* Free r's buffers (the sides are the caller's to close and free). */
void			tf_relay_release(struct tf_relay *r);

#endif
