"""Storage for 培育库: peewee models, the connection (SQLite or PostgreSQL), migrations, audit.

Nothing here knows about the rules of the job or about Qt; `desktop/` builds on it.
"""
