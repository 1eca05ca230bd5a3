"""One package per audience or feature."""
