"""The downloads: claims.json, claims.csv and datapackage.json, answers.json, CSL-JSON, the schema."""
