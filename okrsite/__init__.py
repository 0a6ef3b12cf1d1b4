"""okrsite: engineering OKRs kept as plain files in git, published as a versioned MkDocs site."""

__version__ = "0.1.0"
