"""The MkDocs events, handed to the package. Every archive's hook file imports these names, so an
archive's own hook never changes when the project is upgraded.

MkDocs 1.6 loads a hook file once per process (its loader is cached): HOOKS below is made once
and lives for every rebuild of `mkdocs serve`, holding the process's one BuildState.
"""

from .glue.mkdocs_glue import Hooks

HOOKS = Hooks()  # the process's state (bulletins/data/state.py): made once, as MkDocs loads this file once


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
    return HOOKS.current.page_markdown(markdown, page)


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


__all__ = ["HOOKS", "on_startup", "on_config", "on_pre_build", "on_files", "on_env", "on_page_markdown",
           "on_page_content", "on_post_page", "on_post_template", "on_post_build", "on_build_error", "on_serve",
           "on_shutdown"]
