#pragma once
// The system zlib, for inflating git's loose objects in the cas verifier.
#include <zlib.h>
