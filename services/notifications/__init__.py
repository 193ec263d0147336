"""Notifications to partner agencies (issue 17): subscriptions, the feed of notifications an
agency may see, and the webhook deliverer."""
