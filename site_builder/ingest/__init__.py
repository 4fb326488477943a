"""Raw scraped text → clean Markdown articles (cleaner, slugs, translations, importer)."""
