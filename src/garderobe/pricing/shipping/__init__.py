"""Shipping zones and their methods."""
