"""Payments: provider interface, the sandbox provider, signed callbacks, refunds, settlements."""
