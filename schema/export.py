"""Write or check the committed ``schema.graphql``: ``python -m schema.export [--check] [FILE]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schema.build import build_schema

__all__ = ["main", "schema_sdl"]


def schema_sdl() -> str:
    """The SDL of the production schema (the same types as in development)."""
    return build_schema(development=False).as_str() + "\n"


def main(argv: list[str]) -> int:
    """Write the SDL to the file, or with ``--check`` fail when the file differs.

    Options are parsed, not looked for: ``--help`` was taken for a file name and the
    schema written into a file called ``--help``.
    """
    parser = argparse.ArgumentParser(
        prog="python -m schema.export", description="Write the GraphQL schema's SDL, or check the committed file."
    )
    parser.add_argument("file", nargs="?", type=Path, default=Path("schema.graphql"), help="default: schema.graphql")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when FILE differs from the code")
    args = parser.parse_args(argv)
    target: Path = args.file
    sdl = schema_sdl()
    if args.check:
        if not target.exists() or target.read_text() != sdl:
            sys.stderr.write(f"{target} is out of date: run `make schema` and commit it\n")
            return 1
        return 0
    target.write_text(sdl)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
