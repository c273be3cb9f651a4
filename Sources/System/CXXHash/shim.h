#pragma once
// The dispatch header declares XXH3_64bits_dispatch and friends, which pick the widest SIMD path
// (AVX2/AVX-512) at run time. Debian's plain XXH3_* symbols are built for SSE2 only, so ContentHash
// calls the *_dispatch functions by name: Swift cannot see the C macros that would redirect to them.
#include <xxhash.h>
#include <xxh_x86dispatch.h>
