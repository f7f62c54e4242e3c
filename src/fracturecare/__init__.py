"""fracturecare: integrated stress-fracture care for clinics."""

__version__ = "0.1.0"
