"""MkDocs hook named in mkdocs.yml. Glue only: the package does the work.

This file's folder is on sys.path only while MkDocs loads it, so the package is imported here,
at the top, and kept.
"""

from bulletins.mkdocs_glue import Glue

_glue = Glue()


def on_pre_build(config):
    global _glue
    _glue.cancel()
    _glue = Glue()


def on_files(files, config):
    return _glue.files(files, config)


def on_page_content(html, page, config, files):
    return _glue.page_content(html, page)


def on_post_build(config):
    _glue.post_build(config)


def on_build_error(error):
    _glue.cancel()
