#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""Socket options of a live proxied connection, read from inside tlsfrontd.

Opens a TLS connection to the daemon, makes one echo round trip and keeps
the connection open; then takes copies of the worker processes' socket
descriptors with pidfd_getfd(2) (root, Linux >= 5.6) and finds the two
sockets of that connection: the accepted client socket (its peer is our
local address) and the backend socket (its peer is the backend's address).
Prints one line per socket: "client TCP_NODELAY=1", "backend TCP_NODELAY=1".
Exit status 0 only if both were found.

  sockopts.py --pid DAEMON_PID --port PORT --backend-port BPORT --cafile CA
"""

import argparse
import ctypes
import os
import socket
import ssl
import sys

SYS_PIDFD_GETFD = 438       # the same number on every Linux architecture
libc = ctypes.CDLL(None, use_errno=True)


def children(pid):
    """Direct children of pid (the daemon's workers)."""
    kids = []
    for task in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/children" % (pid, task)) as f:
            kids += [int(k) for k in f.read().split()]
    return kids


def socket_fds(pid):
    fds = []
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith(
                    "socket:"):
                fds.append(int(fd))
        except OSError:
            pass
    return fds


def grab(pidfd, fd):
    """A copy of process pidfd's descriptor fd, as a socket, or None."""
    local = libc.syscall(SYS_PIDFD_GETFD, pidfd, fd, 0)
    if local < 0:
        err = ctypes.get_errno()
        sys.exit("pidfd_getfd: %s" % os.strerror(err))
    try:
        return socket.socket(fileno=local)
    except OSError:
        os.close(local)
        return None


def peer_of(s):
    try:
        return s.getpeername()
    except OSError:
        return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--backend-port", type=int, required=True)
    p.add_argument("--cafile", required=True)
    a = p.parse_args()

    ctx = ssl.create_default_context(cafile=a.cafile)
    ctx.check_hostname = False
    raw = socket.create_connection(("127.0.0.1", a.port), timeout=30)
    tls = ctx.wrap_socket(raw)
    tls.sendall(b"ping\n")
    if tls.recv(64) != b"ping\n":
        sys.exit("no echo through the proxy")
    me = tls.getsockname()

    found = {}
    for worker in children(a.pid) or [a.pid]:
        pidfd = os.pidfd_open(worker)
        try:
            for fd in socket_fds(worker):
                s = grab(pidfd, fd)
                if s is None:
                    continue
                with s:
                    if s.family not in (socket.AF_INET, socket.AF_INET6):
                        continue
                    peer = peer_of(s)
                    if peer is None:
                        continue
                    if peer[:2] == me[:2]:
                        name = "client"
                    elif peer[1] == a.backend_port:
                        name = "backend"
                    else:
                        continue
                    found[name] = s.getsockopt(socket.IPPROTO_TCP,
                                               socket.TCP_NODELAY)
        finally:
            os.close(pidfd)
    tls.close()
    for name in ("client", "backend"):
        if name in found:
            print("%s TCP_NODELAY=%d" % (name, 1 if found[name] else 0))
        else:
            print("%s socket not found" % name)
    return 0 if len(found) == 2 else 1


if __name__ == "__main__":
    sys.exit(main())
