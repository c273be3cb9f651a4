#!/usr/bin/env python3
"""The Python peer of the ledger benchmark: the same verification as `gate check ledger` with hashlib.

peer.py LEDGER.jsonl

For each line: parse, take out hash and chain_hash, canonicalise the rest (sorted keys, compact, UTF-8:
RFC 8785's form for these records, which hold only ASCII strings and integers), check SHA-256 of it
against hash, and chain_hash against SHA-256(previous chain || hash) from 32 zero bytes. Prints the
record count; exits 1 at the first record that fails.
"""
import hashlib
import json
import sys


def main():
    chain = bytes(32)
    n = 0
    with open(sys.argv[1], "rb") as f:
        for line in f:
            n += 1
            record = json.loads(line)
            stored_hash = bytes.fromhex(record.pop("hash"))
            stored_chain = bytes.fromhex(record.pop("chain_hash"))
            canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
            if hashlib.sha256(canonical).digest() != stored_hash:
                print(f"record {n}: hash mismatch")
                return 1
            chain = hashlib.sha256(chain + stored_hash).digest()
            if chain != stored_chain:
                print(f"record {n}: chain mismatch")
                return 1
    print(f"{n} records verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
