#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""The admin endpoint's side of the integration tests (t80).

  metrics.py snapshot URL FILE        /metrics, parsed, as JSON into FILE
  metrics.py delta OLD NEW            the samples that changed, NEW - OLD
  metrics.py value FILE NAME [K=V..]  the sum of NAME's samples that match
  metrics.py prom URL QUERY           a Prometheus instant query's value
  metrics.py prom-wait URL QUERY VALUE SECONDS
                                      until the query gives VALUE
  metrics.py http PORT                the HTTP strictness checks
  metrics.py refserver CERT KEY PORTFILE N OUT
                                      Python's ssl as a server for N
                                      connections; session_stats() to OUT
  metrics.py hold PORT SECONDS [record]
                                      a TCP connection that sends nothing
                                      (or one byte of a TLS record)
  metrics.py tlshold PORT CAFILE SECONDS
                                      a TLS connection that sends nothing
  metrics.py echo PORT CAFILE N       one TLS connection echoing N bytes
"""
import json
import re
import socket
import ssl
import sys
import time
import urllib.parse
import urllib.request

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text):
    """{"name{k=v,...}": value} of every sample (labels sorted)."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        m = SAMPLE.match(line)
        if m is None:
            raise SystemExit('not a sample line: %r' % line)
        labels = LABEL.findall(m.group(3) or '')
        key = m.group(1) + '{' + ','.join(
            '%s=%s' % (k, v) for k, v in sorted(labels)) + '}'
        out[key] = float(m.group(4))
    return out


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        if r.status != 200:
            raise SystemExit('%s: status %d' % (url, r.status))
        return r.read().decode()


def value(samples, name, want):
    total, found = 0.0, False
    for key, v in samples.items():
        n, _, labels = key.partition('{')
        if n != name:
            continue
        have = dict(kv.split('=', 1) for kv in labels[:-1].split(',') if kv)
        if all(have.get(k) == val for k, val in want.items()):
            total += v
            found = True
    if not found:
        raise SystemExit('no sample %s%s' % (name, want))
    return total


def fmt(v):
    return '%d' % v if v == int(v) else repr(v)


def cmd_snapshot(url, path):
    with open(path, 'w') as f:
        json.dump(parse(fetch(url)), f, indent=0, sort_keys=True)


def cmd_delta(old, new):
    a, b = json.load(open(old)), json.load(open(new))
    for key in sorted(b):
        d = b[key] - a.get(key, 0)
        if d != 0:
            print('%s %s' % (key, fmt(d)))


def cmd_value(path, name, *labels):
    want = dict(x.split('=', 1) for x in labels)
    print(fmt(value(json.load(open(path)), name, want)))


def prom_query(url, query):
    q = urllib.parse.urlencode({'query': query})
    with urllib.request.urlopen(url + '/api/v1/query?' + q,
                                timeout=10) as r:
        data = json.load(r)
    if data.get('status') != 'success':
        raise SystemExit('query %s: %s' % (query, data))
    res = data['data']['result']
    if data['data']['resultType'] == 'scalar':
        return res[1]
    return res[0]['value'][1] if res else None


def cmd_prom(url, query):
    print(prom_query(url, query))


def cmd_prom_wait(url, query, want, seconds):
    end = time.time() + float(seconds)
    got = None
    while time.time() < end:
        try:
            got = prom_query(url, query)
        except OSError:
            got = None
        if got is not None and float(got) == float(want):
            print(got)
            return
        time.sleep(0.2)
    raise SystemExit('%s: %s after %s s, not %s' % (query, got, seconds,
                                                    want))


def exchange(port, data, timeout=5):
    """Send data, read until the server closes or is quiet: (reply,
    closed)."""
    s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    s.sendall(data)
    out, closed = b'', False
    try:
        while True:
            d = s.recv(65536)
            if not d:
                closed = True
                break
            out += d
    except socket.timeout:
        pass
    s.close()
    return out, closed


def status(reply):
    line = reply.split(b'\r\n', 1)[0].decode('latin-1')
    return int(line.split()[1]) if line.startswith('HTTP/') else None


def cmd_http(port):
    port = int(port)
    cases = [
        ('POST', b'POST /metrics HTTP/1.1\r\nHost: t\r\n\r\n', 405, True),
        ('not HTTP', b'GARBAGE\r\n\r\n', 400, True),
        ('HTTP/9.9', b'GET /healthz HTTP/9.9\r\n\r\n', 400, True),
        ('long header', b'GET /metrics HTTP/1.1\r\nHost: t\r\nX: ' +
         b'a' * 10000 + b'\r\n\r\n', 400, True),
        ('long target', b'GET /' + b'a' * 9000 + b' HTTP/1.1\r\n\r\n', 400,
         True),
        ('GET with a body', b'GET /metrics HTTP/1.1\r\nHost: t\r\n'
         b'Content-Length: 5\r\n\r\nhello', 400, True),
        ('huge body', b'GET /metrics HTTP/1.1\r\nHost: t\r\n'
         b'Content-Length: 100000\r\n\r\n' + b'x' * 2000, 413, True),
        ('unknown path', b'GET /admin HTTP/1.1\r\nHost: t\r\n'
         b'Connection: close\r\n\r\n', 404, True),
    ]
    bad = 0
    for name, data, want, must_close in cases:
        reply, closed = exchange(port, data, timeout=3)
        got = status(reply)
        ok = got == want and (closed or not must_close)
        bad += not ok
        print('%-16s %s %s%s' % (name, got, 'closed' if closed else 'open',
                                 '' if ok else '  WANTED %d closed' % want))
    # Keep-alive: two requests on one connection, both answered.
    s = socket.create_connection(('127.0.0.1', port), timeout=5)
    s.sendall(b'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n' * 2)
    time.sleep(0.5)
    s.settimeout(1)
    reply = b''
    try:
        while reply.count(b'HTTP/1.1 200') < 2:
            d = s.recv(65536)
            if not d:
                break
            reply += d
    except socket.timeout:
        pass
    s.close()
    n = reply.count(b'HTTP/1.1 200')
    print('keep-alive       %d of 2 answered' % n)
    bad += n != 2
    # The query string is not part of the path.
    reply, _ = exchange(port, b'GET /healthz?x=1 HTTP/1.1\r\nHost: t\r\n'
                        b'Connection: close\r\n\r\n')
    print('query string     %s' % status(reply))
    bad += status(reply) not in (200, 503)
    sys.exit(1 if bad else 0)


def cmd_refserver(cert, key, portfile, n, out):
    """Python's ssl.SSLContext(PROTOCOL_TLS_SERVER) with the certificate:
    n connections, each handshaken and read to the end, then its
    session_stats()."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ls = socket.socket()
    ls.bind(('127.0.0.1', 0))
    ls.listen(16)
    with open(portfile + '.tmp', 'w') as f:
        f.write('%d\n' % ls.getsockname()[1])
    import os
    os.rename(portfile + '.tmp', portfile)
    ls.settimeout(60)
    for _ in range(int(n)):
        c, _ = ls.accept()
        c.settimeout(10)
        try:
            t = ctx.wrap_socket(c, server_side=True)
            while t.recv(4096):
                pass
            t.close()
        except (ssl.SSLError, OSError):
            c.close()
    with open(out, 'w') as f:
        json.dump(ctx.session_stats(), f, sort_keys=True)


def cmd_hold(port, seconds, first=''):
    """A connection that sends nothing (or the first byte of a TLS record,
    so that a listener's TCP_DEFER_ACCEPT hands it over at once)."""
    s = socket.create_connection(('127.0.0.1', int(port)))
    if first == 'record':
        s.sendall(b'\x16')
    time.sleep(float(seconds))
    s.close()


def cmd_tlshold(port, cafile, seconds):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False
    with socket.create_connection(('127.0.0.1', int(port)), timeout=10) as s:
        with ctx.wrap_socket(s):
            time.sleep(float(seconds))


def cmd_echo(port, cafile, n):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False
    n = int(n)
    with socket.create_connection(('127.0.0.1', int(port)), timeout=10) as s:
        with ctx.wrap_socket(s) as t:
            t.sendall(b'e' * n)
            got = b''
            while len(got) < n:
                d = t.recv(65536)
                if not d:
                    break
                got += d
            if got != b'e' * n:
                raise SystemExit('echo: %d of %d bytes back' % (len(got), n))
            t.unwrap()


COMMANDS = {
    'snapshot': cmd_snapshot, 'delta': cmd_delta, 'value': cmd_value,
    'prom': cmd_prom, 'prom-wait': cmd_prom_wait, 'http': cmd_http,
    'refserver': cmd_refserver, 'hold': cmd_hold, 'tlshold': cmd_tlshold,
    'echo': cmd_echo,
}

if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
