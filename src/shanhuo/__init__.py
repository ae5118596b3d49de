"""山货 Shanhuo — farm-to-city e-commerce for western China."""

__version__ = "0.1.0"
