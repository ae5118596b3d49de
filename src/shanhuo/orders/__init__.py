"""Orders: cart, multi-store checkout, stock reservation, order states and timeouts."""
