from tests.catalog.conftest import admin, customer, shop

__all__ = ["admin", "customer", "shop"]
