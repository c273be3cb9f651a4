import os, sys as s
from . import a
from ..b import (c,
  d)
if TYPE_CHECKING:
    import e
try:
    import f
except ImportError:
    pass
x = """import no"""
