"""Insights pages, one module per feature (priorities, research, opportunities, duty, network): thin views."""
