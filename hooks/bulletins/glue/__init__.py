"""Glue: the only stage that speaks MkDocs: its events, its build and serve commands, the site folder, the preview under serve. Imports every stage below it."""
