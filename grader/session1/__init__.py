"""Checks of Session 1."""
