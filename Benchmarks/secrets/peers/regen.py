"""Random strings that match a regular expression, for the peers' tests that build their examples from
a regex (gitleaks' `secrets.NewSecret`). Go's syntax is mapped onto Python's parser first; unbounded
repeats add at most `extra` repetitions. A fixed seed gives the same strings."""
import random
import re
import re._parser as sre
from re._constants import (ANY, AT, BRANCH, CATEGORY, GROUPREF, IN, LITERAL, MAX_REPEAT, MAXREPEAT, MIN_REPEAT,
                           NEGATE, NOT_LITERAL, RANGE, SUBPATTERN, ASSERT, ASSERT_NOT, CATEGORY_DIGIT,
                           CATEGORY_NOT_DIGIT, CATEGORY_SPACE, CATEGORY_NOT_SPACE, CATEGORY_WORD,
                           CATEGORY_NOT_WORD)

_PRINTABLE = [chr(c) for c in range(33, 127)]
_CATEGORIES = {
    CATEGORY_DIGIT: "0123456789",
    CATEGORY_NOT_DIGIT: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    CATEGORY_SPACE: " ",
    CATEGORY_NOT_SPACE: "abcdefghijklmnopqrstuvwxyz0123456789",
    CATEGORY_WORD: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
    CATEGORY_NOT_WORD: "-.",
}
_POSIX = {"alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "digit": "0-9", "lower": "a-z", "upper": "A-Z",
          "xdigit": "0-9a-fA-F", "space": r"\s", "word": r"\w", "punct": r"!-/:-@\[-`{-~"}


def to_python(pattern):
    """Go (RE2) syntax to Python's: POSIX classes, `\\z`, and inline flags that Python wants first."""
    p = re.sub(r"\[:(\w+):\]", lambda m: _POSIX.get(m.group(1), m.group(0)), pattern)
    p = p.replace(r"\z", r"\Z")
    flags = ""
    for m in re.finditer(r"\(\?([imsU]+)\)", p):
        flags += m.group(1).replace("U", "")
    p = re.sub(r"\(\?[imsU]+\)", "", p)
    return (f"(?{''.join(sorted(set(flags)))})" if flags else "") + p


class Generator:
    def __init__(self, seed, extra=3):
        self.rng = random.Random(seed)
        self.extra = extra

    def generate(self, pattern):
        return self._seq(sre.parse(to_python(pattern)))

    def _seq(self, items):
        return "".join(self._one(op, av) for op, av in items)

    def _class(self, items):
        allowed, negate = [], False
        for op, av in items:
            if op == NEGATE:
                negate = True
            elif op == LITERAL:
                allowed.append(chr(av))
            elif op == RANGE:
                allowed.extend(chr(c) for c in range(av[0], av[1] + 1))
            elif op == CATEGORY:
                allowed.extend(_CATEGORIES.get(av, ""))
        if negate:
            banned = set(allowed)
            allowed = [c for c in _PRINTABLE if c not in banned]
        return self.rng.choice(allowed) if allowed else ""

    def _one(self, op, av):
        r = self.rng
        if op == LITERAL:
            return chr(av)
        if op == NOT_LITERAL:
            return r.choice([c for c in _PRINTABLE if ord(c) != av])
        if op == ANY:
            return r.choice("abcdefghijklmnopqrstuvwxyz0123456789")
        if op == IN:
            return self._class(av)
        if op == CATEGORY:
            return r.choice(_CATEGORIES.get(av, "x"))
        if op in (MAX_REPEAT, MIN_REPEAT):
            lo, hi, item = av
            hi = lo + self.extra if hi == MAXREPEAT else hi
            return "".join(self._seq(item) for _ in range(r.randint(lo, hi)))
        if op == SUBPATTERN:
            return self._seq(av[-1])
        if op == BRANCH:
            return self._seq(r.choice(av[1]))
        if op in (AT, ASSERT, ASSERT_NOT, GROUPREF):
            return ""
        raise ValueError(f"cannot generate {op}")
