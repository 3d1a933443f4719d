"""Reaching people: profiles and roles, subscriptions, broadcasts, the outbox, reminders, stats.

The Telegram gateway keeps nothing of its own: who may do what, who hears what, and every message
still to deliver live here, so a restarted gateway resumes without losing or repeating anything.
"""
