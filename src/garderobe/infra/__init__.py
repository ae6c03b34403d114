"""Adapters for the outside systems: one module per system."""
