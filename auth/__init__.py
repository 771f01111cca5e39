"""Who is asking and what they may do: signed tokens, principals, the access policy.

No GraphQL and no HTTP here: ``schema.access`` enforces the policy on the schema and
``middleware.auth`` turns a bearer token into a principal.
"""
