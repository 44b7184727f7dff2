"""Search: the records of every finding and a bundle in Pagefind's format, a part per year, made in worker processes beside the build. Imports site/ (URLs, filter names) and below."""
