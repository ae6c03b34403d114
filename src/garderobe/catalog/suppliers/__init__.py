"""Suppliers (admins only): who an item was bought from. A catalog wing because its rules (the
delete guard, the admin filter) are questions about the items in the read index."""
