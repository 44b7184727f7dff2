"""Review: a data file as facts in words, a change to the data as a data change (git textconv, diff, the review page), and correction notes. Imports data/ and files/."""
