"""Running an installation: database backups (an online SQLite copy or a pg_dump, each verified
and described by a JSON manifest), their retention, and restoring one into an empty database.
Imports only common and models.
"""
