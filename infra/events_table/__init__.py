"""The one adapter for the events table. Every read of the table that does not rebuild an
aggregate through the library's repository goes through here: the projector's pages of
notifications, positions, a command's events after the versions it holds, the versions known
at a moment, and the audit's records exactly as stored. So do the differences between
PostgreSQL and SQLite in reading it (`dialects.py`). The library's recorder writes the table
(`infra/group_commit.py` on PostgreSQL)."""
