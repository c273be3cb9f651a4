#!/usr/bin/env python3
"""Drops every file under the given directories from the page cache (posix_fadvise DONTNEED), so the
next run reads from disk: the 'cold' case, without root or drop_caches."""
import os
import sys

for top in sys.argv[1:]:
    for dirpath, _, names in os.walk(top):
        for name in names:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
