#pragma once
// The system libarchive, for reading tar, ar and zip members and the gzip, bzip2, xz and zstd filters
// in the determinism verifier's archive comparison.
#include <archive.h>
#include <archive_entry.h>
