"""styrkort: plan and follow-up for Swedish regions and municipalities."""

__version__ = "0.1.0"
