"""Tradeoff Studio: choose an operating point among competing objectives and defend it."""

__version__ = "0.1.0"
