import shop.api.views
from shop.domain.models import Order
