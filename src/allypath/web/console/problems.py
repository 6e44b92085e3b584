"""What the console shows for a request it will not serve as asked (a :class:`RequestProblem`).

The console's middleware (:class:`allypath.web.middleware.RequestProblemMiddleware`) calls
:func:`problem_response` for every such error a console view raises, so no view maps it by hand: a
dashboard page keeps its tabs and filters and says what is wrong (the page the dashboard always
showed), any other console page gets a plain page with the message and the field at fault.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from allypath.errors import RequestProblem
from allypath.web.console import dashboard
from allypath.web.dashboard.deferred import with_retry_after

__all__ = ["problem_response"]


def problem_response(request: HttpRequest, problem: RequestProblem) -> HttpResponse:
    """The console's page for ``problem``, answered with its HTTP status."""
    match = request.resolver_match
    if match is not None and match.view_name.startswith("console:dashboard") and "slug" in match.kwargs:
        return dashboard.problem_page(request, problem)
    context = {"title": "This request cannot be answered", "problem": problem}
    return with_retry_after(render(request, "console/problem.html", context, status=problem.status), problem)
