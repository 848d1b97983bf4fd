"""reindus: dashboard of the Accélérateur de Relocalisations."""

__version__ = "0.1.0"
