"""The pages: each quarter's Markdown made from its scores, with the templates that format them."""
