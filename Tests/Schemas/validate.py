#!/usr/bin/env python3
"""Validate JSON documents against a JSON Schema: validate.py SCHEMA DOC...

Exit 0 when every document is valid; 1 with one line per error otherwise; 2 on usage errors.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("jsonschema is not installed; run `make test` (it provides .build/venv)", file=sys.stderr)
    sys.exit(2)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    failed = False
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            failed = True
            where = "/".join(str(p) for p in err.absolute_path) or "(root)"
            print(f"{path}: {where}: {err.message}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
