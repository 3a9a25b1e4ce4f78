"""Where the project's data folders live (expectation suites, templates)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPECTATIONS = ROOT / "expectations"
TEMPLATES = ROOT / "templates"
EXAMPLES = ROOT / "examples"
PROFILES = ROOT / "profiles"
