"""Models for scheduling."""
