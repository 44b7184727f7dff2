"""MkDocs hook named in mkdocs.yml. Glue only: the installed package does the work.

This file's folder is on sys.path only while MkDocs loads it, so the package is imported here, at
the top; `bulletins init` writes this same file into every new archive.
"""

from bulletins.hook import *  # noqa: F401,F403  (MkDocs looks the on_* events up on this module)
