"""Transactional outbox: side effects recorded in the same PostgreSQL transaction as the change."""
