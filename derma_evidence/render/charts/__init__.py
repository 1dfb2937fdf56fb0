"""Chart view-models: all SVG geometry; the templates only draw."""
