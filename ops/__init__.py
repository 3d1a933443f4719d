"""Development and operations tooling: starting, checking and stopping the native stack."""
