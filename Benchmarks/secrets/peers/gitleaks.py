"""Labelled examples from gitleaks' rule definitions (cmd/generate/config/rules/*.go).

Each rule function builds true positives (`tps`) and false positives (`fps`) and hands them to
`utils.Validate(r, tps, fps)` (strings) or `utils.ValidateWithPaths(r, tps, fps)` (path -> content).
Many true positives come from `utils.GenerateSampleSecrets(id, secret)`, which places one secret in the
code contexts of gitleaks' issue 1222 (INI, JSON, XML, YAML, C#, Go, Java, Kotlin, PHP, Python, Logstash,
Makefile ...). Those contexts are read from the fetched utils/generate.go, not copied here.
"""
import zlib

from gosource import Evaluator, Package, Unknown, assignments, parse_expr, split_statements
from regen import Generator

RULES = "cmd/generate/config/rules/"
UTILS = "cmd/generate/config/utils/"

# File names for the contexts of GenerateSampleSecrets, by the first word of the context's name.
CONTEXT_FILES = {
    "ini": "config.ini", "json": "config.json", "xml": "config.xml", "yaml": "config.yaml", "c#": "Program.cs",
    "go": "main.go", "java": "Main.java", "kotlin": "Main.kt", "php": "index.php", "python": "app.py",
    "logstash": "pipeline.conf", "make": "Makefile", "misc": "Setup.java",
}


class Sample(str):
    """A string produced by GenerateSampleSecrets, remembering its context's file name."""
    file = "sample.txt"


def sample_contexts(utils_pkg):
    """The `samples` map of utils.GenerateSampleSecrets: context name -> template with {i}, {I}, {s}."""
    params, bs, be, toks = utils_pkg.funcs["GenerateSampleSecrets"]
    for s, e in split_statements(toks, bs, be):
        if toks[s][1] == "samples" and toks[s + 1][1] == ":=":
            return Evaluator(utils_pkg).eval(parse_expr(toks, s + 2, e), {})
    raise SystemExit("gitleaks: GenerateSampleSecrets has no 'samples' map; its layout changed")


def examples(repo):
    """Yields dicts: family (rule id or function), text, file, positive."""
    files = [p for p in repo.ls(RULES) if p.endswith(".go") and not p.endswith("_test.go")]
    rules = Package([repo.read(p) for p in files])
    utils = Package([repo.read(p) for p in repo.ls(UTILS) if p.endswith(".go") and not p.endswith("_test.go")])
    contexts = sorted(sample_contexts(utils).items())
    gen = Generator(0)

    def generate_samples(identifier, secret):
        out = []
        for name, template in contexts:
            s = Sample(template.replace("{i}", identifier).replace("{I}", identifier.upper()).replace("{s}", secret))
            s.file = CONTEXT_FILES.get(name.split(" ")[0].lower(), "sample.txt")
            out.append(s)
        return out

    def plausible(regex):
        # gitleaks retries until the secret holds a digit from 1 to 9.
        while True:
            s = gen.generate(regex)
            if any(c in "123456789" for c in s):
                return s

    hooks = {"secrets.NewSecret": gen.generate, "newPlausibleSecret": plausible,
             "utils.GenerateSampleSecrets": generate_samples}
    ev = Evaluator(rules, hooks, {"utils": utils})
    stats = {"functions": 0, "skipped": 0}
    for name in sorted(rules.funcs):
        params, bs, be, toks = rules.funcs[name]
        gen.rng.seed(zlib.crc32(name.encode()))
        rule_id = next((toks[k + 2][1] for k in range(bs, be - 2)
                        if toks[k][1] == "RuleID" and toks[k + 1][1] == ":" and toks[k + 2][0] == "str"), name)
        scope = {}
        for s, e in split_statements(toks, bs, be):
            head = toks[s][1]
            if head == "return" and toks[s + 1][1] == "utils" and toks[s + 3][1] in ("Validate", "ValidateWithPaths"):
                stats["functions"] += 1
                call = parse_expr(toks, s + 1, e)
                for arg, positive in ((call[2][1], True), (call[2][2], False)):
                    try:
                        value = ev.eval(arg, scope)
                    except Unknown:
                        stats["skipped"] += 1
                        continue
                    if isinstance(value, dict):
                        for path, text in sorted(value.items()):
                            yield {"family": rule_id, "text": text, "file": path, "positive": positive}
                    for text in value if isinstance(value, list) else []:
                        if isinstance(text, str):
                            yield {"family": rule_id, "text": text, "file": getattr(text, "file", "sample.txt"),
                                   "positive": positive}
                continue
            for target, start, end in assignments(toks, s, e):
                try:
                    scope[target] = ev.eval(parse_expr(toks, start, end), scope)
                except Unknown:
                    scope.pop(target, None)
    stats["skipped"] += ev.skipped
    examples.stats = stats
