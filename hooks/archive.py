"""MkDocs hook named in mkdocs.yml. Glue only: the package does the work.

This file's folder is on sys.path only while MkDocs loads it, so the package is imported here, at
the top. MkDocs 1.6 loads a hook file once per process (its loader is cached): HOOKS below is made
once and lives for every rebuild of `mkdocs serve`, holding the process's one BuildState.
"""

from bulletins.mkdocs_glue import Hooks

HOOKS = Hooks()  # the process's state (bulletins/state.py): made once, as MkDocs loads this file once


def on_startup(command, dirty):
    HOOKS.startup(command)


def on_config(config):
    HOOKS.config(config)
    return config


def on_pre_build(config):
    HOOKS.new_build(config)


def on_files(files, config):
    return HOOKS.current.files(files, config)


def on_env(env, config, files):
    HOOKS.current.theme_env(env)
    return env


def on_page_markdown(markdown, page, config, files):
    HOOKS.current.page_markdown(page)


def on_page_content(html, page, config, files):
    return HOOKS.current.page_content(html, page)


def on_post_page(output, page, config):
    return HOOKS.current.post_page(output, page)


def on_post_template(output_content, template_name, config):
    return HOOKS.current.post_template(output_content, template_name)


def on_post_build(config):
    HOOKS.current.post_build(config)


def on_build_error(error):
    HOOKS.current.cancel()


def on_serve(server, config, builder):
    return HOOKS.serve(server, config)


def on_shutdown():
    HOOKS.shutdown()
