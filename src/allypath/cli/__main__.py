"""``python -m allypath.cli``: the ``allypath`` command."""

from allypath.cli import main

main()
