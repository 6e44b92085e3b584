"""The HR console under /console/: organisations, people and roles, HRIS import, waves, invitations and
response rates. Every view reaches its object through :func:`allypath.web.orgs.access.get_for`.
"""
