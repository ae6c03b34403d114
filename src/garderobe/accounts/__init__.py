"""Users, authentication, profiles and addresses (PostgreSQL)."""
