"""Pages from the site graph: themes (one Jinja environment per chain), pages, feeds."""
