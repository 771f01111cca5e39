"""Student-attempt importers: outside answer logs to the canonical attempt table (``ingest.columns``).

One module per source, each with a pure ``parse_<format>`` (text in, table out) and a
``read_<format>`` (path in); ``formats.ATTEMPT_READERS`` maps format names to readers,
and ``to_graph.frame_to_attempts`` turns a table into the graph's ``Attempt`` objects.
"""
