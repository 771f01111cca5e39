"""Thin resolvers: arguments in, one call into ``graph/`` (or ``ml/``), domain objects out."""
