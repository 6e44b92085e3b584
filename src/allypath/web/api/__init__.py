"""The typed HTTP API (Django Ninja) under /api/v1/: respondent submissions and HR read endpoints."""
