"""Storage: database engines and sessions (later: job store, result store, image store)."""
