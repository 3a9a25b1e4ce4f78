"""Tertial: a nämnd's reporting cycle (tertialrapport and verksamhetsberättelse) as Prefect flows."""

__version__ = "0.1.0"
