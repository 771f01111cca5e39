"""Demo content for Pathwise: a sample curriculum and simulated student histories."""
