"""Page builders, one module per page family."""
