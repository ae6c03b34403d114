"""Outgoing webhooks: subscriptions, events written to the outbox, signed deliveries."""
