"""``python -m cli`` is ``pathwise``."""

from cli.main import main

main()
