"""Prefect flows: the processes of a reporting cycle."""
