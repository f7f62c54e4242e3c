"""Models for public."""
