from mypkg.low import store
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypkg.high import views  # type-only: excluded when exclude_type_checking_imports is set
