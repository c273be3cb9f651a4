"""Labelled examples from detect-secrets' plugin tests (tests/plugins/*_test.py).

The tests are pytest tables: `@pytest.mark.parametrize('payload, should_flag', [...])` on a test method,
sometimes combined with a class-level table (the high-entropy tests cross 'non_secret, secret' with
'format, should_be_caught'). The module's top-level constants and helper functions are executed (not
its imports of detect_secrets, which are replaced by stand-ins) so that the tables evaluate exactly as
pytest sees them. A row gives a text (`payload`, `line`, `file_content`, or `format` filled with the
other fields) and a label (`should_flag`, `should_be_caught`, `expected_secret`; a table with no label
column lists positives only). `file_extension`, when present, names the file as the test does.
"""
import ast
import itertools

TEXT_FIELDS = ("payload", "line", "file_content", "content_line")
LABEL_FIELDS = ("should_flag", "should_be_caught", "expected_secret", "expected", "is_secret")
SKIP_TABLES = {"content, expected_output", "verified_result ,is_verified", "status_code, validation_result", "limit"}


class _Namespace(dict):
    """Module globals where any unknown name (an imported plugin class) is a harmless stand-in."""

    def __missing__(self, key):
        if key in __builtins__ if isinstance(__builtins__, dict) else hasattr(__builtins__, key):
            raise KeyError(key)
        return f"<{key}>"


def _tables(node, ns):
    """The parametrize tables on a class or function definition, as lists of row dicts."""
    out = []
    for dec in node.decorator_list:
        if not (isinstance(dec, ast.Call) and ast.unparse(dec.func).endswith("parametrize")):
            continue
        try:
            names = eval(compile(ast.Expression(dec.args[0]), "<names>", "eval"), ns)
            values = list(eval(compile(ast.Expression(dec.args[1]), "<values>", "eval"), ns))
        except Exception:
            continue
        if names.strip() in SKIP_TABLES:
            continue
        keys = [n.strip() for n in names.split(",")]
        rows = []
        for v in values:
            v = v if len(keys) > 1 else (v,)
            if len(v) == len(keys):
                rows.append(dict(zip(keys, v)))
        out.append(rows)
    return out


def _example(row):
    text = next((row[f] for f in TEXT_FIELDS if f in row), None)
    if text is None and "format" in row:
        try:
            text = row["format"].format(**{k: v for k, v in row.items() if isinstance(v, str)})
        except (KeyError, IndexError):
            return None
    if not isinstance(text, str):
        return None
    label = next((row[f] for f in LABEL_FIELDS if f in row), True)
    positive = bool(label) if not isinstance(label, int) or isinstance(label, bool) else label > 0
    ext = row.get("file_extension", "missing")
    file = "mock_filename" if ext is None else f"mock_filename.{ext}" if ext != "missing" else "mock_filename"
    return {"text": text, "positive": positive, "file": file}


def examples(repo):
    stats = {"tables": 0, "rows": 0, "skipped": 0}
    for path in repo.ls("tests/plugins/"):
        if not path.endswith("_test.py") or path.endswith("base_test.py"):
            continue
        family = path.rsplit("/", 1)[1][:-len("_test.py")]
        tree = ast.parse(repo.read(path))
        ns = _Namespace(__name__="peer_test")
        for stmt in tree.body:
            if isinstance(stmt, (ast.Assign, ast.FunctionDef, ast.Import, ast.ImportFrom)):
                try:
                    exec(compile(ast.Module([stmt], []), path, "exec"), ns)
                except Exception:
                    pass
        targets = []
        for stmt in tree.body:
            if isinstance(stmt, ast.ClassDef):
                outer = _tables(stmt, ns) or [[{}]]
                for item in stmt.body:
                    if isinstance(item, ast.FunctionDef):
                        targets.append((outer, item))
            elif isinstance(stmt, ast.FunctionDef):
                targets.append(([[{}]], stmt))
        for outer, fn in targets:
            for table in _tables(fn, ns):
                stats["tables"] += 1
                for o in outer:
                    for a, b in itertools.product(o, table):
                        row = {**a, **b}
                        ex = _example(row)
                        stats["rows"] += 1
                        if ex is None:
                            stats["skipped"] += 1
                            continue
                        yield {"family": family, **ex}
    examples.stats = stats
