"""Runtime helpers shared by every process: paths, tokens and database URLs."""
