"""The data contract: the JSON Schema (claims.schema.json), its interpreter (`schema`), every vocabulary (`vocab`)."""
