"""Loaders: bytes in, position-carrying trees and diagnostics out. Nothing here raises on bad input."""
