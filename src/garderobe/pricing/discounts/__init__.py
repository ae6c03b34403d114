"""Discount codes and automatic promotions."""
