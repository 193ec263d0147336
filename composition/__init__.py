"""The composition root, on top of every other package: settings → stores → services →
projections → the API, the CLI's commands and the background workers. Nothing below imports it."""
