"""The site build: `build` (a plain class, works outside a build) and `plugin` (the MkDocs glue)."""
