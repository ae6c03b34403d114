"""Recommendations: similar items, bought together, and a row for each shopper."""
