"""Models for handouts."""
