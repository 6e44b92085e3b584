"""Organisations, their units and people, HR roles, waves and invitations (the console's domain)."""
