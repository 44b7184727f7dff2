"""专报归档: bulletins kept as YAML data, published as a static site with MkDocs."""

__version__ = "0.1.0"
