"""Rasa SDK custom actions; rasa-sdk registers every Action subclass in this package."""
