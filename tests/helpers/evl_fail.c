/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront tests: an LD_PRELOAD shim for tlsfrontd that injects faults.
 * - TF_FAIL_LISTENER=N: the N-th evconnlistener_new() of each process
 *   fails (as on ENOMEM).
 * - TF_FAIL_LISTENER_IF=FILE: every evconnlistener_new() fails while FILE
 *   exists (a worker started then cannot start).
 * - TF_FAIL_FORK_IF=FILE: every fork() fails with EAGAIN while FILE exists
 *   (as at the process limit).
 * - TF_FAIL_ACCEPT_IF=FILE: every accept4() fails with EMFILE while FILE
 *   exists (as when descriptors run out); each failure is reported on
 *   stderr, so a test can count them.
 * Every close() of a descriptor that is not open is reported on stderr
 * ("tf-shim: close(FD): not open"), so a test sees a socket closed twice.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

struct evconnlistener;
struct evconnlistener	*evconnlistener_new(void *, void *, void *, unsigned,
			    int, int);
int			 close(int);
pid_t			 fork(void);
int			 accept4(int, struct sockaddr *, socklen_t *, int);

typedef struct evconnlistener *(*evl_new_fn)(void *, void *, void *,
    unsigned, int, int);
typedef int (*close_fn)(int);
typedef pid_t (*fork_fn)(void);
typedef int (*accept4_fn)(int, struct sockaddr *, socklen_t *, int);

/* True while the file named by the environment variable exists. */
static int
armed(const char *var)
{
	const char	*path = getenv(var);

	return path != NULL && access(path, F_OK) == 0;
}

struct evconnlistener *
evconnlistener_new(void *base, void *cb, void *arg, unsigned flags,
    int backlog, int fd)
{
	static int		 calls;
	static evl_new_fn	 real;
	const char		*n = getenv("TF_FAIL_LISTENER");

	if (real == NULL)
		real = (evl_new_fn)dlsym(RTLD_NEXT, "evconnlistener_new");
	if ((n != NULL && ++calls == atoi(n)) ||
	    armed("TF_FAIL_LISTENER_IF")) {
		dprintf(2, "tf-shim: evconnlistener_new(fd %d): injected "
		    "failure\n", fd);
		errno = ENOMEM;
		return NULL;
	}
	return real(base, cb, arg, flags, backlog, fd);
}

int
close(int fd)
{
	static close_fn	real;
	int		r, saved;

	if (real == NULL)
		real = (close_fn)dlsym(RTLD_NEXT, "close");
	r = real(fd);
	if (r == -1 && errno == EBADF) {
		saved = errno;
		dprintf(2, "tf-shim: close(%d): not open\n", fd);
		errno = saved;
	}
	return r;
}

pid_t
fork(void)
{
	static fork_fn	real;

	if (real == NULL)
		real = (fork_fn)dlsym(RTLD_NEXT, "fork");
	if (armed("TF_FAIL_FORK_IF")) {
		dprintf(2, "tf-shim: fork: injected failure\n");
		errno = EAGAIN;
		return -1;
	}
	return real();
}

int
accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	static accept4_fn	real;

	if (real == NULL)
		real = (accept4_fn)dlsym(RTLD_NEXT, "accept4");
	if (armed("TF_FAIL_ACCEPT_IF")) {
		dprintf(2, "tf-shim: accept4: injected EMFILE\n");
		errno = EMFILE;
		return -1;
	}
	return real(fd, sa, len, flags);
}
