"""The site on disk: the output folder written whole and swapped in, its lock, versions.json."""
