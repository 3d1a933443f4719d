"""Holdout bench: directives written to be measured, never tuned on (see README.md)."""
