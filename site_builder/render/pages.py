"""Page + environment → bytes. No I/O."""
from __future__ import annotations

import sys

import jinja2

from site_builder.site import urls
from site_builder.errors import BuildError
from site_builder.render.theme_errors import template_frame
from site_builder.site.graph import Page


def render_page(env: jinja2.Environment, page: Page, site: dict, html_of: dict[str, str]) -> bytes:
    root = urls.root_prefix(page.path)
    if page.path == urls.NOT_FOUND and site.get("base_url"):
        root = site["base_url"] + "/"  # a 404 is served from any depth: absolute links if we can
    context = {**page.context, "site": site, "root": root, "page_path": page.path, "page_lang": page.lang,
               "html_of": html_of, "urls": urls}
    try:
        return env.get_template(page.template).render(context).encode("utf-8")
    except RecursionError:
        path, line = template_frame(sys.exc_info()[2], page.template)
        raise BuildError(f"template includes or extends itself without end (while rendering {page.path})",
                         path, line) from None
    except Exception as exc:  # noqa: BLE001 — any error inside a template is the template's
        path, line = template_frame(exc.__traceback__, page.template)
        line = getattr(exc, "lineno", None) or line
        path = getattr(exc, "filename", None) or path
        kind = "" if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: "
        raise BuildError(f"template error while rendering {page.path}: {kind}{exc}", path, line) from None
