/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront tests: an LD_PRELOAD shim for tlsfrontd. With TF_FAIL_LISTENER=N
 * the N-th evconnlistener_new() of each process fails (as on ENOMEM), and
 * every close() of a descriptor that is not open is reported on stderr
 * ("tf-shim: close(FD): not open"), so a test sees a socket closed twice.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct evconnlistener;
struct evconnlistener	*evconnlistener_new(void *, void *, void *, unsigned,
			    int, int);
int			 close(int);

typedef struct evconnlistener *(*evl_new_fn)(void *, void *, void *,
    unsigned, int, int);
typedef int (*close_fn)(int);

struct evconnlistener *
evconnlistener_new(void *base, void *cb, void *arg, unsigned flags,
    int backlog, int fd)
{
	static int		 calls;
	static evl_new_fn	 real;
	const char		*n = getenv("TF_FAIL_LISTENER");

	if (real == NULL)
		real = (evl_new_fn)dlsym(RTLD_NEXT, "evconnlistener_new");
	if (n != NULL && ++calls == atoi(n)) {
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
