"""Reference solutions of Session 1."""
