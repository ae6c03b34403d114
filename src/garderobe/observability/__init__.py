"""What operators see of the running service: Prometheus metrics and Sentry reports."""
