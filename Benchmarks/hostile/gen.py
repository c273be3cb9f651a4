#!/usr/bin/env python3
"""Inputs for the hostile-input memory benchmark (Benchmarks/hostile/run).

  gen.py big-message FILE MB              one GATE_FINDINGS line whose message is MB megabytes
  gen.py many-findings FILE N BYTES       N GATE_FINDINGS lines with BYTES-byte messages over 10 rules
  gen.py junit FILE N                     a JUnit report of N failing testcases
  gen.py cas-corrupt DIR N                a native store of N objects whose bytes do not hash to their names
  gen.py checksums STORE MANIFEST         an xxh128 checksum manifest of a native store (its names are the digests)
  gen.py checksums-sparse DIR N KEEP      DIR/SHA256SUMS of N files of which DIR/files holds the first KEEP,
                                          the eighth of them changed; the rest are missing
  gen.py header-server PORTFILE MB        an HTTP server on loopback whose answers carry MB megabytes of headers

Everything is deterministic (no randomness), so a second run of the benchmark reuses what the first made.
"""
import hashlib
import http.server
import json
import os
import sys


def big_message(path, mb):
    size = int(mb) * 1_000_000
    with open(path, "w") as f:
        f.write('{"rule":"hostile/big","severity":"error","path":"a.txt","line":1,"message":"')
        chunk = "x" * 1_000_000
        for _ in range(size // len(chunk)):
            f.write(chunk)
        f.write('"}\n')


def many_findings(path, n, size):
    n, size = int(n), int(size)
    with open(path, "w") as f:
        for i in range(n):
            head = f"finding {i:07d} "
            line = {"rule": f"hostile/rule-{i % 10}", "severity": "error", "path": f"src/file-{i % 997:04d}.txt",
                    "line": i % 5000 + 1, "message": head + "m" * max(0, size - len(head))}
            f.write(json.dumps(line) + "\n")


def junit(path, n):
    n = int(n)
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write(f'<testsuites><testsuite name="hostile" tests="{n}" failures="{n}">\n')
        for i in range(n):
            f.write(f'<testcase classname="pkg.mod{i % 100}" name="test_{i:07d}" file="tests/test_{i % 100}.py" '
                    f'line="{i % 900 + 1}" time="0.001"><failure message="assert {i} == {i + 1}" type="AssertionError">'
                    f'Traceback: assert {i} == {i + 1}</failure></testcase>\n')
        f.write("</testsuite></testsuites>\n")


def cas_corrupt(root, n):
    """Objects named like XXH3-128 digests whose bytes are their own name: every one is a hash mismatch."""
    n = int(n)
    os.makedirs(os.path.join(root, "objects"), exist_ok=True)
    with open(os.path.join(root, "format"), "w") as f:
        f.write("gate-cas 1\n")
    made = set()
    for i in range(n):
        name = hashlib.md5(b"%d" % i).hexdigest()
        d = os.path.join(root, "objects", name[:2])
        if name[:2] not in made:
            os.makedirs(d, exist_ok=True)
            made.add(name[:2])
        fd = os.open(os.path.join(d, name[2:]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, name.encode())
        os.close(fd)


def checksums(store, manifest):
    """A native store's objects are named by their XXH3-128, so the manifest needs no hashing."""
    objects = os.path.join(store, "objects")
    with open(manifest, "w") as f:
        for d in sorted(os.listdir(objects)):
            if len(d) != 2:
                continue
            for name in sorted(os.listdir(os.path.join(objects, d))):
                f.write(f"{d}{name}  objects/{d}/{name}\n")


def checksums_sparse(root, n, keep):
    n, keep = int(n), int(keep)
    os.makedirs(os.path.join(root, "files"), exist_ok=True)
    with open(os.path.join(root, "SHA256SUMS"), "w") as sums:
        for i in range(n):
            name = "files/f%07d" % i
            content = b"object %d\n" % i
            if i < keep:
                with open(os.path.join(root, name), "wb") as f:
                    f.write(b"changed\n" if i == 7 else content)
            sums.write("%s  %s\n" % (hashlib.sha256(content).hexdigest(), name))


def header_server(port_file, mb):
    """Answers every request with 200, MB megabytes of 8 KB header lines, and a tiny JSON body."""
    total = int(mb) * 1_000_000
    line = b"X-Hostile-" + b"%06d" + b": " + b"h" * 8000 + b"\r\n"

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            body = b'{"items": [1, 2]}'
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
                sent, i = 0, 0
                while sent < total:
                    chunk = line % i
                    self.wfile.write(chunk)
                    sent += len(chunk)
                    i += 1
                self.wfile.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    commands = {"big-message": big_message, "many-findings": many_findings, "junit": junit,
                "cas-corrupt": cas_corrupt, "checksums": checksums, "checksums-sparse": checksums_sparse,
                "header-server": header_server}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
