"""Models for outcomes."""
