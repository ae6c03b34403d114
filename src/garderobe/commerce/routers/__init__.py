"""HTTP routes of the commerce domain, one module per resource."""
