"""uvicorn's access log without query strings: a GET's query string can hold a student id.

GraphQL over GET puts the whole document in the URL (``/graphql?query={student(id:
"ada")...}``), and uvicorn logs the URL, so an external student id reached the log
that docs/privacy.md says never holds one. The filter keeps the path and drops the rest.
"""

from __future__ import annotations

import logging

__all__ = ["QueryStringFilter", "drop_query_strings"]

_PATH_ARG = 2  # uvicorn's access record args: (client, method, path with query, http version, status)


class QueryStringFilter(logging.Filter):
    """Rewrites an access record's path to end before its ``?``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > _PATH_ARG and isinstance(full := args[_PATH_ARG], str):
            path, sep, _ = full.partition("?")
            if sep:
                record.args = (*args[:_PATH_ARG], f"{path}?…", *args[_PATH_ARG + 1 :])
        return True


def drop_query_strings(logger: logging.Logger | None = None) -> None:
    """Install the filter on uvicorn's access logger (once)."""
    target = logger or logging.getLogger("uvicorn.access")
    if not any(isinstance(f, QueryStringFilter) for f in target.filters):
        target.addFilter(QueryStringFilter())
