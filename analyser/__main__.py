"""``python -m analyser`` runs the ``tipgap`` command line."""

from .cli import main

main()
