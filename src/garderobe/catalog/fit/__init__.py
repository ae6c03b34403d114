"""Fit: brand size charts, the shopper's saved sizes, and what they make of a listing."""
