"""Domain models.

import shop.api.views  <- inside a docstring: not an import
"""
from typing import TYPE_CHECKING

from . import pricing

if TYPE_CHECKING:
    from shop.api.views import show  # only for type checkers


class Order:
    def __init__(self, order_id):
        self.order_id = order_id

    def render(self):
        from shop.api import views  # a lazy import still counts
        return views.show(self.order_id)
