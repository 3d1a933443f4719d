"""HTTP API of the store."""
