/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * stressload's state: the options, the connection slots and the counters
 * shared by sl_conn.c (the connections and phases) and stressload.c (the
 * command line and the figures).
 */

#ifndef SL_STRESSLOAD_H
#define SL_STRESSLOAD_H

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#define SL_IO_BUF		16384	/* one TLS record of plaintext */
#define SL_TICK_MSEC		100

enum sl_kind { SL_LONG, SL_CHURN };

enum sl_state {
	SL_FREE,	/* not opened yet, or a churn slot between connections */
	SL_CONNECTING,
	SL_HANDSHAKE,
	SL_RELAY,	/* a round's bytes going out and coming back */
	SL_IDLE,	/* long connection: pause between rounds, or held
			 * until the ramp is over */
	SL_SHUTDOWN,	/* close_notify sent; reading to the peer's */
	SL_DONE		/* long connection over (cleanly or not) */
};

enum sl_phase { SL_RAMP, SL_LOAD, SL_FINISH };

/* Unexpected outcomes, each counted; every one fails the run. */
enum sl_err {
	SL_E_SOCKET,	/* socket() failed (descriptors?) */
	SL_E_CONNECT,	/* TCP connect refused or failed */
	SL_E_HANDSHAKE,
	SL_E_EOF,	/* EOF without close_notify */
	SL_E_RESET,	/* socket error while relaying */
	SL_E_TLS,	/* any other TLS error */
	SL_E_DATA,	/* an echoed byte differs from the one sent */
	SL_E_DIGEST,	/* a round's SHA-256 differs between the directions */
	SL_E_SHORT,	/* close_notify before every byte came back */
	SL_E_EARLY,	/* the proxy closed a connection the client had not */
	SL_E_STALL,	/* no progress for stall seconds while waiting */
	SL_E_RAMP,	/* not all connections established within ramp time */
	SL_E_FINISH,	/* not shut down within the finish time */
	SL_E_NOMEM,
	SL_E_COUNT
};

extern const char *const sl_err_names[SL_E_COUNT];

struct sl_opts {
	const char	*cafile;
	struct sockaddr_in addr;
	unsigned	 conns, churn, opening_max;
	unsigned	 seconds, ramp_sec, finish_sec, stall_sec;
	unsigned	 idle_ms;
	size_t		 round_max;
	uint64_t	 seed;
};

struct sl_run;

struct sl_conn {
	struct sl_run	*run;
	enum sl_kind	 kind;
	enum sl_state	 state;
	unsigned	 id;		/* slot index */
	unsigned	 gen;		/* churn: connections opened in it */
	int		 fd;
	SSL		*ssl;
	struct event	*ev;		/* the socket, EV_PERSIST */
	short		 ev_mask;
	struct event	*timer;		/* idle pause; churn reopen */
	uint64_t	 seed;		/* the data stream of this connection */
	uint64_t	 rng;		/* sizes and pauses */
	uint64_t	 sent, recvd;	/* offsets in the stream */
	uint64_t	 round_start, round_end;
	size_t		 wlen;		/* SSL_write to repeat, 0 if none */
	bool		 rd_wants_write; /* handshake or SSL_read: POLLOUT */
	bool		 wr_wants_write; /* SSL_write: POLLOUT */
	bool		 shut_early;	/* churn: close_notify before echo */
	bool		 shut_sent;
	bool		 shut_pending;	/* SSL_shutdown wants to write */
	EVP_MD_CTX	*md_up, *md_down;
	double		 t_open, t_progress;
};

/* Latencies in microseconds, for percentiles. */
struct sl_samples {
	uint32_t	*us;
	size_t		 n, cap;
};

struct sl_stats {
	unsigned long long	 bytes_up, bytes_down, bytes_lost;
	unsigned long long	 rounds, churn_done, long_done;
	unsigned long long	 handshakes;
	unsigned		 held, held_peak;
	unsigned long		 errs[SL_E_COUNT];
	unsigned long		 nerrs;
	struct sl_samples	 hs_long, hs_churn, churn_life;
	struct sl_samples	 tick_lag;	/* how late the tick ran */
};

struct sl_run {
	struct sl_opts		 o;
	struct event_base	*base;
	SSL_CTX			*ctx;
	struct sl_conn		*conns;		/* conns long, then churn */
	unsigned		 nconns;
	unsigned		 opened_long, opening, live;
	enum sl_phase		 phase;
	struct event		*tick;
	double			 t0, t_ramp, t_load_end, t_end, t_report;
	double			 t_stall_scan, t_tick;
	struct sl_stats		 st;
	unsigned char		 wbuf[SL_IO_BUF], rbuf[SL_IO_BUF];
	unsigned char		 xbuf[SL_IO_BUF];
};

/* Monotonic time in seconds. */
double	sl_now(void);
/* Opens connection slot c (a failure is counted and c released); -1 if
 * c was closed. */
int	sl_conn_open(struct sl_conn *);
/* Opens held connections up to opening_max; ends the ramp when all are
 * held. */
void	sl_ramp(struct sl_run *);
/* One progress line on stderr. */
void	sl_report(struct sl_run *, double);
/* Libevent callbacks: a slot's socket, a slot's timer, the run's tick
 * (arg is the struct sl_run). */
void	sl_conn_cb(evutil_socket_t, short, void *);
void	sl_timer_cb(evutil_socket_t, short, void *);
void	sl_tick_cb(evutil_socket_t, short, void *);

#endif
