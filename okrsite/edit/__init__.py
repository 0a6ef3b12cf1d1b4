"""Stage 6, editing: everything that writes into the repository (check-ins, closing and
reopening a quarter, a new quarter, the schemas), through one atomic writer."""
