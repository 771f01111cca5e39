"""The ``pathwise`` command line."""
