from shop.infra.db import fetch_rates


def price(amount):
    return amount * fetch_rates()["EUR"]
