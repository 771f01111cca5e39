"""Write or check the committed ``schema.graphql``: ``python -m schema.export [--check] FILE``."""

from __future__ import annotations

import sys
from pathlib import Path

from schema.build import build_schema

__all__ = ["schema_sdl"]


def schema_sdl() -> str:
    """The SDL of the production schema (the same types as in development)."""
    return build_schema(development=False).as_str() + "\n"


def main(argv: list[str]) -> int:
    """Write the SDL to the file, or with ``--check`` fail when the file differs."""
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    target = Path(paths[0] if paths else "schema.graphql")
    sdl = schema_sdl()
    if check:
        if not target.exists() or target.read_text() != sdl:
            sys.stderr.write(f"{target} is out of date: run `make schema` and commit it\n")
            return 1
        return 0
    target.write_text(sdl)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
