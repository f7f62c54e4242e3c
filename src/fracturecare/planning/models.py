"""Models for planning."""
