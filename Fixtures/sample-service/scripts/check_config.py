#!/usr/bin/env python3
"""Validate the service configuration: check_config.py config/service.json"""
import os
import sys

sys.path.insert(0, os.getcwd())
from service import config  # noqa: E402

try:
    cfg = config.load(sys.argv[1] if len(sys.argv) > 1 else "config/service.json")
except (config.ConfigError, ValueError, OSError) as e:
    print(f"invalid configuration: {e}", file=sys.stderr)
    sys.exit(1)
print(f"configuration ok: {cfg['name']} ({cfg['currency']}, tax {cfg['taxRateBasisPoints'] / 100:g}%)")
