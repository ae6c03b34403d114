"""garderobe: catalog and shop API for clothing shops and resale marketplaces."""

__version__ = "0.1.0"
