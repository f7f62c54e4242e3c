"""Models for evaluations."""
