"""The demo: a small, believable marketplace across western provinces, built through the
same services the pages and API use."""
