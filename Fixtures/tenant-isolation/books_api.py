"""A small multi-user books API with an OpenAPI document (openapi.yaml beside it), for gate's
tenant-isolation tests and benchmark (standard library only). Each user is a tenant. Modelled on the
flaws VAmPI documents, each behind its own switch; without switches the API is secure.

Users come from --users a,b,c; user NAME's password is read from the environment variable PASS_<NAME>
(upper case). Each user owns two books, titled '<name>-book-1' and '<name>-book-2', each with a secret
made up at start.

Routes (JSON in and out; 'auth' means `Authorization: Bearer <token>` from the login):
  POST /users/v1/login                  {username, password} -> {"auth_token": ...}; 401 when wrong
  GET  /users/v1/{username}             auth; the user's public fields (own record only when secure)
  PUT  /users/v1/{username}/password    auth; {"password": ...} -> 204; 400 without a password
  GET  /me                              auth; the caller's record
  GET  /books/v1                        auth; the caller's books [{book_title, user}]
  POST /books/v1                        auth; {book_title, secret} -> 201; 409 when the title exists
  GET  /books/v1/{book_title}           auth; {book_title, secret, user}; 404 when not the caller's
  PUT  /books/v1/{book_title}           auth; {"secret": ...} -> 204; 400 without a secret; 404 when not the caller's
  DELETE /books/v1/{book_title}         auth; 204; 404 when not the caller's
  GET  /users/v1/_debug                 404 (secure)

Switches (each plants one flaw):
  --bola-books       GET /books/v1/{book_title} returns any user's book (reading another user's secret)
  --bola-book-writes PUT and DELETE /books/v1/{book_title} change or delete any user's book
  --bola-password    PUT /users/v1/{username}/password changes any user's password
  --list-all         GET /books/v1 returns every user's books, with their owner in 'user'
  --sqli             a quote in {username} makes GET /users/v1/{username} answer 500 (a broken SQL string)
  --dup-500          POST /books/v1 with an existing title answers 500 (an integrity error)
  --debug            GET /users/v1/_debug answers every user with their password, without credentials
  --no-create        POST /books/v1 answers 403 (nothing can be created: probes fall back to real books)
  --nonce            the login needs a fresh single-use nonce in an X-Nonce header, from GET /users/v1/nonce
                     (public; {"nonce": ...}), as a CSRF-protected login form does
  --token-uses N     a token expires after N authenticated requests (401 afterwards; log in again)

Session cookies instead of bearer tokens (not flaws; how many web frameworks log in):
  --cookie-session   the login answers no token: it sets `Set-Cookie: session=<token>; HttpOnly`, and 'auth'
                     means that cookie (a bearer token is refused)
  --csrf             the login needs the `csrftoken` cookie set by GET /users/v1/csrf, sent back both as a
                     cookie and in an X-CSRFToken header (a double-submit CSRF check, as Django does)
  --csrf-writes      with --cookie-session: the login sets a new `csrftoken` cookie tied to the session (as
                     Django's rotate_token does), and every POST, PUT, PATCH and DELETE after it must send that
                     cookie back and the same value in an X-CSRFToken header (403 otherwise, as Django's
                     CsrfViewMiddleware answers)
  --issued FILE      append every token the login issues, and every CSRF cookie, to FILE, one per line (for
                     tests that look for leaks)
  --echo-cookies     a refused login echoes the Cookie header it got in its body (as a debug page might)
"""
import argparse
import json
import os
import secrets
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--users", default="alice,bob,carol")
    ap.add_argument("--token-uses", type=int, default=0)
    ap.add_argument("--issued")
    for flag in ["cookie-session", "csrf", "csrf-writes", "echo-cookies", "nonce", "no-create", "bola-books", "bola-book-writes", "bola-password", "list-all", "sqli", "dup-500", "debug"]:
        ap.add_argument("--" + flag, action="store_true")
    args = ap.parse_args()

    lock = threading.Lock()
    users, books, tokens, nonces, session_csrf = {}, {}, {}, set(), {}
    for name in args.users.split(","):
        password = os.environ.get("PASS_" + name.upper())
        if not password:
            sys.exit("set PASS_%s" % name.upper())
        users[name] = {"username": name, "email": name + "@example.invalid", "password": password}
        for i in (1, 2):
            title = "%s-book-%d" % (name, i)
            books[title] = {"book_title": title, "secret": "secret-" + secrets.token_hex(8), "user": name}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "books-fixture/1.0"

        def log_message(self, fmt, *a):
            pass

        def reply(self, status, body=None, cookies=()):
            data = b"" if body is None else json.dumps(body, sort_keys=True).encode()
            self.send_response(status)
            for c in cookies:
                self.send_header("Set-Cookie", c)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def cookie(self, name):
            for part in self.headers.get("Cookie", "").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
            return None

        def caller(self):
            if args.cookie_session:
                token = self.cookie("session")
            else:
                auth = self.headers.get("Authorization", "")
                token = auth[7:] if auth.startswith("Bearer ") else None
            if token is None:
                return None
            with lock:
                entry = tokens.get(token)
                if entry is None or (args.token_uses and entry[1] >= args.token_uses):
                    return None
                entry[1] += 1
            return entry[0]

        def read_json(self):
            try:
                body = json.loads(self.raw) if self.raw else None
            except ValueError:
                return None
            return body if isinstance(body, dict) else None

        def route(self):
            # The body is read first, whatever the answer: left unread, it would be parsed as the next
            # request on the kept-alive connection.
            n = int(self.headers.get("Content-Length") or 0)
            self.raw = self.rfile.read(n) if n else b""
            raw_path = self.path.split("?", 1)[0]
            parts = [unquote(p) for p in raw_path.split("/")[1:]]
            m = self.command
            if m in ("GET", "HEAD") and parts == ["users", "v1", "_debug"]:
                if not args.debug:
                    return self.reply(404, {"error": "not found"})
                with lock:
                    return self.reply(200, {"users": sorted(users.values(), key=lambda u: u["username"])})
            if m == "GET" and parts == ["users", "v1", "nonce"]:
                nonce = secrets.token_hex(12)
                with lock:
                    nonces.add(nonce)
                return self.reply(200, {"nonce": nonce})
            if m == "GET" and parts == ["users", "v1", "csrf"]:
                # The cookie first, and a decoy cookie that the login must not need.
                # And a tracking cookie nobody captures, which a login flow still carries.
                csrf, tracking = secrets.token_hex(16), secrets.token_hex(8)
                if args.issued:
                    with lock, open(args.issued, "a") as f:
                        f.write(csrf + "\n" + tracking + "\n")
                return self.reply(200, {"detail": "CSRF cookie set"},
                                  cookies=["csrftoken=%s; Path=/; SameSite=Lax" % csrf, "tracking=%s; Path=/" % tracking,
                                           "theme=dark; Path=/", "gone=1; Path=/; Max-Age=0"])
            if m == "POST" and parts == ["users", "v1", "login"]:
                if args.csrf:
                    sent = self.cookie("csrftoken")
                    if not sent or self.headers.get("X-CSRFToken") != sent or self.cookie("gone") is not None:
                        return self.reply(403, {"error": "CSRF verification failed"})
                if args.nonce:
                    with lock:
                        given = self.headers.get("X-Nonce", "")
                        if given not in nonces:
                            return self.reply(401, {"error": "missing or used nonce"})
                        nonces.discard(given)
                body = self.read_json() or {}
                name = body.get("username")
                u = users.get(name) if isinstance(name, str) else None
                if not u or body.get("password") != u["password"]:
                    refused = {"error": "wrong username or password"}
                    if args.echo_cookies:
                        refused["cookies"] = self.headers.get("Cookie", "")
                    return self.reply(401, refused)
                token = secrets.token_urlsafe(24)
                with lock:
                    tokens[token] = [u["username"], 0]
                    if args.issued:
                        with open(args.issued, "a") as f:
                            f.write(token + "\n")
                if args.cookie_session:
                    cookies = ["session=%s; Path=/; HttpOnly; SameSite=Lax" % token]
                    if args.csrf_writes:
                        rotated = secrets.token_hex(16)
                        with lock:
                            session_csrf[token] = rotated
                            if args.issued:
                                with open(args.issued, "a") as f:
                                    f.write(rotated + "\n")
                        cookies.append("csrftoken=%s; Path=/; SameSite=Lax" % rotated)
                    return self.reply(200, {"message": "logged in"}, cookies=cookies)
                return self.reply(200, {"auth_token": token, "message": "logged in"})
            who = self.caller()
            if who is None:
                return self.reply(401, {"error": "log in first"})
            if args.csrf_writes and m in ("POST", "PUT", "PATCH", "DELETE"):
                with lock:
                    expected = session_csrf.get(self.cookie("session"))
                if not expected or self.cookie("csrftoken") != expected or self.headers.get("X-CSRFToken") != expected:
                    return self.reply(403, {"error": "CSRF verification failed"})
            if m in ("GET", "HEAD") and parts == ["me"]:
                u = users[who]
                return self.reply(200, {"username": u["username"], "email": u["email"]})
            if len(parts) == 3 and parts[:2] == ["users", "v1"] and m in ("GET", "HEAD"):
                name = parts[2]
                if args.sqli and "'" in name:
                    return self.reply(500, {"error": "sqlite3.OperationalError: unrecognized token"})
                if name not in users or name != who:
                    return self.reply(404, {"error": "no such user"})
                return self.reply(200, {"username": name, "email": users[name]["email"]})
            if len(parts) == 4 and parts[:2] == ["users", "v1"] and parts[3] == "password" and m == "PUT":
                body = self.read_json()
                name = parts[2]
                if not body or not isinstance(body.get("password"), str) or not body["password"]:
                    return self.reply(400, {"error": "give a password"})
                if name not in users or (name != who and not args.bola_password):
                    return self.reply(404 if name not in users else 403, {"error": "not allowed"})
                with lock:
                    users[name]["password"] = body["password"]
                return self.reply(204)
            if parts == ["books", "v1"] and m in ("GET", "HEAD"):
                with lock:
                    items = [{"book_title": b["book_title"], "user": b["user"]} for b in books.values()
                             if args.list_all or b["user"] == who]
                return self.reply(200, {"Books": sorted(items, key=lambda b: b["book_title"])})
            if parts == ["books", "v1"] and m == "POST":
                if args.no_create:
                    return self.reply(403, {"error": "creating books is closed"})
                body = self.read_json()
                if not body or not isinstance(body.get("book_title"), str) or not isinstance(body.get("secret"), str):
                    return self.reply(400, {"error": "give book_title and secret"})
                with lock:
                    if body["book_title"] in books:
                        if args.dup_500:
                            return self.reply(500, {"error": "IntegrityError: UNIQUE constraint failed: books.book_title"})
                        return self.reply(409, {"error": "a book with this title exists"})
                    books[body["book_title"]] = {"book_title": body["book_title"], "secret": body["secret"], "user": who}
                return self.reply(201, {"book_title": body["book_title"], "user": who})
            if len(parts) == 3 and parts[:2] == ["books", "v1"] and m in ("GET", "HEAD"):
                with lock:
                    b = books.get(parts[2])
                if b is None or (b["user"] != who and not args.bola_books):
                    return self.reply(404, {"error": "no such book"})
                return self.reply(200, b)
            if len(parts) == 3 and parts[:2] == ["books", "v1"] and m in ("PUT", "DELETE"):
                body = self.read_json() if m == "PUT" else {}
                if m == "PUT" and (not body or not isinstance(body.get("secret"), str)):
                    return self.reply(400, {"error": "give a secret"})
                with lock:
                    b = books.get(parts[2])
                    if b is None or (b["user"] != who and not args.bola_book_writes):
                        return self.reply(404, {"error": "no such book"})
                    if m == "PUT":
                        b["secret"] = body["secret"]
                    else:
                        del books[parts[2]]
                return self.reply(204)
            if parts and parts[0] in ("users", "books", "me"):
                return self.reply(405, {"error": "method not allowed"})
            return self.reply(404, {"error": "not found"})

        def __getattr__(self, name):
            # Every method (TRACE, QUERY, ...) reaches the router, so that an undocumented one is a 405, not
            # http.server's 501.
            if name.startswith("do_"):
                return self.route
            raise AttributeError(name)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(server.server_address[1]))
        os.replace(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
