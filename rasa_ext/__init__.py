"""Custom Rasa components (imported by module path from config.yml)."""
