"""What enterprises send back: duty rosters, incident reports and results reports, never lost.

Each POST is idempotent (a retry returns the same record), gets a reference to quote back
("TR-2026-000123"), and is forwarded to the department's webhook when one is configured.
"""
