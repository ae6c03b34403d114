"""Pricing at checkout: discounts, shipping by destination and taxes, added up to a quote."""
