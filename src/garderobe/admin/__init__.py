"""The operators' admin panel at /admin (SQLAdmin over the PostgreSQL models)."""
