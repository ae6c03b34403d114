"""Item images in S3-compatible object storage."""
