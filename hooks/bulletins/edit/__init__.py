"""Edit: writing the data: the one canonical layout, atomic writes, `bulletins fmt`, `new` and `init`. Imports data/ and files/."""
