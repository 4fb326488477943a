"""Text rules every layer shares: folding, slugs, sentences, language. Imports nothing of ours."""
