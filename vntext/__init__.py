"""Vietnamese text helpers shared by the Rasa (py3.10) and gateway/store (py3.11) environments.

Pure Python, standard library only, so both virtualenvs import the same code from the project root.
"""
