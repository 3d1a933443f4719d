"""The department store: system of record for directives and what enterprises send back."""
