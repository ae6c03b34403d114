"""HTTP routes of the accounts domain, one module per resource."""
