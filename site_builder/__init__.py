"""site-builder: raw scraped briefings → clean Markdown → a static, searchable archive."""

__version__ = "0.1.0"
