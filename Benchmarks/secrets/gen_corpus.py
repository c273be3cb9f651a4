#!/usr/bin/env python3
"""Deterministic corpus for the secrets benchmark.

gen_corpus.py OUT SIZE_MB SLICE_MB

Writes OUT/corpus/ (about SIZE_MB of source code in many languages, configs, .env files, XML, minified
bundles, binaries and large logs), OUT/labels.jsonl (one line per planted secret or decoy: path, first and
last line, kind, and whether it is a secret), and OUT/slice/ with OUT/slice-labels.jsonl (a SLICE_MB subset
for the slow peers). Every token is generated here, from a fixed seed; none is real. Token shapes follow
the providers' published formats, including GitHub's and npm's CRC32 checksums.
"""
import base64
import json
import os
import random
import shutil
import sys
import zlib

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
HEX = "0123456789abcdef"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
UPPER_NUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BECH = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"

R = random.Random(20261122)


def rnd(alphabet, n):
    while True:
        s = "".join(R.choice(alphabet) for _ in range(n))
        # Real random tokens of this length mix cases and digits; so do these.
        if n < 12 or not set(alphabet) & set(B62) or (any(c.isupper() for c in s) or not any(c.isupper() for c in alphabet)) \
                and (any(c.islower() for c in s) or not any(c.islower() for c in alphabet)) \
                and (any(c.isdigit() for c in s) or not any(c.isdigit() for c in alphabet)):
            return s


def b62(n, width=6):
    out = ""
    while n:
        out = B62[n % 62] + out
        n //= 62
    return out.rjust(width, "0")


def crc_token(prefix, body_len, valid=True):
    body = rnd(B62, body_len)
    crc = zlib.crc32(body.encode())
    if not valid:
        crc ^= 0x01010101
    return prefix + body + b62(crc)


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def jwt():
    header = b64url(json.dumps({"alg": R.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}).encode())
    payload = b64url(json.dumps({"sub": rnd(HEX, 12), "iat": 1700000000 + R.randrange(10**6),
                                 "scope": R.choice(["read", "admin", "deploy"])}).encode())
    return f"{header}.{payload}.{rnd(URLSAFE, 43)}"


def pem(label, lines=20):
    body = [rnd(B64, 64) for _ in range(lines)]
    return [f"-----BEGIN {label}-----"] + body + [f"-----END {label}-----"]


def password():
    symbols = "!#%^*-_+=~@$"
    while True:
        s = "".join(R.choice(LETTERS + "0123456789" + symbols) for _ in range(R.randrange(14, 25)))
        if any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s):
            return s


# ---------------------------------------------------------------- secrets: kind -> (variable name, factory)

SECRETS = {
    "aws-access-key-id": ("AWS_ACCESS_KEY_ID", lambda: "AKIA" + rnd(B32, 16)),
    "github-pat": ("GITHUB_TOKEN", lambda: crc_token("ghp_", 30)),
    "github-oauth": ("GH_OAUTH_TOKEN", lambda: crc_token("gho_", 30)),
    "github-app": ("GH_APP_TOKEN", lambda: crc_token(R.choice(["ghs_", "ghu_"]), 30)),
    "github-fine-grained": ("GH_PAT", lambda: "github_pat_" + rnd(B62, 22) + "_" + crc_token("", 53)),
    "gitlab-pat": ("GITLAB_TOKEN", lambda: "glpat-" + rnd(URLSAFE, 20)),
    "gitlab-trigger": ("TRIGGER_TOKEN", lambda: "glptt-" + rnd(HEX, 40)),
    "gitlab-runner-registration": ("REGISTRATION_TOKEN", lambda: "GR1348941" + rnd(URLSAFE, 20)),
    "gitlab-runner": ("RUNNER_TOKEN", lambda: "glrt-" + rnd(URLSAFE, 20)),
    "slack-bot": ("SLACK_BOT_TOKEN", lambda: f"xoxb-{rnd('0123456789', 12)}-{rnd('0123456789', 13)}-{rnd(B62, 24)}"),
    "slack-user": ("SLACK_USER_TOKEN",
                   lambda: f"xoxp-{rnd('0123456789', 12)}-{rnd('0123456789', 12)}-{rnd('0123456789', 13)}-{rnd(HEX, 32)}"),
    "slack-app": ("SLACK_APP_TOKEN", lambda: f"xapp-1-A{rnd(UPPER_NUM, 10)}-{rnd('0123456789', 13)}-{rnd(HEX, 64)}"),
    "slack-webhook": ("SLACK_WEBHOOK_URL",
                      lambda: f"https://hooks.slack.com/services/T{rnd(UPPER_NUM, 10)}/B{rnd(UPPER_NUM, 10)}/{rnd(B62, 24)}"),
    "stripe-secret": ("STRIPE_SECRET_KEY", lambda: "sk_live_" + rnd(B62, R.choice([24, 99]))),
    "stripe-restricted": ("STRIPE_RESTRICTED_KEY", lambda: "rk_live_" + rnd(B62, 24)),
    "google-api-key": ("GOOGLE_API_KEY", lambda: "AIza" + rnd(URLSAFE, 35)),
    "google-oauth-secret": ("GOOGLE_CLIENT_SECRET", lambda: "GOCSPX-" + rnd(URLSAFE, 28)),
    "jwt": ("ACCESS_JWT", jwt),
    "npm": ("NPM_TOKEN", lambda: crc_token("npm_", 30)),
    "pypi": ("PYPI_TOKEN", lambda: "pypi-AgEIcHlwaS5vcmc" + rnd(URLSAFE, 140)),
    "sendgrid": ("SENDGRID_API_KEY", lambda: f"SG.{rnd(URLSAFE, 22)}.{rnd(URLSAFE, 43)}"),
    "twilio": ("TWILIO_API_KEY", lambda: "SK" + rnd(HEX, 32)),
    "openai": ("OPENAI_API_KEY", lambda: f"sk-proj-{rnd(URLSAFE, 74)}T3BlbkFJ{rnd(URLSAFE, 74)}"),
    "anthropic": ("ANTHROPIC_API_KEY", lambda: f"sk-ant-api03-{rnd(URLSAFE, 93)}AA"),
    "azure-storage": ("AZURE_STORAGE_CONNECTION_STRING",
                      lambda: f"DefaultEndpointsProtocol=https;AccountName=acct{rnd(HEX, 6)};AccountKey={rnd(B64, 86)}==;EndpointSuffix=core.windows.net"),
    "shopify": ("SHOPIFY_ACCESS_TOKEN", lambda: "shpat_" + rnd(HEX, 32)),
    "digitalocean": ("DIGITALOCEAN_TOKEN", lambda: "dop_v1_" + rnd(HEX, 64)),
    "huggingface": ("HF_TOKEN", lambda: "hf_" + rnd(LETTERS, 34)),
    "vault": ("VAULT_TOKEN", lambda: "hvs." + rnd(URLSAFE, 95)),
    "terraform-cloud": ("TFE_TOKEN", lambda: f"{rnd(B62, 14)}.atlasv1.{rnd(B62, 67)}"),
    "age": ("AGE_KEY", lambda: "AGE-SECRET-KEY-1" + rnd(BECH, 58)),
    "databricks": ("DATABRICKS_TOKEN", lambda: "dapi" + rnd(HEX, 32)),
    "url-password": ("DATABASE_URL",
                     lambda: f"{R.choice(['postgres', 'mysql', 'mongodb', 'redis', 'amqp'])}://{R.choice(['app', 'svc_api', 'reporter', 'admin_rw'])}:{rnd(B62, R.randrange(14, 22))}@{R.choice(['db', 'cache', 'mq'])}.{rnd('abcdefghij', 6)}.internal:5432/app"),
    "generic-password": (None, password),
}
GENERIC_NAMES = ["DB_PASSWORD", "password", "db_password", "SMTP_PASSWORD", "admin_password", "secret_key", "client_secret",
                 "api_secret", "AUTH_TOKEN", "session_secret", "jwt_secret", "ENCRYPTION_KEY_PASSPHRASE", "redisPassword"]

# ---------------------------------------------------------------- decoys: kind -> (name, factory)

def sha(n):
    return rnd(HEX, n)


DECOYS = {
    "github-bad-checksum": ("GITHUB_TOKEN", lambda: crc_token("ghp_", 30, valid=False)),
    "npm-bad-checksum": ("NPM_TOKEN", lambda: crc_token("npm_", 30, valid=False)),
    "aws-example": ("AWS_ACCESS_KEY_ID", lambda: R.choice(["AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE",
                                                          "AKIA" + rnd(B32, 9) + "EXAMPLE"])),
    "aws-example-secret": ("AWS_SECRET_ACCESS_KEY", lambda: R.choice([
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"])),
    "git-sha": ("commit", lambda: sha(40)),
    "sha256-digest": ("checksum", lambda: sha(64)),
    "md5-digest": ("etag", lambda: sha(32)),
    "uuid": ("request_id", lambda: f"{sha(8)}-{sha(4)}-4{sha(3)}-a{sha(3)}-{sha(12)}"),
    "sri": ("integrity", lambda: "sha512-" + rnd(B64, 86) + "=="),
    "stripe-publishable": ("STRIPE_PUBLISHABLE_KEY", lambda: "pk_live_" + rnd(B62, 24)),
    "placeholder-env": ("API_KEY", lambda: R.choice(["${API_KEY}", "${{ secrets.API_KEY }}", "$API_KEY", "%API_KEY%"])),
    "placeholder-template": ("password", lambda: R.choice(["{{ .Values.password }}", "{{ db_password }}", "<your-password>",
                                                           "<YOUR_API_KEY>"])),
    "placeholder-word": ("secret", lambda: R.choice(["changeme", "xxxxxxxxxxxxxxxxxxxx", "REPLACE_ME", "your-secret-here",
                                                     "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX"])),
    "jwt-io-example": ("token", lambda: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
    "code-reference": ("password", lambda: R.choice(["os.environ['DB_PASSWORD']", "settings.DATABASE_PASSWORD",
                                                     "getSecret('api')", "config.auth.token", "process.env.API_TOKEN"])),
}

# ---------------------------------------------------------------- filler

WORDS = ("user account order invoice payment customer item cart session request response handler service client "
         "server config value result error status count total amount price name email address city region "
         "timeout retry cache queue worker job task event message buffer stream record report metric").split()
KEYWORDY = [
    "if not token:", "token = request.headers.get('Authorization')", "password_hash = bcrypt.hash(password)",
    "def rotate_api_key(self, key_id):", "// the secret is loaded from the vault at startup",
    "validate(token, audience)", "apiKey: string;", "this.password = password;", "const secret = await vault.read(path);",
    "private String accessToken;", "# never commit credentials; see docs/secrets.md", "key = cache_key(user, region)",
    "token_url = 'https://auth.example.invalid/oauth/token'", "password_min_length = 12",
    "if (password.length < MIN) throw new Error('short');", "for key, value in items.items():",
]


def ident():
    return R.choice(WORDS) + R.choice(["", "_" + R.choice(WORDS), R.choice(WORDS).capitalize()])


def filler_line(lang):
    a, b, c = ident(), ident(), ident()
    n = R.randrange(1000)
    if R.random() < 0.03:
        return R.choice(KEYWORDY)
    return {
        "py": R.choice([f"    {a} = {b}({c}, {n})", f"def {a}({b}, {c}):", f"    return {a}.{b}({n})", f"# {a} {b} {c}",
                        f"    if {a} > {n}:", f"import {a}"]),
        "js": R.choice([f"const {a} = {b}({c}, {n});", f"function {a}({b}) {{", f"  return {a}.{b}({n});", "}",
                        f"// {a} {b} {c}", f"export default {a};"]),
        "go": R.choice([f"\t{a} := {b}({c}, {n})", f"func {a}({b} int) error {{", "\treturn nil", "}", f"// {a} {b}"]),
        "java": R.choice([f"    int {a} = {b}.{c}({n});", f"  public void {a}() {{", "  }", f"    // {a} {b}",
                          f"import com.example.{a};"]),
        "rb": R.choice([f"  {a} = {b}.{c}({n})", f"def {a}({b})", "end", f"# {a} {b} {c}"]),
        "yaml": R.choice([f"{a}: {n}", f"  {a}: {b}", f"  - {a}", f"# {a} {b}"]),
        "json": R.choice([f'  "{a}": {n},', f'  "{a}": "{b}",']),
        "xml": R.choice([f"  <{a}>{n}</{a}>", f'  <{a} name="{b}"/>', f"  <!-- {a} {b} -->"]),
        "env": R.choice([f"{a.upper()}={n}", f"{a.upper()}={b}", f"# {a} {b}"]),
        "md": R.choice([f"The {a} calls {b} with {c}.", f"## {a.capitalize()}", f"- {a}: {b}", ""]),
        "tf": R.choice([f'  {a} = "{b}"', f'resource "aws_{a}" "{b}" {{', "}", f"  {a} = {n}"]),
        "sh": R.choice([f"{a}=$({b} {c})", f"echo \"{a} {b}\"", f"if [ -z \"${a.upper()}\" ]; then", "fi"]),
        "log": R.choice([f"2026-01-0{n % 9 + 1}T12:{n % 60:02d}:00Z INFO {a} {b} took {n}ms",
                         f"2026-01-0{n % 9 + 1}T12:{n % 60:02d}:01Z WARN {a} retry {n}"]),
    }[lang]


POOLS = {}


def filler(lang, n):
    """n filler lines, sampled from a pool made once per language (fast and still deterministic)."""
    if lang not in POOLS:
        POOLS[lang] = [filler_line(lang) for _ in range(20_000)]
    return R.choices(POOLS[lang], k=n)


def assign(lang, name, value, plain=False):
    """A line that gives `value` to `name` in the syntax of `lang`, picking among natural forms (only the
    plain assignment with `plain`, for values such as connection strings that are never headers)."""
    q = R.choice(['"', "'"]) if lang in ("py", "js", "rb") else '"'
    forms = {
        "py": [f"{name} = {q}{value}{q}", f"client = Client({name.lower()}={q}{value}{q})",
               f"headers = {{'Authorization': 'Bearer {value}'}}", f"    settings[{q}{name}{q}] = {q}{value}{q}"],
        "js": [f"const {name} = {q}{value}{q};", f"init({{ key: {q}{value}{q} }});", f"setToken({q}{value}{q})",
               f"fetch(`https://api.example.invalid/v1?key={value}&limit=10`)"],
        "go": [f'const {name} = "{value}"', f'\tclient := api.New("{value}")', f'\tos.Setenv("{name}", "{value}")'],
        "java": [f'    private static final String {name} = "{value}";', f'    auth.login("{value}");'],
        "rb": [f"{name} = {q}{value}{q}", f"  config.{name.lower()} = {q}{value}{q}"],
        "yaml": [f"{name.lower()}: {value}", f'  {name.lower()}: "{value}"', f"    - name: {name}\n      value: {value}"],
        "json": [f'  "{name.lower()}": "{value}",', f'  "{name}": "{value}"'],
        "xml": [f"  <{name.lower().replace('_', '-')}>{value}</{name.lower().replace('_', '-')}>",
                f'  <add key="{name}" value="{value}" />', f"  <value>{value}</value>"],
        "env": [f"{name}={value}", f'{name}="{value}"', f"export {name}={value}"],
        "md": [f"    {name}={value}", f"Set `{name}` to `{value}` and restart."],
        "tf": [f'  {name.lower()} = "{value}"'],
        "sh": [f"export {name}={value}", f"curl -H \"Authorization: token {value}\" https://api.example.invalid/x",
               f"{name}='{value}' ./deploy.sh"],
        "log": [f"2026-01-01T00:00:00Z DEBUG config {name}={value} loaded", f"2026-01-01T00:00:01Z INFO connecting with {value}"],
    }
    return forms[lang][0] if plain else R.choice(forms[lang])


EXTS = {"py": ".py", "js": ".js", "go": ".go", "java": ".java", "rb": ".rb", "yaml": ".yaml", "json": ".json",
        "xml": ".xml", "env": ".env", "md": ".md", "tf": ".tf", "sh": ".sh", "log": ".log"}
LANG_WEIGHTS = [("py", 16), ("js", 16), ("go", 10), ("java", 10), ("rb", 5), ("yaml", 10), ("json", 8), ("xml", 7),
                ("env", 4), ("md", 6), ("tf", 4), ("sh", 4)]


class Corpus:
    def __init__(self, out):
        self.root = os.path.join(out, "corpus")
        self.labels = []
        self.bytes = 0

    def write(self, rel, lines):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = "\n".join(lines) + "\n"
        with open(path, "w") as f:
            f.write(data)
        self.bytes += len(data.encode())

    def label(self, rel, line, kind, secret, end=None):
        self.labels.append({"path": rel, "line": line, "end": end or line, "kind": kind, "secret": secret})


def plant_value(lang):
    """A secret or a decoy for a text file: (kind, is_secret, lines)."""
    if R.random() < 0.55:
        kind = R.choice(list(SECRETS))
        name, make = SECRETS[kind]
        name = name or R.choice(GENERIC_NAMES)
        plain = kind in ("azure-storage", "url-password", "slack-webhook")
        return kind, True, assign(lang, name, make(), plain).split("\n")
    kind = R.choice(list(DECOYS))
    name, make = DECOYS[kind]
    if kind == "code-reference":
        # A lookup is code, not a string: no quotes around it.
        ref = make()
        line = {"py": f"password = {ref}", "js": f"const password = {ref};", "go": f"password := {ref}",
                "java": f"    String password = {ref};", "rb": f"password = {ref}", "yaml": f"password: {ref}",
                "json": f'  "password": {json.dumps(ref)},', "xml": f"  <password>{ref}</password>",
                "env": f"PASSWORD={ref}", "md": f"Read the password with `{ref}`.", "tf": f"  password = {ref}",
                "sh": f"PASSWORD=$({ref})", "log": f"2026-01-01T00:00:00Z DEBUG password from {ref}"}[lang]
        return kind, False, [line]
    return kind, False, assign(lang, name, make()).split("\n")


def build(out, size_mb):
    c = Corpus(out)
    target = size_mb * 1_000_000
    fileno = 0
    langs = [l for l, w in LANG_WEIGHTS for _ in range(w)]

    # Large logs (a few), minified bundles, binaries, special files; then ordinary files until full.
    for i in range(3):
        lines = []
        for j in range(40):
            lines += filler("log", 3500)
            kind, secret, new = plant_value("log")
            c.label(f"logs/app-{i}.log", len(lines) + 1, kind, secret, len(lines) + len(new))
            lines += new
        c.write(f"logs/app-{i}.log", lines)
    snippets = ["var e=function(t){return t.token||null};", "a.password=b.password;", "n.apiKey=r;", "\"key-\"+i+",
                "https://cdn.example.invalid/", "secret:s,", "if(t&&t.auth){", "}", "return n}", "o.sk=1;"]
    snippets += ["o=\"" + rnd(B62, 24) + "\";" for _ in range(50)]
    for i in range(12):
        parts = R.choices(snippets, k=R.randrange(12_000, 40_000))
        planted = []
        for _ in range(R.randrange(5, 25)):
            kind = R.choice([k for k in SECRETS if k != "generic-password"])
            parts.insert(R.randrange(len(parts)), f"k.init(\"{SECRETS[kind][1]()}\");")
            planted.append(kind)
        c.write(f"web/dist/bundle-{i}.min.js", ["".join(parts)])
        for kind in planted:
            c.label(f"web/dist/bundle-{i}.min.js", 1, kind, True)
    for i in range(8):
        path = os.path.join(c.root, f"assets/blob-{i}.bin")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = b"\x89PNG\r\n\x1a\n\x00\x00" + R.randbytes(R.randrange(200_000, 1_500_000))
        with open(path, "wb") as f:
            f.write(data)
        c.bytes += len(data)

    while c.bytes < target:
        fileno += 1
        svc = f"svc-{fileno % 40:02d}"
        roll = R.random()
        if roll < 0.02:
            # A PEM key (secret) or a public key / certificate (decoy), multi-line or escaped on one line.
            secret = R.random() < 0.5
            label = R.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"]) if secret \
                else R.choice(["PUBLIC KEY", "CERTIFICATE"])
            block = pem(label, R.randrange(8, 26))
            head = filler("yaml", R.randrange(2, 30))
            if R.random() < 0.5:
                rel = f"{svc}/keys/{fileno}.pem"
                c.write(rel, head + block)
                c.label(rel, len(head) + 1, "private-key" if secret else "public-key", secret, len(head) + len(block))
            else:
                rel = f"{svc}/config/{fileno}.json"
                escaped = "\\n".join(block) + "\\n"
                c.write(rel, ["{", f'  "key": "{escaped}",', "}"])
                c.label(rel, 2, "private-key-escaped" if secret else "public-key", secret)
            continue
        if roll < 0.03:
            rel = f"{svc}/deploy/service-account-{fileno}.json"
            block = pem("PRIVATE KEY", 25)
            key = "\\n".join(block) + "\\n"
            c.write(rel, ["{", '  "type": "service_account",', '  "project_id": "demo-project",',
                          f'  "private_key_id": "{sha(40)}",', f'  "private_key": "{key}",',
                          '  "client_email": "svc@demo-project.iam.gserviceaccount.com"', "}"])
            c.label(rel, 5, "gcp-service-account", True)
            continue
        if roll < 0.05:
            # go.sum-style and SRI lines, data URIs, ssh public keys: decoys only.
            rel = f"{svc}/deps/{fileno}.txt"
            lines = []
            for k in range(R.randrange(20, 200)):
                kind = R.choice(["go.sum", "sri", "data-uri", "ssh-public-key"])
                if kind == "go.sum":
                    lines.append(f"github.com/{ident()}/{ident()} v1.{k}.0 h1:{rnd(B64, 43)}=")
                elif kind == "sri":
                    lines.append(f'<script src="/{ident()}.js" integrity="sha384-{rnd(B64, 64)}"></script>')
                elif kind == "data-uri":
                    lines.append(f".icon-{k}{{background:url(data:image/png;base64,{rnd(B64, 400)}==)}}")
                else:
                    lines.append(f"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{rnd(B64, 300)} deploy@{ident()}")
                c.label(rel, len(lines), kind, False)
            c.write(rel, lines)
            continue
        lang = R.choice(langs)
        rel = f"{svc}/{R.choice(['src', 'lib', 'app', 'config', 'deploy', 'test'])}/{ident()}_{fileno}{EXTS[lang]}"
        n = R.randrange(40, 900)
        count = (1 if R.random() < 0.25 else 0) + (1 if R.random() < 0.1 else 0)
        base = filler(lang, n)
        spots = sorted(R.sample(range(n), count))
        lines, planted, prev = [], [], 0
        for at in spots:
            lines += base[prev:at]
            kind, secret, new = plant_value(lang)
            planted.append((len(lines) + 1, len(lines) + len(new), kind, secret))
            lines += new
            prev = at
        lines += base[prev:]
        c.write(rel, lines)
        for first, last, kind, secret in planted:
            c.label(rel, first, kind, secret, last)
    return c


def main():
    out, size_mb, slice_mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    shutil.rmtree(os.path.join(out, "corpus"), ignore_errors=True)
    shutil.rmtree(os.path.join(out, "slice"), ignore_errors=True)
    c = build(out, size_mb)
    with open(os.path.join(out, "labels.jsonl"), "w") as f:
        for l in sorted(c.labels, key=lambda l: (l["path"], l["line"])):
            f.write(json.dumps(l) + "\n")
    # The slice: whole files, picked in a fixed order, until SLICE_MB; labels follow their files.
    files = sorted({l["path"] for l in c.labels} | set(p for p in walk(c.root)))
    rng = random.Random(7)
    rng.shuffle(files)
    chosen, total = set(), 0
    for rel in files:
        size = os.path.getsize(os.path.join(c.root, rel))
        if size > 400_000 or total + size > slice_mb * 1_000_000:
            continue
        chosen.add(rel)
        total += size
        dst = os.path.join(out, "slice", rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(os.path.join(c.root, rel), dst)
    with open(os.path.join(out, "slice-labels.jsonl"), "w") as f:
        for l in sorted(c.labels, key=lambda l: (l["path"], l["line"])):
            if l["path"] in chosen:
                f.write(json.dumps(l) + "\n")
    secrets = sum(1 for l in c.labels if l["secret"])
    print(f"corpus: {c.bytes / 1e6:.0f} MB, {secrets} secrets, {len(c.labels) - secrets} decoys; slice: {total / 1e6:.1f} MB")


def walk(root):
    for dirpath, _, names in os.walk(root):
        for n in names:
            yield os.path.relpath(os.path.join(dirpath, n), root)


if __name__ == "__main__":
    main()
