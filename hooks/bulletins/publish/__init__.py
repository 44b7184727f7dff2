"""Publish: `bulletins publish`: releases built and link-checked, the atomic switch and rollback. Runs the build through glue/."""
