from tests.catalog.conftest import admin, shop

__all__ = ["admin", "shop"]
