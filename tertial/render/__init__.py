"""Rendering: the report model as HTML, PDF, Word and JSON, its charts, and the leadership page."""
