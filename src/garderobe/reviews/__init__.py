"""Reviews from verified buyers: ratings and text on items they received, and moderation."""
