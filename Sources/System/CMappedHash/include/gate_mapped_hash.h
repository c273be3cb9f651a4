#pragma once
#include <stddef.h>

/// XXH3 (64 or 128 bits) of `size` bytes of `fd`, hashed in place through mmap(2).
///
/// A file truncated by another process while it is mapped makes the next access raise SIGBUS. This
/// function catches that for its own thread only (sigsetjmp/siglongjmp entirely inside C, so no Swift
/// frame is ever unwound) and reports it; any other SIGBUS goes to the handler that was installed before.
///
/// Writes the canonical (big-endian) digest to `out` (8 or 16 bytes).
/// Returns 0 on success, 1 when the file shrank while it was being hashed, -1 when it cannot be mapped.
int gate_xxh3_mapped(int fd, size_t size, int wide, unsigned char *out);
