"""The gateway: channels (console, Telegram, later Zalo) relayed to Rasa's REST channel."""
