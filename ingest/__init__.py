"""Outside formats in and out: read (I/O) apart from transform (pure), validate before writing."""
