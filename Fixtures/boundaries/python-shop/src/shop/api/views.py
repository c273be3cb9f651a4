"""HTTP views. May import everything below."""
from shop.domain import models
from ..domain.pricing import price  # relative, two levels up
import shop.infra.db as database


def show(order_id):
    return models.Order(order_id), price, database
