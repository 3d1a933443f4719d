"""Turning directive documents into records the bot can answer from."""
