"""The revisions, oldest first (a package only so that installs ship them)."""
