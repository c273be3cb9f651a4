"""HTTP(S) front end: GET /health, POST /invoices/quote."""
import argparse
import json
import os
import ssl
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from service import config as config_module
from service.invoices import Invoice


def make_handler(cfg: dict):
    class Handler(BaseHTTPRequestHandler):
        server_version = "sample-service/1.0"

        def log_message(self, fmt, *args):  # keep test output quiet
            pass

        def _send(self, status: int, body: dict) -> None:
            payload = json.dumps(body, sort_keys=True).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self):
            if self.path == "/health":
                self._send(200, {"status": "ok", "service": cfg["name"]})
            else:
                self._send(404, {"error": "not found"})

        def do_POST(self):
            if self.path != "/invoices/quote":
                self._send(404, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length", "0"))
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
                lines = body.get("lines", [])
                if len(lines) > cfg["maxLinesPerInvoice"]:
                    raise ValueError("too many lines")
                inv = Invoice(number="quote", currency=cfg["currency"], tax_rate_bp=cfg["taxRateBasisPoints"])
                for line in lines:
                    inv.add(str(line["description"]), int(line["quantity"]), int(line["unitCents"]))
            except (ValueError, KeyError, TypeError) as e:
                self._send(400, {"error": str(e)})
                return
            self._send(200, inv.to_dict())

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default="config/service.json")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--port-file", help="write the bound port here (use --port 0 for a free one)")
    parser.add_argument("--cert", help="serve HTTPS with this certificate (PEM) and --key")
    parser.add_argument("--key")
    parser.add_argument("--forget-key", action="store_true", help="delete the key file (and its directory) once loaded")
    args = parser.parse_args()
    cfg = config_module.load(args.config)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(cfg))
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        if args.forget_key:
            os.remove(args.key)
            try:
                os.rmdir(os.path.dirname(os.path.abspath(args.key)))
            except OSError:
                pass
        server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    if args.port_file:
        # Written whole, then renamed: a reader never sees half a port number.
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as f:
            f.write(str(server.server_address[1]))
        os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
