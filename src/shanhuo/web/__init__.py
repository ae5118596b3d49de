"""Templates, static assets and the page helpers every domain's ``pages.py`` uses."""
