#!/usr/bin/env python3
"""An independent writer of hash-chained ledgers, for gate's ledger tests.

It shares no code with gate: canonical forms (RFC 8785 JCS, sorted keys, compact, the line as
written), the record hash, the chain and the RFC 6962 Merkle tree are written here from the RFCs,
so that gate is tested against a second implementation, not against itself.

  write_ledger.py OUT.jsonl [--records N] [--canonical jcs|sorted|compact|bytes]
      [--algorithm sha256|sha512|xxh3-128] [--encoding hex|base64|base64url] [--prefix P]
      [--chain-input bytes|text] [--separator S] [--genesis zeros|empty|VALUE]
      [--hash-fields-as omit|null|undefined] [--prev-field NAME] [--no-chain] [--start N]
      [--edit K] [--delete K] [--swap K] [--insert K] [--duplicate K] [--reencode]
      [--forge-from K] [--truncate N] [--timestamp-back K]
      [--extra K:KEY=JSON] [--merkle-root FILE[:SIZE]] [--inclusion FILE:INDEX:SIZE] [--consistency FILE:M:N]
      [--sqlite DB | --postgres-sql FILE] [--table T] [--json-column C] [--blob-hashes] [--flat]
      [--append-to EXISTING]

Mutations apply after the ledger is written correctly, the way a tamperer or an accident would:
--edit changes record K's amount and leaves its hashes; --forge-from edits record K and recomputes
every hash and chain from K on (a self-consistent forgery); --insert puts a new, correctly hashed
and chained record after K (chained from K, so the record after it breaks). Records are numbered
from 1.
"""
import argparse
import base64
import hashlib
import json
import sqlite3
import subprocess
import sys
import time


def es_number(x):
    """ECMAScript Number::toString, from Python's shortest round-trip repr."""
    if x == 0:
        return "0"
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError("not representable in JSON")
    sign = "-" if x < 0 else ""
    r = repr(abs(x))
    mant, _, exp = r.partition("e")
    exp = int(exp) if exp else 0
    whole, _, frac = mant.partition(".")
    digits = (whole + frac).lstrip("0")
    n = len(whole) + exp - (len(whole + frac) - len((whole + frac).lstrip("0")))
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        s = digits + "0" * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        s = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + s


def jcs(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v) if abs(v) < 2 ** 53 else es_number(float(v))
    if isinstance(v, float):
        return es_number(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(jcs(x) for x in v) + "]"
    items = sorted(v.items(), key=lambda kv: kv[0].encode("utf-16-be"))
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + jcs(x) for k, x in items) + "}"


def compact(v, sort=False):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"), sort_keys=sort)


def digest(algorithm, data):
    if algorithm == "sha256":
        return hashlib.sha256(data).digest()
    if algorithm == "sha512":
        return hashlib.sha512(data).digest()
    # XXH3-128 through the xxhsum command (canonical big-endian, as it prints).
    out = subprocess.run(["xxhsum", "-H2", "-"], input=data, capture_output=True, check=True).stdout
    return bytes.fromhex(out.split()[0].decode().split("_")[-1])


def encode(b, encoding, prefix):
    if encoding == "hex":
        t = b.hex()
    elif encoding == "base64":
        t = base64.b64encode(b).decode()
    else:
        t = base64.urlsafe_b64encode(b).decode().rstrip("=")
    return prefix + t


class Writer:
    def __init__(self, a):
        self.a = a
        self.length = {"sha256": 32, "sha512": 64, "xxh3-128": 16}[a.algorithm]

    def genesis(self):
        g = self.a.genesis
        if g == "zeros":
            z = bytes(self.length)
            return z, encode(z, self.a.encoding, self.a.prefix).encode()
        if g in ("empty", ""):
            return b"", b""
        return g.encode(), g.encode()

    def hashed_form(self, body):
        """The bytes the record hash covers: `body` is the record without its hash members."""
        a = self.a
        if a.hash_fields_as in ("null", "undefined"):
            # undefined: an Erlang record's `undefined` atom, which jiffy encodes as the string "undefined".
            placeholder = None if a.hash_fields_as == "null" else "undefined"
            full = dict(body)
            full["hash"] = placeholder
            if not a.no_chain:
                full["chain_hash"] = placeholder
            body = full
        if a.canonical == "jcs":
            return jcs(body).encode()
        if a.canonical == "sorted":
            return compact(body, sort=True).encode()
        return compact(body).encode()  # compact, and bytes: the line as written without the hash members

    def seal(self, body, prev_chain):
        """The line for `body`, and its chain value (bytes, text)."""
        a = self.a
        h = digest(a.algorithm, self.hashed_form(body))
        ht = encode(h, a.encoding, a.prefix)
        record = dict(body)
        record["hash"] = ht
        chain = (None, None)
        if not a.no_chain:
            sep = a.separator.encode()
            joined = (prev_chain[0] + sep + h) if a.chain_input == "bytes" else (prev_chain[1] + sep + ht.encode())
            c = digest(a.algorithm, joined)
            ct = encode(c, a.encoding, a.prefix)
            record["chain_hash"] = ct
            chain = (c, ct.encode())
        return compact(record), h, chain

    def body(self, i, prev_chain):
        a = self.a
        # Content depends on the sequence number only, so that an appended ledger (--append-to) holds
        # exactly the records a longer ledger written at once would.
        seq = a.start + i - 1
        b = {
            "seq": seq,
            "receipt_id": "r-%06d" % seq,
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1772366400 + seq)),
            "amount": round(10 + (seq * 7919 % 100000) / 100, 2),
            "currency": "EUR",
            "customer": {"id": "c-%d" % (seq % 17), "name": ["Zoë", "Jürgen", "李", "O'Brien \"Ob\"", "😀 Ltd"][seq % 5]},
            "items": [{"sku": "A%d" % (seq % 9), "qty": 1 + seq % 3}],
        }
        if a.flat:
            del b["customer"], b["items"]
        if a.prev_field:
            b[a.prev_field] = prev_chain[1].decode() if not a.no_chain else None
        return b


def build(a):
    w = Writer(a)
    chain = w.genesis()
    lines, hashes, bodies = [], [], []
    if a.append_to:
        with open(a.append_to, "rb") as f:
            existing = [json.loads(l) for l in f.read().decode().splitlines() if l]
        last = existing[-1]
        chain = (decode(last["chain_hash"], a), last["chain_hash"].encode())
        a.start = last["seq"] + 1
    extras = {}
    for spec in a.extra:
        k, _, member = spec.partition(":")
        key, _, value = member.partition("=")
        extras.setdefault(int(k), {})[key] = json.loads(value)
    for i in range(1, a.records + 1):
        b = w.body(i, chain)
        b.update(extras.get(i, {}))
        line, h, c = w.seal(b, chain)
        lines.append(line)
        hashes.append(h)
        bodies.append(b)
        if not a.no_chain:
            chain = c
    return w, lines, hashes, bodies


def decode(text, a):
    t = text[len(a.prefix):]
    if a.encoding == "hex":
        return bytes.fromhex(t)
    pad = "=" * (-len(t) % 4)
    return base64.b64decode(t + pad) if a.encoding == "base64" else base64.urlsafe_b64decode(t + pad)


def reseal(a, w, lines, hashes, bodies, k):
    """Recomputes every hash and chain from record k on, as a forger (or a corrected writer) would."""
    chain = w.genesis() if k == 1 else None
    if chain is None:
        prev = json.loads(lines[k - 2])
        chain = (decode(prev["chain_hash"], a), prev["chain_hash"].encode())
    for i in range(k, len(lines) + 1):
        b = bodies[i - 1]
        if a.prev_field:
            b[a.prev_field] = chain[1].decode()
        line, h, c = w.seal(b, chain)
        lines[i - 1] = line
        hashes[i - 1] = h
        chain = c


def mutate(a, w, lines, hashes, bodies):
    if a.forge_from:
        bodies[a.forge_from - 1]["amount"] += 1000
        reseal(a, w, lines, hashes, bodies, a.forge_from)
    if a.timestamp_back:
        bodies[a.timestamp_back - 1]["ts"] = "2026-02-01T00:00:00Z"
        reseal(a, w, lines, hashes, bodies, a.timestamp_back)
    if a.edit:
        r = json.loads(lines[a.edit - 1])
        r["amount"] = r["amount"] + 1
        lines[a.edit - 1] = compact(r)
    if a.insert:
        prev = json.loads(lines[a.insert - 1])
        b = w.body(10_000 + a.insert, (decode(prev["chain_hash"], a), prev["chain_hash"].encode()))
        b["seq"] = prev["seq"] + 1
        line, h, _ = w.seal(b, (decode(prev["chain_hash"], a), prev["chain_hash"].encode()))
        lines.insert(a.insert, line)
        hashes.insert(a.insert, h)
    if a.duplicate:
        lines.insert(a.duplicate, lines[a.duplicate - 1])
        hashes.insert(a.duplicate, hashes[a.duplicate - 1])
    if a.swap:
        k = a.swap
        lines[k - 1], lines[k] = lines[k], lines[k - 1]
        hashes[k - 1], hashes[k] = hashes[k], hashes[k - 1]
    if a.delete:
        del lines[a.delete - 1]
        del hashes[a.delete - 1]
    if a.truncate is not None:
        del lines[a.truncate:]
        del hashes[a.truncate:]
    if a.reencode:
        # Same values, other key order and spacing: a restore through another JSON library.
        lines = [json.dumps(dict(reversed(list(json.loads(l).items()))), ensure_ascii=True, separators=(", ", ": "))
                 for l in lines]
    return lines, hashes


# RFC 6962 §2.1, written from its definitions.
def leaf_hash(d):
    return hashlib.sha256(b"\x00" + d).digest()


def node_hash(l, r):
    return hashlib.sha256(b"\x01" + l + r).digest()


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d):
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return leaf_hash(d[0])
    k = split(len(d))
    return node_hash(mth(d[:k]), mth(d[k:]))


def path(m, d):
    if len(d) == 1:
        return []
    k = split(len(d))
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m, d, b):
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = split(n)
    if m <= k:
        return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]


def write_json(path_, obj):
    with open(path_, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--records", type=int, default=10)
    p.add_argument("--canonical", default="jcs")
    p.add_argument("--algorithm", default="sha256")
    p.add_argument("--encoding", default="hex")
    p.add_argument("--prefix", default="")
    p.add_argument("--chain-input", default="bytes")
    p.add_argument("--separator", default="")
    p.add_argument("--genesis", default="zeros")
    p.add_argument("--hash-fields-as", default="omit")
    p.add_argument("--prev-field")
    p.add_argument("--no-chain", action="store_true")
    p.add_argument("--start", type=int, default=1)
    for m in ("edit", "delete", "swap", "insert", "duplicate", "forge-from", "truncate", "timestamp-back"):
        p.add_argument("--" + m, type=int)
    p.add_argument("--reencode", action="store_true")
    p.add_argument("--extra", action="append", default=[], help="K:key=JSON adds a member to record K before it is hashed")
    p.add_argument("--merkle-root")
    p.add_argument("--inclusion", action="append", default=[])
    p.add_argument("--consistency", action="append", default=[])
    p.add_argument("--sqlite")
    p.add_argument("--table", default="receipts")
    p.add_argument("--json-column")
    p.add_argument("--blob-hashes", action="store_true", help="store hash and chain as raw bytes (BLOB/BYTEA)")
    p.add_argument("--postgres-sql", help="write CREATE TABLE and INSERT statements for PostgreSQL to this file")
    p.add_argument("--flat", action="store_true", help="records without nested members (one table column each)")
    p.add_argument("--append-to")
    a = p.parse_args()
    w, lines, hashes, bodies = build(a)
    lines, hashes = mutate(a, w, lines, hashes, bodies)
    if a.sqlite:
        write_sqlite(a, lines)
    elif a.postgres_sql:
        with open(a.postgres_sql, "w") as f:
            f.write(table_sql(a, lines, "postgres"))
    else:
        mode = "a" if a.append_to and a.append_to == a.out else "w"
        with open(a.out, mode, encoding="utf-8", newline="\n") as f:
            for l in lines:
                f.write(l + "\n")
    if a.merkle_root:
        target, _, size = a.merkle_root.partition(":")
        n = int(size) if size else len(hashes)
        write_json(target, {"tree_size": n, "root_hash": mth(hashes[:n]).hex()})
    for spec in a.inclusion:
        target, i, n = spec.rsplit(":", 2)
        i, n = int(i), int(n)
        write_json(target, {"leaf_index": i, "tree_size": n, "root_hash": mth(hashes[:n]).hex(),
                            "audit_path": [h.hex() for h in path(i, hashes[:n])]})
    for spec in a.consistency:
        target, m, n = spec.rsplit(":", 2)
        m, n = int(m), int(n)
        write_json(target, {"first_size": m, "second_size": n, "first_root": mth(hashes[:m]).hex(),
                            "second_root": mth(hashes[:n]).hex(),
                            "consistency": [h.hex() for h in subproof(m, hashes[:n], True)]})


class SQL(str):
    """An SQL expression written into a statement as it is (PostgreSQL's decode() of a bytea value)."""


def sql_literal(v):
    if isinstance(v, SQL):
        return v
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, bytes):
        return "X'%s'" % v.hex()  # SQLite's blob literal
    return "'" + str(v).replace("'", "''") + "'"


def table_sql(a, lines, dialect):
    """CREATE TABLE and INSERT statements holding the ledger: with --json-column, the record's JSON in one
    column beside hash and chain columns (raw bytes with --blob-hashes); otherwise (with --flat records)
    one column per member."""
    out = []
    rows = [json.loads(l) for l in lines]

    def digest(text):
        if not a.blob_hashes or text is None:
            return text
        raw = decode(text, a)
        return SQL("decode('%s', 'hex')" % raw.hex()) if dialect == "postgres" else raw

    if a.json_column:
        kind = ("BYTEA" if dialect == "postgres" else "BLOB") if a.blob_hashes else "TEXT"
        out.append("CREATE TABLE %s (seq BIGINT PRIMARY KEY, %s TEXT NOT NULL, hash %s, chain_hash %s);" % (a.table, a.json_column, kind, kind))
        for r in rows:
            h, c = r.pop("hash"), r.pop("chain_hash", None)
            vals = [r["seq"], compact(r), digest(h), digest(c)]
            out.append("INSERT INTO %s VALUES (%s);" % (a.table, ", ".join(sql_literal(v) for v in vals)))
    else:
        types = {int: "BIGINT", float: "DOUBLE PRECISION" if dialect == "postgres" else "REAL", str: "TEXT"}
        first = rows[0]
        cols = ", ".join("%s %s" % (k, types[type(v)]) for k, v in first.items())
        out.append("CREATE TABLE %s (%s);" % (a.table, cols))
        for r in rows:
            out.append("INSERT INTO %s (%s) VALUES (%s);" % (a.table, ", ".join(r.keys()), ", ".join(sql_literal(v) for v in r.values())))
    return "\n".join(out) + "\n"


def write_sqlite(a, lines):
    db = sqlite3.connect(a.sqlite)
    db.executescript(table_sql(a, lines, "sqlite"))
    db.commit()
    db.close()


if __name__ == "__main__":
    sys.exit(main())
