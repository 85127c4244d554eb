"""Checks of the research seminar."""
