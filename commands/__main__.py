"""`python -m commands …`, the same as the `tertial` script."""

from commands import app

app()
