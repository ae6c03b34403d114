"""Variants: the sellable versions of an item (a size and/or a colour, an optional price of
their own, a SKU and a GTIN), their validation on the category's size systems, their
availability from stock, and the admin changes to them."""
