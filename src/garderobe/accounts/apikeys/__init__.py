"""API keys: named, scoped, hashed bearer credentials for server-to-server clients."""
