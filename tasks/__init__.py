"""Prefect tasks: small steps that take data and return data."""
