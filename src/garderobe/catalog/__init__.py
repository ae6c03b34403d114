"""The catalog: taxonomy, typed attributes, items, listing, facets and search."""
