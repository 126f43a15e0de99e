"""Demo content for `flask seed-demo`."""
