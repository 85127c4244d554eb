"""Reference solutions: the one source of truth for every exercise set (instructor-only)."""
