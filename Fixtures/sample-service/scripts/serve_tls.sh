#!/bin/sh
# Serve the sample over HTTPS on a free loopback port, with a certificate made for this run:
#   scripts/serve_tls.sh PORT_FILE
# The self-signed certificate (for localhost and 127.0.0.1, valid 90 days) lands in build/tls/, where a
# check can trust it (`ca: build/tls/cert.pem`); the port is written to PORT_FILE once the server listens.
set -eu
dir=build/tls
mkdir -p "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 90 \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
exec python3 -m service.app --port 0 --port-file "$1" --cert "$dir/cert.pem" --key "$dir/key.pem"
