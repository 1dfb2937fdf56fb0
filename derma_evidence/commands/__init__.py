"""The `derma` command and its subcommands."""
