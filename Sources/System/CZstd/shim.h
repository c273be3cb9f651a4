#pragma once
// The system libzstd, for decoding zstd frame headers (content size, window, checksum flag, dictionary id).
// ZSTD_getFrameHeader sits behind ZSTD_STATIC_LINKING_ONLY; the shared library exports it.
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
