"""MkDocs hook named in mkdocs.yml. Glue only: the package does the work.

This file's folder is on sys.path only while MkDocs loads it, so the package is imported here,
at the top, and kept. `mkdocs serve` executes this file again for every rebuild, so no state is
kept here: it lives in the package (bulletins.mkdocs_glue), which is imported once.
"""

from pathlib import Path

from bulletins import mkdocs_glue as glue


def on_startup(command, dirty):
    glue.startup(command)


def on_pre_build(config):
    glue.new_build(config)


def on_files(files, config):
    return glue.current().files(files, config)


def on_env(env, config, files):
    glue.current().theme_env(env)
    return env


def on_page_markdown(markdown, page, config, files):
    glue.current().page_markdown(page)


def on_page_content(html, page, config, files):
    return glue.current().page_content(html, page)


def on_post_page(output, page, config):
    return glue.current().post_page(output, page)


def on_post_build(config):
    glue.current().post_build(config)


def on_build_error(error):
    glue.current().cancel()


def on_serve(server, config, builder):
    return glue.watch_refresh(server, Path(config.config_file_path).parent)


def on_shutdown():
    glue.shutdown()
