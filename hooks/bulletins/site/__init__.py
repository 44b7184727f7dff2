"""Site: the pages (one function per kind), their templates' context, charts, exports and URLs; `build_site` runs the pipeline without MkDocs. Imports analysis/, review/, data/, files/."""
