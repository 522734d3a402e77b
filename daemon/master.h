/*
 * tlsfront: the master process when there are several workers: it forks
 * them, restarts one that dies, and passes stop signals on.
 */
#ifndef TF_MASTER_H
#define TF_MASTER_H

#include <stddef.h>

struct tf_generation;

/*
 * Run nworkers worker processes; worker i serves the listening sockets
 * fds[i * nlisteners ...]. Returns when all have exited after SIGTERM or
 * SIGINT: 0 if they all stopped cleanly, -1 otherwise. Closes the fds;
 * the array itself stays the caller's.
 */
int	tf_master_run(struct tf_generation *gen, size_t nworkers, int *fds);

#endif
