#!/bin/sh
# Serve the sample over HTTPS on a free loopback port, with a certificate made for this run:
#   scripts/serve_tls.sh PORT_FILE
# The self-signed certificate (for localhost and 127.0.0.1, valid 90 days) lands in build/tls/cert.pem,
# where a check can trust it (`ca: build/tls/cert.pem`). Its private key is made in a temporary
# directory and deleted by the service once loaded, so that no key file is left in the tree. The port
# is written to PORT_FILE once the server listens.
set -eu
mkdir -p build/tls
tmp=$(mktemp -d)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 90 \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$tmp/key.pem" -out build/tls/cert.pem 2>/dev/null
exec python3 -m service.app --port 0 --port-file "$1" --cert build/tls/cert.pem --key "$tmp/key.pem" --forget-key
