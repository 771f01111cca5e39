"""Strawberry object types; each wraps a domain object (``from_domain``)."""
