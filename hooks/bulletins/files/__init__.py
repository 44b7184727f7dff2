"""Files: reading and writing the archive's files safely (YAML, locks, git), and the problems found in them, as a person reads them. The lowest stage: imports nothing of the package above it."""
