"""Size systems, size charts and conversion between them: pure functions over packaged data."""
