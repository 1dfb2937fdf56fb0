"""GRADE and RoB 2 arithmetic (`certainty`)."""
