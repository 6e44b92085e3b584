"""The organisation's publication for the web, and the one door every figure HR sees goes through.

- :mod:`.query`: a request's parameters checked into a ``DashboardQuery`` (access helper first);
- :mod:`.release`: the organisation's release, solved once per state of the data (``org_release``);
- :mod:`.service`: query -> release -> one frozen result per view (:mod:`.results`), audited;
- :mod:`.rates`: the wave page's and the API's response rates per unit, audited;
- :mod:`.frames`: stored responses and invitations as the frames the analytics read;
- :mod:`.models`, :mod:`.views`: the declared breakdowns and the solved releases, and the page where
  org admins change the declaration.

The console (``web/console/dashboard.py``) and the API (``web/api/dashboard.py``) only parse the
request, call the service and render or serialise its result.
"""
