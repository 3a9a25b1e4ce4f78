"""Feedback to a contributor on one submission version: text, HTML page, annotated workbook and mail."""
