#!/usr/bin/env python3
"""The quote engine: turns one quote request (JSON) into a priced quote (JSON on stdout).

    python3 engine/engine.py engine/cases/basic.json

It is deterministic by construction, which is what `gate check determinism` verifies:
- money is integer cents and rounding is explicit (service.invoices);
- the quote id is derived from the request's content, never random or time-based;
- tags are a set in the request, so they are sorted before they are written;
- no clock, locale, host, path or environment value reaches the output;
- JSON is written with sorted keys and fixed separators.
"""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from service.invoices import Invoice  # noqa: E402


def quote(request: dict) -> dict:
    invoice = Invoice(number=request["number"], currency=request["currency"],
                      tax_rate_bp=request.get("taxRateBasisPoints", 0))
    for line in request["lines"]:
        invoice.add(line["description"], line["quantity"], line["unitCents"])
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":")).encode("utf-8")
    result = invoice.to_dict()
    result["quoteId"] = "q-" + hashlib.sha256(canonical).hexdigest()[:16]
    result["tags"] = sorted(set(request.get("tags", [])))
    result["validForDays"] = request.get("validForDays", 30)
    return result


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: engine.py REQUEST.json", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        request = json.load(f)
    try:
        result = quote(request)
    except (KeyError, ValueError) as e:
        print(f"invalid request {sys.argv[1]}: {e}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, sort_keys=True, indent=2, separators=(",", ": "))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
