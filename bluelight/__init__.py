"""Blue Light Collaboration Observatory."""
