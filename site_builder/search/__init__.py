"""The client-side search index: tokens, codec, file layout, full build, in-place update."""
