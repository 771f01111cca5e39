"""Pure ASGI middleware in front of the GraphQL app: request-size limit and authentication."""
