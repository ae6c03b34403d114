"""Bulk import of items with their variants and stock from CSV or NDJSON files."""
