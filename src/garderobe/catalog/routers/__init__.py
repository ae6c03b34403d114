"""HTTP routes of the catalog domain, one module per resource."""
