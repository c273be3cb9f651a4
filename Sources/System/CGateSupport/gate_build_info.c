// Build facts for `gate --version --verbose`. The values come from defines that Package.swift sets on
// this target only (from GATE_BUILD_COMMIT and GATE_BUILD_DATE), so a new commit recompiles this file
// and nothing else.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include "gate_support.h"

#ifndef GATE_BUILD_COMMIT
#define GATE_BUILD_COMMIT "unknown"
#endif
#ifndef GATE_BUILD_DATE
#define GATE_BUILD_DATE "unknown"
#endif

const char *gate_build_commit(void) { return GATE_BUILD_COMMIT; }

const char *gate_build_date(void) { return GATE_BUILD_DATE; }

const char *gate_loaded_from(const void *address) {
    Dl_info info;
    if (address == NULL || dladdr(address, &info) == 0 || info.dli_fname == NULL) return NULL;
    return info.dli_fname;
}
