#pragma once
#include <stdint.h>

/// What one TLS handshake showed. Strings are NUL-terminated and cut to their buffers.
typedef struct {
    /// The negotiated protocol ("TLSv1.3") and cipher suite.
    char version[16];
    char cipher[64];
    /// OpenSSL's verification of the chain against the trust store (0 is X509_V_OK) and its text.
    long verify_result;
    char verify_text[160];
    /// 1 when the leaf certificate names the host (X509_check_host, or X509_check_ip_asc for an address).
    int hostname_matches;
    /// Certificates the server sent.
    int chain_length;
    /// The leaf certificate.
    char subject[256];
    char issuer[256];
    /// Subject alternative names, "DNS:a, IP:b".
    char san[1024];
    int64_t not_before;
    int64_t not_after;
    /// The earliest expiry of any certificate in the chain the server sent.
    int64_t chain_not_after;
    /// Why the connection or handshake failed.
    char error[256];
} gate_tls_report;

/// Connects to host:port, performs a TLS handshake without verifying (as `curl -k` does) and without
/// sending any application data, and fills `out`. The chain is still verified against `cafile` (or the
/// system store when NULL), and the result reported, not enforced.
/// `max_version` (0 or an OpenSSL TLS1_x_VERSION) caps the versions offered; `legacy` allows TLS 1.0
/// and 1.1 (security level 0), for probing whether a server still accepts them.
/// Gives up at `timeout_ms` or when `*cancel` becomes non-zero (checked every 100 ms).
/// Returns 0 after a handshake, 1 when the connection failed, 2 when the handshake failed.
int gate_tls_inspect(const char *host, int port, const char *sni, const char *cafile, int timeout_ms,
                     int max_version, int legacy, const volatile int *cancel, gate_tls_report *out);

/// OpenSSL's constants for the protocol versions, for `max_version`.
int gate_tls_version_code(int minor);
