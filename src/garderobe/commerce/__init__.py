"""Carts, checkout, orders and payments: everything that moves money (stock: garderobe.stock)."""
