"""Models for charting."""
