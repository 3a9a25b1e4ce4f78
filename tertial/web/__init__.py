"""Tertial in the browser (`tertial serve`): a contributor's page reached by a signed personal link."""
