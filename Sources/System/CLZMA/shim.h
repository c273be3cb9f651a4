#pragma once
// The system liblzma, for decoding xz stream headers, footers and block indexes (the determinism verifier
// names the check type and block count when two xz files hold the same content compressed differently).
#include <lzma.h>
