"""The reviews API: a buyer's own reviews, an item's public reviews, moderation (admin)."""
