"""Writes the benchmark's HTTP inputs: the gate suite for a TENANTS x TENANTS matrix over RESOURCES, and a
curl config that sends the same requests (the peer: a smoke script's curl loop, made parallel).

    http_plan.py WORKDIR PORT TENANTS RESOURCES

Tenant i is t0i with its token in TOKEN_T0i; app.py gives object id r * TENANTS + i + 1 to tenant i's
object of resource r (one object each).
"""
import os
import sys
from urllib.parse import quote

# The same list as ProbePlan.malformedIDs, in the same order.
MALFORMED = ["../x", "9" * 1000, "abc", "\u00fcn\u00ef-\u2603", "", "x'", 'x"', "1' OR '1'='1", "1;--",
             "{{7*7}}${7*7}<%= 7*7 %>", "x\x00y", "\u00e9\u4e2d\U0001F600" * 700, "-1", "9223372036854775808",
             "-9223372036854775809", "a/b", "x/../../etc/passwd"]
METHODS = ["GET", "HEAD"]


def main():
    work, port, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    tenants = [f"t{i:02d}" for i in range(n)]
    resources = [f"r{r + 1}" for r in range(m)]
    oid = lambda r, t: r * n + t + 1
    base = f"http://127.0.0.1:{port}"

    with open(os.path.join(work, "http.yaml"), "w") as f:
        f.write("suite: bench-http\nchecks:\n  - id: matrix\n    uses: tenant-isolation\n    with:\n")
        f.write(f"      base-url: {base}\n      concurrency: 4\n      tenants:\n")
        for t in tenants:
            f.write(f"        - {{name: {t}, token-env: TOKEN_{t.upper()}}}\n")
        f.write("      resources:\n")
        for r, res in enumerate(resources):
            ids = ", ".join(f"{t}: [{oid(r, i)}]" for i, t in enumerate(tenants))
            f.write(f"        - {{path: \"/tenants/{{tenant}}/{res}/{{id}}\", ids: {{{ids}}}}}\n")

    tokens = {t: os.environ["TOKEN_" + t.upper()] for t in tenants}
    requests = []  # (method, path, tenant or None)
    for r, res in enumerate(resources):
        for method in METHODS:
            for o, owner in enumerate(tenants):
                i = oid(r, o)
                requests.append((method, f"/tenants/{owner}/{res}/{i}", owner))
                requests.append((method, f"/tenants/{owner}/{res}/{i}", None))
                for actor in tenants:
                    if actor != owner:
                        requests.append((method, f"/tenants/{owner}/{res}/{i}", actor))
                        requests.append((method, f"/tenants/{actor}/{res}/{i}", actor))
            for actor in tenants:
                for bad in MALFORMED:
                    requests.append((method, f"/tenants/{actor}/{res}/{quote(bad, safe='')}", actor))
    with open(os.path.join(work, "curl.cfg"), "w") as f:
        for k, (method, path, tenant) in enumerate(requests):
            if k:
                f.write("next\n")
            f.write(f'url = "{base}{path}"\noutput = /dev/null\nwrite-out = "%{{http_code}}\\n"\n')
            f.write('header = "Accept: application/json"\n')
            if tenant:
                f.write(f'header = "Authorization: Bearer {tokens[tenant]}"\n')
            if method == "HEAD":
                f.write("head\n")
    print(len(requests))


if __name__ == "__main__":
    main()
