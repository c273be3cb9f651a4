// A TLS handshake for inspection only: gate's HTTP requests go through libcurl, which verifies as
// configured; this handshake reports what the server presents (expiry, names, chain, version) even when
// verification would fail, and sends no request, so no credential ever crosses an unverified channel.
#define _GNU_SOURCE
#include "gate_tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void copy(char *dst, size_t size, const char *src) {
    if (!src) src = "";
    snprintf(dst, size, "%s", src);
}

/// Waits for `events` on fd until the deadline or cancellation. 1 ready, 0 timed out, -1 cancelled.
static int wait_fd(int fd, short events, int64_t deadline, const volatile int *cancel) {
    for (;;) {
        if (cancel && *cancel) return -1;
        int64_t left = deadline - now_ms();
        if (left <= 0) return 0;
        struct pollfd p = {.fd = fd, .events = events};
        int rc = poll(&p, 1, left < 100 ? (int)left : 100);
        if (rc > 0) return 1;
        if (rc < 0 && errno != EINTR) return 1;  // let the next call report the error
    }
}

static int connect_tcp(const char *host, int port, int64_t deadline, const volatile int *cancel, char *err, size_t errsize) {
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {0}, *list = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, service, &hints, &list);
    if (rc != 0 || !list) {
        snprintf(err, errsize, "cannot resolve '%s': %s", host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *a = list; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        if (errno == EINPROGRESS) {
            int w = wait_fd(fd, POLLOUT, deadline, cancel);
            int soerr = 0;
            socklen_t len = sizeof soerr;
            if (w == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0) break;
            snprintf(err, errsize, "cannot connect to %s:%d: %s", host, port,
                     w == 0 ? "timed out" : (w < 0 ? "cancelled" : strerror(soerr)));
        } else {
            snprintf(err, errsize, "cannot connect to %s:%d: %s", host, port, strerror(errno));
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    return fd;
}

static int64_t asn1_seconds(const ASN1_TIME *t) {
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
    return (int64_t)timegm(&tm);
}

static void describe_leaf(X509 *leaf, const char *host, gate_tls_report *out) {
    X509_NAME_oneline(X509_get_subject_name(leaf), out->subject, sizeof out->subject);
    X509_NAME_oneline(X509_get_issuer_name(leaf), out->issuer, sizeof out->issuer);
    out->not_before = asn1_seconds(X509_get0_notBefore(leaf));
    out->not_after = asn1_seconds(X509_get0_notAfter(leaf));
    unsigned char addr[16];
    int is_ip = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
    out->hostname_matches = is_ip ? X509_check_ip_asc(leaf, host, 0) == 1 : X509_check_host(leaf, host, 0, 0, NULL) == 1;

    GENERAL_NAMES *names = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    size_t used = 0;
    out->san[0] = 0;
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *n = sk_GENERAL_NAME_value(names, i);
        char item[300] = {0};
        if (n->type == GEN_DNS) {
            snprintf(item, sizeof item, "DNS:%.*s", ASN1_STRING_length(n->d.dNSName),
                     (const char *)ASN1_STRING_get0_data(n->d.dNSName));
        } else if (n->type == GEN_IPADD) {
            char text[INET6_ADDRSTRLEN] = {0};
            int len = ASN1_STRING_length(n->d.iPAddress);
            const unsigned char *b = ASN1_STRING_get0_data(n->d.iPAddress);
            if (len == 4) inet_ntop(AF_INET, b, text, sizeof text);
            else if (len == 16) inet_ntop(AF_INET6, b, text, sizeof text);
            snprintf(item, sizeof item, "IP:%s", text);
        } else {
            continue;
        }
        int wrote = snprintf(out->san + used, sizeof out->san - used, "%s%s", used ? ", " : "", item);
        if (wrote < 0 || (size_t)wrote >= sizeof out->san - used) break;
        used += (size_t)wrote;
    }
    if (names) GENERAL_NAMES_free(names);
}

int gate_tls_version_code(int minor) {
    switch (minor) {
    case 0: return TLS1_VERSION;
    case 1: return TLS1_1_VERSION;
    case 2: return TLS1_2_VERSION;
    default: return TLS1_3_VERSION;
    }
}

int gate_tls_inspect(const char *host, int port, const char *sni, const char *cafile, int timeout_ms,
                     int max_version, int legacy, const volatile int *cancel, gate_tls_report *out) {
    memset(out, 0, sizeof *out);
    out->verify_result = -1;
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 10000);
    int fd = connect_tcp(host, port, deadline, cancel, out->error, sizeof out->error);
    if (fd < 0) return 1;

    int result = 2;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = NULL;
    if (!ctx) { copy(out->error, sizeof out->error, "cannot create a TLS context"); goto done; }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    if (cafile && *cafile) {
        if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
            snprintf(out->error, sizeof out->error, "cannot read the CA file '%s'", cafile);
            goto done;
        }
    } else {
        SSL_CTX_set_default_verify_paths(ctx);
    }
    if (legacy) {
        SSL_CTX_set_security_level(ctx, 0);
        SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
        SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    }
    if (max_version) SSL_CTX_set_max_proto_version(ctx, max_version);
    ssl = SSL_new(ctx);
    if (!ssl) { copy(out->error, sizeof out->error, "cannot create a TLS session"); goto done; }
    const char *name = sni && *sni ? sni : host;
    unsigned char addr[16];
    if (inet_pton(AF_INET, name, addr) != 1 && inet_pton(AF_INET6, name, addr) != 1) {
        SSL_set_tlsext_host_name(ssl, name);
    }
    SSL_set_fd(ssl, fd);
    for (;;) {
        ERR_clear_error();
        int rc = SSL_connect(ssl);
        if (rc == 1) break;
        int e = SSL_get_error(ssl, rc);
        int w;
        if (e == SSL_ERROR_WANT_READ) w = wait_fd(fd, POLLIN, deadline, cancel);
        else if (e == SSL_ERROR_WANT_WRITE) w = wait_fd(fd, POLLOUT, deadline, cancel);
        else {
            unsigned long code = ERR_peek_error();
            if (code) {
                char text[200];
                ERR_error_string_n(code, text, sizeof text);
                snprintf(out->error, sizeof out->error, "TLS handshake failed: %s", text);
            } else {
                copy(out->error, sizeof out->error, "TLS handshake failed: the server closed the connection");
            }
            goto done;
        }
        if (w <= 0) {
            copy(out->error, sizeof out->error, w == 0 ? "TLS handshake timed out" : "cancelled");
            goto done;
        }
    }
    result = 0;
    copy(out->version, sizeof out->version, SSL_get_version(ssl));
    copy(out->cipher, sizeof out->cipher, SSL_get_cipher_name(ssl));
    out->verify_result = SSL_get_verify_result(ssl);
    copy(out->verify_text, sizeof out->verify_text, X509_verify_cert_error_string(out->verify_result));
    X509 *leaf = SSL_get1_peer_certificate(ssl);
    if (leaf) {
        describe_leaf(leaf, host, out);
        X509_free(leaf);
    }
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
    out->chain_length = chain ? sk_X509_num(chain) : 0;
    out->chain_not_after = out->not_after;
    for (int i = 0; chain && i < sk_X509_num(chain); i++) {
        int64_t t = asn1_seconds(X509_get0_notAfter(sk_X509_value(chain, i)));
        if (t && (!out->chain_not_after || t < out->chain_not_after)) out->chain_not_after = t;
    }
done:
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
    close(fd);
    return result;
}
