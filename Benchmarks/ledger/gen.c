// Writes a receipts ledger for the ledger benchmark, fast enough for ten million records.
//
//   gen OUT.jsonl COUNT [FIRST_SEQ PREVIOUS_CHAIN_HEX]
//
// Each record's members are written in sorted order, compact, ASCII, with integers only, so the record
// without its hash members is already its RFC 8785 form; hash = SHA-256 of it, chain_hash =
// SHA-256(previous chain bytes || hash bytes) from 32 zero bytes, both lowercase hex and written after
// the record's members. With FIRST_SEQ and PREVIOUS_CHAIN_HEX it continues an existing ledger (the
// appended records of the checkpointed re-run). Deterministic: the same arguments give the same bytes.
#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hex(const unsigned char *d, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[64] = 0;
}

int main(int argc, char **argv) {
    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: gen OUT COUNT [FIRST_SEQ PREVIOUS_CHAIN_HEX]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], argc == 5 ? "ab" : "wb");
    if (!f) { perror(argv[1]); return 1; }
    setvbuf(f, NULL, _IOFBF, 1 << 22);
    long long count = atoll(argv[2]);
    long long first = argc == 5 ? atoll(argv[3]) : 1;
    unsigned char chain[32] = {0};
    if (argc == 5) {
        for (int i = 0; i < 32; i++) sscanf(argv[4] + 2 * i, "%2hhx", &chain[i]);
    }
    static const char *currencies[] = {"CHF", "EUR", "GBP", "USD"};
    static const char *methods[] = {"card", "cash", "invoice", "transfer", "wallet"};
    char body[512], line[768], hash_hex[65], chain_hex[65];
    unsigned char hash[32], joined[64];
    for (long long seq = first; seq < first + count; seq++) {
        uint64_t x = (uint64_t)seq * 0x9E3779B97F4A7C15ull;
        int n = snprintf(body, sizeof body,
            "{\"amount_cents\":%llu,\"currency\":\"%s\",\"customer_id\":\"c-%06llu\",\"items\":[{\"qty\":%llu,\"sku\":\"SKU-%05llu\"}],"
            "\"merchant\":\"store-%03llu\",\"method\":\"%s\",\"receipt_id\":\"r-%010lld\",\"seq\":%lld,"
            "\"ts\":\"2026-%02lld-%02lldT%02lld:%02lld:%02lldZ\"}",
            (unsigned long long)(x >> 40) % 1000000, currencies[(x >> 8) & 3], (unsigned long long)(x >> 20) % 1000000,
            (unsigned long long)1 + (x >> 12) % 5, (unsigned long long)(x >> 24) % 100000,
            (unsigned long long)(x >> 44) % 1000, methods[(x >> 4) % 5], seq, seq,
            // A timestamp that never goes back: one record per second from March 1, in 28-day months
            // (ten million records end in July; December ends at 24 million).
            3 + seq / 86400 / 28, 1 + (seq / 86400) % 28, (seq / 3600) % 24, (seq / 60) % 60, seq % 60);
        SHA256((unsigned char *)body, (size_t)n, hash);
        memcpy(joined, chain, 32);
        memcpy(joined + 32, hash, 32);
        SHA256(joined, 64, chain);
        hex(hash, hash_hex);
        hex(chain, chain_hex);
        body[n - 1] = 0;  // drop the closing brace; the hash members follow
        int m = snprintf(line, sizeof line, "%s,\"hash\":\"%s\",\"chain_hash\":\"%s\"}\n", body, hash_hex, chain_hex);
        fwrite(line, 1, (size_t)m, f);
    }
    if (fclose(f) != 0) { perror(argv[1]); return 1; }
    hex(chain, chain_hex);
    printf("%s\n", chain_hex);
    return 0;
}
