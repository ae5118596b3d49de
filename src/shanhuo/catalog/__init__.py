"""Catalog: specialty-produce products, variants (SKUs) with stock, photos, browse and search."""
