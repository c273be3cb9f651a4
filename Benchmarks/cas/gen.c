// Deterministic synthetic store for the cas benchmark, in gate's native layout (docs/cas-format.md):
// SMALL objects of 256 B to 8 KiB and LARGE objects of 1 to 16 MiB, both log-uniform, with bytes from a
// seeded splitmix64 stream, each written to objects/<2 hex>/<30 hex> named by its XXH3-128.
//   gcc -O2 gen.c -lxxhash -lm -o gen && gen DIR SMALL LARGE [SMALL_MAX_BYTES]
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <xxh_x86dispatch.h>

static uint64_t state = 0x6a09e667f3bcc909ULL;

static uint64_t next(void) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t log_uniform(double lo, double hi) {
    double u = (double)(next() >> 11) / 9007199254740992.0;
    return (size_t)exp(log(lo) + u * (log(hi) - log(lo)));
}

static void put(const char *root, unsigned char *buf, size_t size) {
    for (size_t i = 0; i < size; i += 8) { uint64_t v = next(); memcpy(buf + i, &v, size - i < 8 ? size - i : 8); }
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_dispatch(buf, size));
    char hex[33];
    for (int i = 0; i < 16; i++) sprintf(hex + 2 * i, "%02x", c.digest[i]);
    char path[4096];
    snprintf(path, sizeof path, "%s/objects/%.2s", root, hex);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/objects/%.2s/%s", root, hex, hex + 2);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { perror(path); exit(1); }
    size_t off = 0;
    while (off < size) {
        ssize_t n = write(fd, buf + off, size - off);
        if (n < 0) { perror("write"); exit(1); }
        off += (size_t)n;
    }
    close(fd);
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: gen DIR SMALL LARGE\n"); return 2; }
    const char *root = argv[1];
    long small = atol(argv[2]), large = atol(argv[3]);
    double small_max = argc > 4 ? atof(argv[4]) : 8192;
    char path[4096];
    mkdir(root, 0755);
    snprintf(path, sizeof path, "%s/objects", root);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/format", root);
    FILE *f = fopen(path, "w");
    fputs("gate-cas 1\n", f);
    fclose(f);
    unsigned char *buf = malloc(16u << 20);
    for (long i = 0; i < small; i++) put(root, buf, log_uniform(256, small_max));
    for (long i = 0; i < large; i++) put(root, buf, log_uniform(1 << 20, 16 << 20));
    return 0;
}
