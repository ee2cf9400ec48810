"""babelwire: a self-hosted, automatic foreign-language news wire."""

__version__ = "0.1.0"
