"""Loads and validates the service configuration."""
import json

REQUIRED = {"name": str, "currency": str, "taxRateBasisPoints": int, "maxLinesPerInvoice": int}


class ConfigError(Exception):
    pass


def load(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    problems = []
    for key, kind in REQUIRED.items():
        if key not in data:
            problems.append(f"missing key '{key}'")
        elif not isinstance(data[key], kind):
            problems.append(f"'{key}' must be {kind.__name__}")
    if not problems and not (0 <= data["taxRateBasisPoints"] <= 10000):
        problems.append("'taxRateBasisPoints' must be between 0 and 10000")
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    return data
