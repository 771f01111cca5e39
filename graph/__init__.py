"""The domain core: the knowledge graph, its store, its projection and its algorithms.

Nothing here knows GraphQL, HTTP, torch or pandas.
"""
