#!/usr/bin/env python3
# Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
"""Checks the DOM of tlsfront's /status page as a browser rendered it
(chromium --dump-dom), parsed with html.parser: the tables by id, their
rows by data attribute, their cells by data-field or class.

  statusdom.py DOMFILE [--rows TABLE=N]... [--expect SPEC]...

SPEC is TABLE|ATTR=VALUE|WHAT|EXPECTED: in <table id=TABLE>, the one row
whose attribute ATTR is VALUE; WHAT is "class" (the row's class
attribute, "" if none), "cell.CLASS" (the text of the cell with that
class, "cell.CLASS@class" its class attribute), "text" (the row's whole
text), or FIELD (the text of the cell with data-field=FIELD,
"FIELD@class" its class attribute). EXPECTED is compared exactly, or is
"~TEXT": must contain TEXT; it may hold "|". Also, always: one table per
id at most, no <script>, no element loading anything (src, <link>, href
leaving the page's own server, url() or @import in the style), no on*
handler. Prints every table and what was checked; exits 1 if any check
failed, 2 on bad usage."""

import argparse
import sys
from html.parser import HTMLParser


class Cell:
    def __init__(self, attrs):
        self.attrs = attrs
        self.text = ""


class Row:
    def __init__(self, attrs):
        self.attrs = attrs
        self.cells = []


class StatusDom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = {}          # id -> [Row] (body rows only)
        self.duplicate_ids = []
        self.problems = []        # scripts, external resources
        self.style = ""
        self.title = ""
        self._table = None
        self._row = None
        self._cell = None
        self._in_style = False
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict((k, v if v is not None else "") for k, v in attrs)
        if tag == "script":
            self.problems.append("a <script> element")
        if tag == "link":
            self.problems.append("a <link> element: %r" % a)
        if "src" in a:
            self.problems.append("<%s src=%r>" % (tag, a["src"]))
        href = a.get("href")
        if href is not None and not href.startswith("/") or \
                (href or "").startswith("//"):
            self.problems.append("<%s href=%r> leaves the page" % (tag, href))
        for k in a:
            if k.startswith("on"):
                self.problems.append("<%s %s=...>: a script" % (tag, k))
        if tag == "style":
            self._in_style = True
        elif tag == "title":
            self._in_title = True
        elif tag == "table" and "id" in a:
            if a["id"] in self.tables:
                self.duplicate_ids.append(a["id"])
            self._table = self.tables.setdefault(a["id"], [])
        elif tag == "tr" and self._table is not None:
            self._row = Row(a)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = Cell(a)
            if tag == "th":
                self._cell.attrs["_th"] = "1"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        elif tag == "title":
            self._in_title = False
        elif tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None:
            # Header rows (only <th>) are not data rows.
            if any("_th" not in c.attrs for c in self._row.cells):
                self._table.append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._cell.text = " ".join(self._cell.text.split())
            self._row.cells.append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        if self._in_title:
            self.title += data
        if self._cell is not None:
            self._cell.text += data


def has_class(attrs, name):
    return name in attrs.get("class", "").split()


def find_cell(row, what):
    """The cell WHAT names (see the module's doc), or None."""
    if what.startswith("cell."):
        cls = what[5:]
        for c in row.cells:
            if has_class(c.attrs, cls):
                return c
        return None
    for c in row.cells:
        if c.attrs.get("data-field") == what:
            return c
    return None


def value(row, what):
    if what == "class":
        return row.attrs.get("class", "")
    if what == "text":
        return " | ".join(c.text for c in row.cells)
    attr = None
    if "@" in what:
        what, attr = what.split("@", 1)
    cell = find_cell(row, what)
    if cell is None:
        return None
    return cell.attrs.get(attr, "") if attr else cell.text


def check(dom, spec):
    """One --expect; returns (ok, message)."""
    parts = spec.split("|", 3)
    if len(parts) != 4 or "=" not in parts[1]:
        raise SystemExit("statusdom.py: bad --expect %r" % spec)
    table, sel, what, want = parts
    attr, val = sel.split("=", 1)
    if table not in dom.tables:
        return False, "no table id=%s" % table
    rows = [r for r in dom.tables[table] if r.attrs.get(attr) == val]
    if len(rows) != 1:
        return False, "%s: %d rows with %s=%r" % (table, len(rows), attr,
                                                   val)
    got = value(rows[0], what)
    if got is None:
        return False, "%s[%s=%s]: no cell %s" % (table, attr, val, what)
    ok = want[1:] in got if want.startswith("~") else got == want
    return ok, "%s[%s=%s].%s = %r (expected %r)" % (table, attr, val, what,
                                                     got, want)


def dump(dom):
    for tid, rows in dom.tables.items():
        print("table %s: %d rows" % (tid, len(rows)))
        for r in rows:
            keys = " ".join("%s=%r" % (k, v) for k, v in r.attrs.items()
                            if k.startswith("data-") or k == "class")
            print("  [%s] %s" % (keys, " | ".join(c.text for c in r.cells)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("domfile")
    ap.add_argument("--rows", action="append", default=[],
                    help="TABLE=N: the table has N data rows")
    ap.add_argument("--expect", action="append", default=[])
    args = ap.parse_args()

    dom = StatusDom()
    with open(args.domfile, encoding="utf-8") as f:
        dom.feed(f.read())
    dom.close()
    dump(dom)
    failed = 0
    problems = list(dom.problems)
    problems += ["two tables with id=%s" % t for t in dom.duplicate_ids]
    for bad in ("url(", "@import", "@font-face"):
        if bad in dom.style:
            problems.append("%s in the style" % bad)
    if not dom.tables:
        problems.append("no tables at all")
    for p in problems:
        print("FAIL: %s" % p)
        failed += 1
    for spec in args.rows:
        table, n = spec.rsplit("=", 1)
        got = len(dom.tables.get(table, [])) if table in dom.tables else None
        ok = got == int(n)
        print("%s: table %s has %s data rows (expected %s)" %
              ("ok" if ok else "FAIL", table, got, n))
        failed += not ok
    for spec in args.expect:
        ok, msg = check(dom, spec)
        print("%s: %s" % ("ok" if ok else "FAIL", msg))
        failed += not ok
    print("statusdom: %d check(s), %d failed" %
          (len(args.rows) + len(args.expect) + 1, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
