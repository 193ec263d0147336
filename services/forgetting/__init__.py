"""Forgetting a participant and reviewing retention (issue 18)."""
