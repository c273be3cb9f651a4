/// The C source of gate's preload shim, compiled on first use (see `PreloadShim`). Kept as a string so that
/// the single gate binary carries it: the release build links the Swift runtime statically and ships no
/// shared libraries of its own.
enum PreloadShimSource {
    static let text = #"""
// gate's variation shim, preloaded into the command by the determinism verifier. Each part acts only
// when its variable is set:
//   GATE_READDIR_ORDER=reverse | shuffle:SEED   directory entries in another order (readdir, readdir64)
//   GATE_UNAME_RELEASE, GATE_UNAME_VERSION      what uname(2) reports as the kernel release and version
//   GATE_NPROC=N                                how many CPUs sysconf, get_nprocs and sched_getaffinity report
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

static void *next(const char *name) { return dlsym(RTLD_NEXT, name); }

// ---- directory order ----------------------------------------------------------------------------
// On the first read of a stream, every entry is read through the real function and kept; the
// entries are then handed out in the chosen order. closedir and rewinddir drop or restart the list.

struct listing {
    void *dir;
    int is64;
    char *entries;   // packed copies of the entries
    size_t *offsets; // where each entry starts in `entries`
    size_t count, next;
    struct listing *link;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct listing *listings;

static int order_mode(uint64_t *seed) {
    const char *v = getenv("GATE_READDIR_ORDER");
    if (!v || !*v) return 0;
    if (strcmp(v, "reverse") == 0) return 1;
    if (strncmp(v, "shuffle:", 8) == 0) { *seed = strtoull(v + 8, NULL, 10) | 1; return 2; }
    return 0;
}

static uint64_t step(uint64_t *s) { // xorshift64*
    *s ^= *s >> 12; *s ^= *s << 25; *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static struct listing *find(void *dir) {
    for (struct listing *l = listings; l; l = l->link) if (l->dir == dir) return l;
    return NULL;
}

static void drop(void *dir) {
    for (struct listing **p = &listings; *p; p = &(*p)->link) {
        if ((*p)->dir == dir) {
            struct listing *l = *p;
            *p = l->link;
            free(l->entries); free(l->offsets); free(l);
            return;
        }
    }
}

static struct listing *load(void *dir, int is64, uint64_t seed, int mode) {
    struct listing *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->dir = dir; l->is64 = is64;
    size_t cap = 0, used = 0, ocap = 0;
    struct dirent *(*real)(DIR *) = next("readdir");
    struct dirent64 *(*real64)(DIR *) = next("readdir64");
    for (;;) {
        void *e; size_t len;
        if (is64) { struct dirent64 *d = real64((DIR *)dir); if (!d) break; e = d; len = d->d_reclen; }
        else { struct dirent *d = real((DIR *)dir); if (!d) break; e = d; len = d->d_reclen; }
        if (used + len > cap) { cap = (cap + len) * 2; char *n = realloc(l->entries, cap); if (!n) break; l->entries = n; }
        if (l->count == ocap) { ocap = ocap ? ocap * 2 : 64; size_t *n = realloc(l->offsets, ocap * sizeof *n); if (!n) break; l->offsets = n; }
        memcpy(l->entries + used, e, len);
        l->offsets[l->count++] = used;
        used += len;
    }
    if (mode == 1) {
        for (size_t i = 0; i < l->count / 2; i++) {
            size_t t = l->offsets[i]; l->offsets[i] = l->offsets[l->count - 1 - i]; l->offsets[l->count - 1 - i] = t;
        }
    } else {
        for (size_t i = l->count; i > 1; i--) {
            size_t j = step(&seed) % i, t = l->offsets[i - 1];
            l->offsets[i - 1] = l->offsets[j]; l->offsets[j] = t;
        }
    }
    l->link = listings;
    listings = l;
    return l;
}

static void *entry(DIR *dir, int is64) {
    uint64_t seed = 0;
    int mode = order_mode(&seed);
    if (!mode) {
        if (is64) { struct dirent64 *(*real64)(DIR *) = next("readdir64"); return real64(dir); }
        struct dirent *(*real)(DIR *) = next("readdir");
        return real(dir);
    }
    pthread_mutex_lock(&lock);
    struct listing *l = find(dir);
    if (!l) l = load(dir, is64, seed, mode);
    void *out = NULL;
    if (l && l->next < l->count) out = l->entries + l->offsets[l->next++];
    pthread_mutex_unlock(&lock);
    return out;
}

struct dirent *readdir(DIR *dir) { return entry(dir, 0); }
struct dirent64 *readdir64(DIR *dir) { return entry(dir, 1); }

int closedir(DIR *dir) {
    pthread_mutex_lock(&lock);
    drop(dir);
    pthread_mutex_unlock(&lock);
    int (*real)(DIR *) = next("closedir");
    return real(dir);
}

void rewinddir(DIR *dir) {
    pthread_mutex_lock(&lock);
    drop(dir);
    pthread_mutex_unlock(&lock);
    void (*real)(DIR *) = next("rewinddir");
    real(dir);
}

// ---- kernel version -----------------------------------------------------------------------------

int uname(struct utsname *buf) {
    int (*real)(struct utsname *) = next("uname");
    int r = real(buf);
    if (r == 0) {
        const char *release = getenv("GATE_UNAME_RELEASE"), *version = getenv("GATE_UNAME_VERSION");
        if (release && *release) { strncpy(buf->release, release, sizeof buf->release - 1); buf->release[sizeof buf->release - 1] = 0; }
        if (version && *version) { strncpy(buf->version, version, sizeof buf->version - 1); buf->version[sizeof buf->version - 1] = 0; }
    }
    return r;
}

// ---- CPU count ----------------------------------------------------------------------------------

static long cpus(void) {
    const char *v = getenv("GATE_NPROC");
    long n = v ? strtol(v, NULL, 10) : 0;
    return n > 0 && n <= CPU_SETSIZE ? n : 0;
}

long sysconf(int name) {
    long n = cpus();
    if (n && (name == _SC_NPROCESSORS_ONLN || name == _SC_NPROCESSORS_CONF)) return n;
    long (*real)(int) = next("sysconf");
    return real(name);
}

int get_nprocs(void) { long n = cpus(); if (n) return (int)n; int (*real)(void) = next("get_nprocs"); return real(); }
int get_nprocs_conf(void) { long n = cpus(); if (n) return (int)n; int (*real)(void) = next("get_nprocs_conf"); return real(); }

int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *mask) {
    int (*real)(pid_t, size_t, cpu_set_t *) = next("sched_getaffinity");
    int r = real(pid, size, mask);
    long n = cpus();
    if (r == 0 && n && (pid == 0 || pid == getpid())) {
        CPU_ZERO_S(size, mask);
        for (long i = 0; i < n && (size_t)i < size * 8; i++) CPU_SET_S(i, size, mask);
    }
    return r;
}
"""#
}
