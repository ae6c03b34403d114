"""Recommendation routes."""
