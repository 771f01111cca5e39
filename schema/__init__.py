"""The GraphQL schema: strawberry types over the domain, and the ``Schema`` itself."""

from schema.build import build_schema

__all__ = ["build_schema"]
