/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the relay. One function moves one direction, from side `from`
 * to the other, and serves both; the pump runs both until neither can
 * move, then the caller waits for what the sides say they block on.
 */
#include <stdbool.h>

#include "relay.h"

static const char *const relay_truncated[] = {
	[TF_SIDE_CLIENT] = "client closed without close_notify",
	[TF_SIDE_BACKEND] = "backend closed without close_notify",
};

static const char *const relay_phase_names[] = {
	[TF_RELAY_OPEN] = "relaying",
	[TF_RELAY_CLIENT_DONE] = "client_done",
	[TF_RELAY_BACKEND_DONE] = "backend_done",
	[TF_RELAY_DRAINING] = "draining",
};

const char *
tf_relay_phase_name(enum tf_relay_phase phase)
{
	return relay_phase_names[phase];
}

static enum tf_side_role
relay_other(enum tf_side_role role)
{
	return role == TF_SIDE_CLIENT ? TF_SIDE_BACKEND : TF_SIDE_CLIENT;
}

/* Record why the relay cannot go on. Returns -1. */
static int
relay_fail(struct tf_relay *r, enum tf_side_role role, const char *detail)
{
	r->failed_side = role;
	r->detail = detail;
	return -1;
}

static int
relay_fail_memory(struct tf_relay *r)
{
	r->no_memory = true;
	r->detail = "out of memory";
	return -1;
}

/*
 * Flush role's records: 1 all sent, 0 blocked, -1 failed. A side whose TLS
 * had failed already (a stream cut without close_notify) may fail to send
 * its last records without failing the relay, if tolerant: 0 then.
 */
static int
relay_flush(struct tf_relay *r, enum tf_side_role role, bool tolerant)
{
	struct tf_side	*s = &r->side[role];
	bool		 resumed;
	int		 rv;

	rv = tf_side_flush(s, &resumed);
	r->resumed |= resumed;
	if (rv == -1 && tolerant && s->failed)
		return 0;
	if (rv == -1) {
		/* Sending records failed: no more TLS on this side. */
		s->failed = true;
		return relay_fail(r, role, s->role == TF_SIDE_CLIENT ?
		    "client connection reset" : "backend connection reset");
	}
	return rv;
}

/* Write what buf[from] holds to the other side: 1 all written, 0 blocked,
 * -1 failed. */
static int
relay_write_out(struct tf_relay *r, enum tf_side_role from)
{
	enum tf_side_role	 to = relay_other(from);
	struct tf_side		*dst = &r->side[to];
	struct tf_buf		*b = &r->buf[from];
	ssize_t			 n;

	while (b->len > 0) {
		n = tf_side_write(dst, b->data + b->off, b->len);
		if (n == 0)
			return 0;
		if (n < 0)
			return relay_fail(r, to, dst->error);
		tf_buf_consumed(b, (size_t)n);
		r->sent[to] += (uint64_t)n;
		r->active = true;
	}
	return 1;
}

/* Read up to want bytes from side from into its empty buffer, until the
 * side stops. Returns 0, or -1 if the side failed. */
static int
relay_read_in(struct tf_relay *r, enum tf_side_role from, uint32_t want)
{
	struct tf_side	*src = &r->side[from];
	struct tf_buf	*b = &r->buf[from];
	ssize_t		 n;

	while (b->len < want && src->read_block == 0 && !src->eof) {
		n = tf_side_read(src, b->data + b->len, want - b->len);
		if (n < 0)
			return relay_fail(r, from, src->error);
		if (n == 0)
			break;
		b->len += (uint32_t)n;
		r->received[from] += (uint64_t)n;
		r->active = true;
	}
	if (b->len == tf_buf_chunk(b) && !r->bulk[from]) {
		/* A whole chunk at once: a bulk transfer this way. */
		r->bulk[from] = true;
		tf_side_set_bulk_read(src);
		tf_side_set_bulk_write(&r->side[relay_other(from)]);
	}
	return 0;
}

/* Side from -> the other side until blocked or finished. 0, or -1 if the
 * relay failed. */
static int
relay_direction(struct tf_relay *r, enum tf_side_role from)
{
	struct tf_side	*src = &r->side[from];
	struct tf_side	*dst = &r->side[relay_other(from)];
	struct tf_buf	*b = &r->buf[from];
	uint32_t	 want;
	int		 rv;

	for (;;) {
		if ((rv = relay_write_out(r, from)) <= 0)
			return rv;
		if (src->eof || src->read_block != 0)
			tf_buf_free_if_empty(b);
		if (src->eof)
			return tf_side_shutdown(dst) == -1 ?
			    relay_fail(r, dst->role, dst->error) : 0;
		if (src->read_block != 0)
			return 0;
		if (tf_buf_reserve_for(b, r->bulk[from]) == -1)
			return relay_fail_memory(r);
		/* Read no more than dst can take as records: a peer that
		 * does not read holds one buffer, not two. */
		if ((want = tf_side_write_room(dst, tf_buf_chunk(b))) == 0) {
			if ((rv = relay_flush(r, dst->role, false)) != 1) {
				tf_buf_free_if_empty(b);
				return rv == 0 ? 0 : -1;
			}
			want = tf_side_write_room(dst, tf_buf_chunk(b));
		}
		if (relay_read_in(r, from, want) == -1)
			return -1;
	}
}

/* The stream from side from has ended and was passed on in full. */
static bool
relay_stream_ended(const struct tf_relay *r, enum tf_side_role from)
{
	const struct tf_side	*dst = &r->side[relay_other(from)];

	return r->side[from].eof && r->buf[from].len == 0 &&
	    (dst->shut_sent || dst->failed);
}

enum tf_relay_phase
tf_relay_phase(const struct tf_relay *r)
{
	bool	client = relay_stream_ended(r, TF_SIDE_CLIENT);
	bool	backend = relay_stream_ended(r, TF_SIDE_BACKEND);

	if (client && backend)
		return TF_RELAY_DRAINING;
	if (client)
		return TF_RELAY_CLIENT_DONE;
	return backend ? TF_RELAY_BACKEND_DONE : TF_RELAY_OPEN;
}

static bool
relay_finished(const struct tf_relay *r)
{
	return tf_relay_phase(r) == TF_RELAY_DRAINING &&
	    tf_side_out_done(&r->side[TF_SIDE_CLIENT]) &&
	    tf_side_out_done(&r->side[TF_SIDE_BACKEND]);
}

/*
 * A side whose TLS stream was cut (FIN without close_notify) while the
 * other side still had bytes for it: they cannot be delivered over a TLS
 * session that failed. Returns -1 then.
 */
static int
relay_check_truncated(struct tf_relay *r)
{
	enum tf_side_role	role;

	for (role = TF_SIDE_CLIENT; role <= TF_SIDE_BACKEND; role++)
		if (r->side[role].truncated &&
		    !(r->side[relay_other(role)].eof &&
		    r->buf[relay_other(role)].len == 0))
			return relay_fail(r, role, relay_truncated[role]);
	return 0;
}

/* Move what can move, then wait for exactly what each side blocks on. */
static enum tf_relay_status
relay_pump(struct tf_relay *r)
{
	do {
		r->resumed = false;
		if (relay_direction(r, TF_SIDE_CLIENT) == -1 ||
		    relay_direction(r, TF_SIDE_BACKEND) == -1 ||
		    relay_flush(r, TF_SIDE_CLIENT, true) == -1 ||
		    relay_flush(r, TF_SIDE_BACKEND, true) == -1)
			return TF_RELAY_FAILED;
	} while (r->resumed);
	if (relay_check_truncated(r) == -1)
		return TF_RELAY_FAILED;
	return relay_finished(r) ? TF_RELAY_FINISHED : TF_RELAY_WAITING;
}

enum tf_relay_status
tf_relay_start(struct tf_relay *r)
{
	tf_side_start_relay(&r->side[TF_SIDE_CLIENT]);
	tf_side_start_relay(&r->side[TF_SIDE_BACKEND]);
	return relay_pump(r);
}

enum tf_relay_status
tf_relay_event(struct tf_relay *r, enum tf_side_role role, unsigned what)
{
	if (!tf_side_wake(&r->side[role], what))
		return TF_RELAY_WAITING;
	return relay_pump(r);
}

void
tf_relay_release(struct tf_relay *r)
{
	tf_buf_free(&r->buf[TF_SIDE_CLIENT]);
	tf_buf_free(&r->buf[TF_SIDE_BACKEND]);
}
