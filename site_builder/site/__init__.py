"""Where pages live and what is on them: URLs, the page graph."""
