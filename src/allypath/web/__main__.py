"""``python -m allypath.web <command>``: Django's manage.py for this project."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allypath.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{sys.executable} -m allypath.web", *sys.argv[1:]])


if __name__ == "__main__":
    main()
