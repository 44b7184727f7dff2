"""Tools for the project's own work, outside the runtime package: the benchmark, synthetic archives, the built site served as nginx would for tests."""
