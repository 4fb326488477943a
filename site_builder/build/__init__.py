"""The build: stages in order, fingerprints, cache, writer (all-or-nothing commit), lock."""
