"""Articles: the model, front-matter (with its fast path), the loader."""
