"""The dev server: state of the last good build, HTTP, watcher, the live-reload client."""
