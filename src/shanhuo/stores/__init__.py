"""Stores: a rural entrepreneur opens a store; the first one is a new-entrepreneur event."""
