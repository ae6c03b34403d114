"""Stock, carts, checkout, orders and payments: everything that moves money or stock."""
