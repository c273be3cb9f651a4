#define _GNU_SOURCE
#include "gate_mapped_hash.h"
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <xxhash.h>
#include <xxh_x86dispatch.h>

static __thread sigjmp_buf *active_jump;
static struct sigaction previous_bus;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void on_bus(int sig, siginfo_t *info, void *context) {
    if (active_jump != NULL) siglongjmp(*active_jump, 1);
    // Not a mapping of ours: behave as the previous handler (or the default) would.
    if (previous_bus.sa_flags & SA_SIGINFO) {
        if (previous_bus.sa_sigaction != NULL) { previous_bus.sa_sigaction(sig, info, context); return; }
    } else if (previous_bus.sa_handler != SIG_DFL && previous_bus.sa_handler != SIG_IGN) {
        previous_bus.sa_handler(sig);
        return;
    }
    signal(SIGBUS, SIG_DFL);
    raise(SIGBUS);
}

static void install_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &previous_bus);
}

int gate_xxh3_mapped(int fd, size_t size, int wide, unsigned char *out) {
    pthread_once(&install_once, install_handler);
    void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) return -1;
    sigjmp_buf jump;
    volatile int result = 0;
    if (sigsetjmp(jump, 1) == 0) {
        active_jump = &jump;
        if (wide) {
            XXH128_hash_t h = XXH3_128bits_dispatch(p, size);
            XXH128_canonicalFromHash((XXH128_canonical_t *)out, h);
        } else {
            XXH64_hash_t h = XXH3_64bits_dispatch(p, size);
            XXH64_canonicalFromHash((XXH64_canonical_t *)out, h);
        }
    } else {
        result = 1;
    }
    active_jump = NULL;
    munmap(p, size);
    return result;
}
