"""Stage 2, loading: the files under okrs/ in, a located model and located problems out."""
