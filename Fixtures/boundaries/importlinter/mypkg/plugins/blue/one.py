from ..green import two
