"""Each published page carries its own Content-Security-Policy: scripts from the site itself and,
inline, only the page's own (by their SHA-256, computed as the page is written), WebAssembly for
Pagefind, nothing from another host.

In the page (a `<meta http-equiv>` before any script) rather than in the web server's config, so
a new release brings its policy with it: switching `current` needs no server reload.
`deploy/nginx.conf` adds what a page cannot say for itself (frame-ancestors).
"""

from __future__ import annotations

import base64
import hashlib
import re

# Executable inline scripts: no src, and no type that is data (Material's __config is JSON).
_INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_DATA_TYPE = re.compile(r"""\btype=["']?(?!module|text/javascript|application/javascript)[\w/+.-]+""", re.I)
_CHARSET = re.compile(r"<meta charset=[^>]*>", re.I)

FIXED = ("default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self'",
         "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'")


def hashes(html: str) -> list[str]:
    """'sha256-…' of each executable inline script, in order, each once."""
    out: list[str] = []
    for m in _INLINE.finditer(html):
        if _DATA_TYPE.search(m.group("attrs")):
            continue
        digest = base64.b64encode(hashlib.sha256(m.group("body").encode("utf-8")).digest()).decode("ascii")
        if f"'sha256-{digest}'" not in out:
            out.append(f"'sha256-{digest}'")
    return out


def policy(html: str) -> str:
    script = " ".join(["script-src 'self' 'wasm-unsafe-eval'", *hashes(html)])
    return "; ".join([FIXED[0], script, *FIXED[1:]])


def with_policy(html: str) -> str:
    """The page with its policy as the first thing after its charset (a policy covers only what
    follows it). A page without a charset line gets it at the top of its head."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    m = _CHARSET.search(html)
    if m:
        return html[:m.end()] + "\n    " + meta + html[m.end():]
    return html.replace("<head>", "<head>\n    " + meta, 1)
