"""Insights forms, one module per feature."""
