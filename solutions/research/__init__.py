"""Reference solutions of the research seminar (seeds 000-003)."""
