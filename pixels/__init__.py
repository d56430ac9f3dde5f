"""Pixels: the archive's image files (a library, no web code): where a dataset's file
is and how to read parts of it, previews, and the DP1-shaped demo files."""
