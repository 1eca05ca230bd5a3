"""Domain code: knows nothing of Flask's request; adds and flushes, never commits."""
