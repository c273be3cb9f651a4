"""A small reader for the Go test sources of the secret scanners (gitleaks' rule files, trufflehog's
detector tests): tokens, expressions and statements, and an evaluator for the subset those tests use to
build their example strings (string literals, `+`, fmt.Sprintf, strings.*, base64, composite literals,
append, and package functions whose body is a single `return`).

Nothing here runs Go. An expression the evaluator does not understand raises `Unknown`, and the caller
skips that one example and counts it; nothing is guessed.
"""
import base64
import re


class Unknown(Exception):
    """An expression outside the supported subset."""


# ---------------------------------------------------------------- tokens

_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"'}
_OPS = sorted([":=", "...", "==", "!=", "<=", ">=", "&&", "||", "<-", "++", "--", "+=", "-=", "*=", "/=",
               "<<", ">>", "&^"], key=len, reverse=True)
_SEMI_AFTER = {"ident", "str", "num", "char"}


def _unescape(body):
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        n = body[i + 1]
        if n in _ESCAPES:
            out.append(_ESCAPES[n])
            i += 2
        elif n == "x":
            out.append(chr(int(body[i + 2:i + 4], 16)))
            i += 4
        elif n == "u":
            out.append(chr(int(body[i + 2:i + 6], 16)))
            i += 6
        elif n == "U":
            out.append(chr(int(body[i + 2:i + 10], 16)))
            i += 10
        elif n in "01234567":
            out.append(chr(int(body[i + 1:i + 4], 8)))
            i += 4
        else:
            raise Unknown("bad escape \\" + n)
    return "".join(out)


def tokenize(src):
    """Go tokens as (kind, value) with automatic semicolons, as the Go spec inserts them."""
    toks, i, n = [], 0, len(src)

    def semi_if_needed():
        if toks and (toks[-1][0] in _SEMI_AFTER or toks[-1][1] in (")", "]", "}", "++", "--")
                     or toks[-1] in (("ident", "return"), ("ident", "break"), ("ident", "continue"))):
            toks.append(("op", ";"))

    while i < n:
        c = src[i]
        if c == "\n":
            semi_if_needed()
            i += 1
        elif c in " \t\r":
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            if "\n" in src[i:j]:
                semi_if_needed()
            i = n if j < 0 else j + 2
        elif c == "`":
            j = src.find("`", i + 1)
            toks.append(("str", src[i + 1:j].replace("\r", "")))
            i = j + 1
        elif c in "\"'":  # an interpreted string, or a rune
            j = i + 1
            while src[j] != c:
                j += 2 if src[j] == "\\" else 1
            toks.append(("str" if c == '"' else "char", _unescape(src[i + 1:j])))
            i = j + 1
        elif c.isalpha() or c == "_":
            m = re.compile(r"[A-Za-z0-9_]+").match(src, i)
            toks.append(("ident", m.group()))
            i = m.end()
        elif c.isdigit():
            m = re.compile(r"0[xX][0-9a-fA-F_]+|[0-9_]+(?:\.[0-9]+)?").match(src, i)
            toks.append(("num", m.group()))
            i = m.end()
        else:
            op = next((o for o in _OPS if src.startswith(o, i)), c)
            toks.append(("op", op))
            i += len(op)
    semi_if_needed()
    return toks


# ---------------------------------------------------------------- expressions

class Parser:
    """Recursive descent over tokens into tuples: ('str', s), ('num', n), ('name', 'a.b'), ('call', f,
    args, spread), ('index', x, i), ('bin', op, a, b), ('lit', type, [(key, value)]), ('func',)."""

    def __init__(self, toks, pos=0, end=None):
        self.t, self.i, self.end = toks, pos, len(toks) if end is None else end

    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < self.end else ("eof", "")

    def op(self, k=0):
        """The token's text if it is punctuation or a word, else None (so a string "(" is not a bracket)."""
        kind, v = self.peek(k)
        return v if kind in ("op", "ident") else None

    def take(self, value=None):
        tok = self.peek()
        if value is not None and (tok[1] != value or tok[0] not in ("op", "ident")):
            raise Unknown(f"expected {value!r}, got {tok[1]!r}")
        self.i += 1
        return tok

    def skip_balanced(self):
        """Skips one bracketed group starting at the current token; returns its token range."""
        pairs = {"(": ")", "[": "]", "{": "}"}
        start, depth = self.i, 0
        while self.i < self.end:
            kind, v = self.take()
            if kind != "op":
                continue
            if v in pairs:
                depth += 1
            elif v in pairs.values():
                depth -= 1
                if depth == 0:
                    return start, self.i
        raise Unknown("unbalanced brackets")

    def type_(self):
        """A type expression, returned as text (only its shape matters to the evaluator)."""
        tok = self.peek()
        if tok[1] == "[":
            self.take()
            size = ""
            while self.op() != "]":
                size += self.take()[1]
            self.take("]")
            return f"[{size}]" + self.type_()
        if tok[1] == "*":
            self.take()
            return "*" + self.type_()
        if tok[1] == "map":
            self.take()
            self.take("[")
            k = self.type_()
            self.take("]")
            return f"map[{k}]" + self.type_()
        if tok[1] in ("struct", "interface"):
            self.take()
            self.skip_balanced()
            return tok[1]
        if tok[1] == "func":
            self.take()
            self.skip_balanced()
            if self.op() == "(":
                self.skip_balanced()
            elif self.peek()[0] == "ident" or self.op() in ("*", "["):
                self.type_()
            return "func"
        name = self.take()[1]
        while self.op() == "." and self.peek(1)[0] == "ident":
            self.take()
            name += "." + self.take()[1]
        return name

    def expr(self):
        left = self.unary()
        while self.op() in ("+", "-", "*", "/", "%", "==", "!=", "&&", "||", "<", ">"):
            op = self.take()[1]
            left = ("bin", op, left, self.unary())
        return left

    def unary(self):
        if self.op() in ("&", "-", "!", "*"):
            op = self.take()[1]
            inner = self.unary()
            return ("neg", inner) if op == "-" else inner if op in ("&", "*") else ("not", inner)
        return self.postfix(self.primary())

    def primary(self):
        kind, v = self.peek()
        if kind == "str":
            self.take()
            return ("str", v)
        if kind == "num":
            self.take()
            return ("num", int(v.replace("_", ""), 0) if "." not in v else float(v))
        if kind == "char":
            self.take()
            return ("num", ord(v))
        if v == "(":
            self.take()
            e = self.expr()
            self.take(")")
            return e
        if v in ("[", "map", "struct"):
            t = self.type_()
            if self.op() == "(":  # a conversion: []byte(x)
                return ("conv", t)
            return ("lit", t, self.elements())
        if v == "func":
            self.type_()
            if self.op() == "{":
                self.skip_balanced()
            return ("func",)
        if kind == "ident":
            self.take()
            return ("name", v)
        raise Unknown(f"unexpected {v!r}")

    def postfix(self, x):
        while True:
            v = self.op()
            if v == "." and self.peek(1)[0] == "ident":
                self.take()
                name = self.take()[1]
                x = ("name", x[1] + "." + name) if x[0] == "name" else ("field", x, name)
            elif v == "." and self.op(1) == "(":  # type assertion
                self.take()
                self.skip_balanced()
            elif v == "(":
                self.take()
                args, spread = [], False
                while self.op() != ")":
                    args.append(self.expr())
                    if self.op() == "...":
                        self.take()
                        spread = True
                    if self.op() == ",":
                        self.take()
                    while self.op() == ";":
                        self.take()
                self.take(")")
                x = ("call", x, args, spread)
            elif v == "[":
                self.take()
                lo = self.expr() if self.op() != ":" else None
                if self.op() == ":":
                    self.take()
                    hi = self.expr() if self.op() != "]" else None
                    self.take("]")
                    x = ("slice", x, lo, hi)
                else:
                    self.take("]")
                    x = ("index", x, lo)
            elif v == "{" and x[0] == "name" and x[1].split(".")[-1][:1].isupper():
                x = ("lit", x[1], self.elements())  # a composite literal of a named type
            else:
                return x

    def elements(self):
        """`{ a, b }` or `{ key: value, ... }`; an element may be a bare `{...}` of the element type."""
        self.take("{")
        out = []
        while self.op() != "}":
            if self.op() == ";":
                self.take()
                continue
            if self.op() == "{":
                val = ("lit", "", self.elements())
                key = None
            else:
                val = self.expr()
                key = None
            if self.op() == ":":
                self.take()
                key = val
                val = ("lit", "", self.elements()) if self.op() == "{" else self.expr()
            out.append((key, val))
            if self.op() == ",":
                self.take()
            while self.op() == ";":
                self.take()
        self.take("}")
        return out


def parse_expr(toks, start, end):
    p = Parser(toks, start, end)
    e = p.expr()
    if p.i != end:
        raise Unknown("trailing tokens")
    return e


# ---------------------------------------------------------------- declarations and statements

def split_statements(toks, start, end):
    """Token ranges of the statements in [start, end), split at semicolons outside brackets."""
    out, depth, s = [], 0, start
    for j in range(start, end):
        v = toks[j][1] if toks[j][0] == "op" else None
        if v in ("(", "[", "{"):
            depth += 1
        elif v in (")", "]", "}"):
            depth -= 1
        elif v == ";" and depth == 0:
            if j > s:
                out.append((s, j))
            s = j + 1
    if end > s:
        out.append((s, end))
    return out


class Package:
    """The top-level functions and variables of one Go package (one or more files)."""

    def __init__(self, sources):
        self.funcs = {}   # name -> (param names, body start, body end, toks)
        self.vars = {}    # name -> (toks, start, end)
        for src in sources:
            self._read(tokenize(src))

    def _read(self, toks):
        for s, e in split_statements(toks, 0, len(toks)):
            head = toks[s][1]
            if head == "func":
                self._func(toks, s, e)
            elif head in ("var", "const"):
                if toks[s + 1][1] == "(":
                    p = Parser(toks, s + 1, e)
                    a, b = p.skip_balanced()
                    for vs, ve in split_statements(toks, a + 1, b - 1):
                        self._var(toks, vs, ve)
                else:
                    self._var(toks, s + 1, e)

    def _var(self, toks, s, e):
        names = []
        j = s
        while j < e and toks[j][0] == "ident":
            names.append(toks[j][1])
            if toks[j + 1][1] != ",":
                break
            j += 2
        eq = next((k for k in range(s, e) if toks[k][1] == "="), None)
        if eq is None or len(names) != 1:
            return  # no value, or several names at once: not needed here
        self.vars[names[0]] = (toks, eq + 1, e)

    def _func(self, toks, s, e):
        p = Parser(toks, s + 1, e)
        try:
            if p.peek()[1] == "(":  # a method: not callable by name
                return
            name = p.take()[1]
            if p.peek()[1] == "[":  # type parameters
                p.skip_balanced()
            a, b = p.skip_balanced()
            # Parameter names: the identifier after '(' or ','.
            params = [toks[k][1] for k in range(a + 1, b - 1)
                      if toks[k][0] == "ident" and toks[k - 1][1] in ("(", ",")]
            while p.peek()[1] != "{":
                p.take()
            bs, be = p.skip_balanced()
        except Unknown:
            return
        self.funcs[name] = (params, bs + 1, be - 1, toks)


class Struct:
    """A struct literal whose fields are evaluated on demand (a test table row)."""

    def __init__(self, fields, scope, ev):
        self.fields, self.scope, self.ev = fields, scope, ev

    def get(self, name):
        if name not in self.fields:
            raise Unknown("no field " + name)
        return self.ev.eval(self.fields[name], self.scope)

    def has(self, name):
        return name in self.fields


_B64 = {
    "StdEncoding": lambda b: base64.b64encode(b).decode(),
    "RawStdEncoding": lambda b: base64.b64encode(b).decode().rstrip("="),
    "URLEncoding": lambda b: base64.urlsafe_b64encode(b).decode(),
    "RawURLEncoding": lambda b: base64.urlsafe_b64encode(b).decode().rstrip("="),
}


def sprintf(fmt, args):
    out, i, k = [], 0, 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        m = re.compile(r"%([-+# 0]*)(\d*)(?:\.(\d+))?([a-zA-Z%])").match(fmt, i)
        if not m:
            raise Unknown("bad format")
        verb = m.group(4)
        i = m.end()
        if verb == "%":
            out.append("%")
            continue
        if k >= len(args):
            raise Unknown("missing format argument")
        a = args[k]
        k += 1
        if verb in "sv":
            s = str(a) if not isinstance(a, bool) else ("true" if a else "false")
        elif verb == "d":
            s = str(int(a))
        elif verb == "q":
            s = '"' + str(a).replace("\\", "\\\\").replace('"', '\\"') + '"'
        elif verb in "xX":
            s = a.encode().hex() if isinstance(a, str) else format(int(a), verb)
        else:
            raise Unknown("format verb %" + verb)
        out.append(s.rjust(int(m.group(2))) if m.group(2) else s)
    return "".join(out)


DEFAULT_HOOKS = {
    "fmt.Sprintf": lambda f, *a: sprintf(f, a),
    "fmt.Sprint": lambda *a: "".join(str(x) for x in a),
    "strings.Repeat": lambda s, n: s * n,
    "strings.ToUpper": str.upper,
    "strings.ToLower": str.lower,
    "strings.TrimSpace": str.strip,
    "strings.Join": lambda xs, sep: sep.join(xs),
    "strings.ReplaceAll": lambda s, a, b: s.replace(a, b),
    "strings.Replace": lambda s, a, b, n: s.replace(a, b) if n < 0 else s.replace(a, b, n),
    "strconv.Itoa": str,
    "len": len,
    "hex.EncodeToString": lambda b: (b.encode("latin-1") if isinstance(b, str) else bytes(b)).hex(),
}


class Evaluator:
    """Evaluates expression trees. `hooks` maps qualified names to Python callables taking evaluated
    arguments; `packages` maps a qualifier (`utils`) to another Package; unqualified names resolve in
    `package`. Lists built from literals skip elements that cannot be evaluated and count them."""

    def __init__(self, package, hooks=None, packages=None):
        self.pkg, self.hooks, self.packages = package, {**DEFAULT_HOOKS, **(hooks or {})}, dict(packages or {})
        self.cache, self.skipped, self.depth = {}, 0, 0

    def lookup(self, name, scope):
        if name in scope:
            return scope[name]
        if name in ("true", "false"):
            return name == "true"
        if name == "nil":
            return None
        if name in self.pkg.vars:
            if name not in self.cache:
                toks, s, e = self.pkg.vars[name]
                self.cache[name] = Unknown  # guards against cycles
                try:
                    self.cache[name] = self.eval(parse_expr(toks, s, e), {})
                except Unknown:
                    raise
            v = self.cache[name]
            if v is Unknown:
                raise Unknown("unresolved " + name)
            return v
        raise Unknown("unknown name " + name)

    def call(self, fname, args, scope):
        if fname in self.hooks:
            return self.hooks[fname](*args)
        if fname.endswith(".EncodeToString"):
            enc = fname.split(".")[-2]
            if enc in _B64:
                data = args[0]
                return _B64[enc](data.encode("latin-1") if isinstance(data, str) else bytes(data))
        pkg, name = self.pkg, fname
        if "." in fname:
            q, name = fname.split(".", 1)
            pkg = self.packages.get(q)
            if pkg is None:
                raise Unknown("unknown function " + fname)
        if name not in pkg.funcs:
            raise Unknown("unknown function " + fname)
        params, bs, be, toks = pkg.funcs[name]
        stmts = split_statements(toks, bs, be)
        if len(stmts) != 1 or toks[stmts[0][0]][1] != "return":
            raise Unknown("function " + fname + " is not a single return")
        if self.depth > 20:
            raise Unknown("recursion")
        self.depth += 1
        try:
            sub = Evaluator(pkg, self.hooks, self.packages) if pkg is not self.pkg else self
            return sub.eval(parse_expr(toks, stmts[0][0] + 1, stmts[0][1]), dict(zip(params, args)))
        finally:
            self.depth -= 1

    def eval(self, node, scope):
        kind = node[0]
        if kind in ("str", "num"):
            return node[1]
        if kind == "name":
            return self.lookup(node[1], scope)
        if kind == "neg":
            return -self.eval(node[1], scope)
        if kind == "bin":
            a, b = self.eval(node[2], scope), self.eval(node[3], scope)
            op = node[1]
            if op == "+":
                if isinstance(a, str) != isinstance(b, str):
                    raise Unknown("mixed +")
                return a + b
            if isinstance(a, int) and isinstance(b, int):
                return {"-": a - b, "*": a * b, "/": a // b if b else 0, "%": a % b if b else 0}.get(op, None) \
                    if op in "-*/%" else (a == b if op == "==" else a != b)
            raise Unknown("operator " + op)
        if kind == "call":
            f, args, spread = node[1], node[2], node[3]
            if f[0] == "conv":
                return self.eval(args[0], scope)
            if f[0] != "name":
                raise Unknown("call of an expression")
            name = f[1]
            if name == "append":
                base = list(self.eval(args[0], scope) or [])
                rest = args[1:]
                if spread:
                    for a in rest[:-1]:
                        base.append(self.eval(a, scope))
                    base.extend(self.eval(rest[-1], scope) or [])
                else:
                    for a in rest:
                        try:
                            base.append(self.eval(a, scope))
                        except Unknown:
                            self.skipped += 1
                return base
            if name in ("string", "[]byte", "byte"):
                return self.eval(args[0], scope)
            vals = [self.eval(a, scope) for a in args]
            if spread and vals:
                vals = vals[:-1] + list(vals[-1])
            return self.call(name, vals, scope)
        if kind == "index":
            x, i = self.eval(node[1], scope), self.eval(node[2], scope)
            try:
                return x[i]
            except (KeyError, IndexError, TypeError):
                raise Unknown("bad index")
        if kind == "slice":
            x = self.eval(node[1], scope)
            lo = self.eval(node[2], scope) if node[2] else None
            hi = self.eval(node[3], scope) if node[3] else None
            return x[lo:hi]
        if kind == "lit":
            t, elems = node[1], node[2]
            if t.startswith("map["):
                out = {}
                for k, v in elems:
                    try:
                        out[self.eval(k, scope)] = self.eval(v, scope)
                    except Unknown:
                        self.skipped += 1
                return out
            if t.startswith("["):
                out = []
                for k, v in elems:
                    try:
                        out.append(self.eval(v, scope))
                    except Unknown:
                        self.skipped += 1
                return out
            if elems and all(k is not None and k[0] == "name" for k, _ in elems):
                return Struct({k[1]: v for k, v in elems}, scope, self)
            if not elems:
                return Struct({}, scope, self)
            raise Unknown("positional struct literal")
        raise Unknown("unsupported " + kind)


def assignments(toks, s, e):
    """(name, value start, value end) for `x := v`, `x = v`, `var x [T] = v` and `var ( ... )` groups."""
    head = toks[s][1]
    if head == "var" and toks[s + 1][1] == "(":
        p = Parser(toks, s + 1, e)
        a, b = p.skip_balanced()
        for vs, ve in split_statements(toks, a + 1, b - 1):
            eq = next((k for k in range(vs, ve) if toks[k][1] == "="), None)
            if eq is not None and eq == vs + 1 or eq is not None and toks[vs + 1][0] == "ident" and eq > vs:
                yield toks[vs][1], eq + 1, ve
    elif head == "var" and toks[s + 1][0] == "ident":
        eq = next((k for k in range(s, e) if toks[k][1] == "="), None)
        if eq is not None:
            yield toks[s + 1][1], eq + 1, e
    elif toks[s][0] == "ident" and s + 1 < e and toks[s + 1][1] in (":=", "="):
        yield head, s + 2, e
