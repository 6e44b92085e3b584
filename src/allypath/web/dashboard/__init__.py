"""The organisation's publication for the web: declared breakdowns, the solved release, its cache."""
