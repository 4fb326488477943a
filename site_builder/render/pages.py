"""Page + environment → bytes. No I/O."""
from __future__ import annotations

import jinja2

from site_builder.site import urls
from site_builder.errors import BuildError
from site_builder.site.graph import Page


def render_page(env: jinja2.Environment, page: Page, site: dict, html_of: dict[str, str]) -> bytes:
    root = urls.root_prefix(page.path)
    if page.path == urls.NOT_FOUND and site.get("base_url"):
        root = site["base_url"] + "/"  # a 404 is served from any depth: absolute links if we can
    context = {**page.context, "site": site, "root": root, "page_path": page.path, "page_lang": page.lang,
               "html_of": html_of, "urls": urls}
    try:
        return env.get_template(page.template).render(context).encode("utf-8")
    except jinja2.TemplateError as exc:
        from site_builder.render.theme_errors import template_location
        where = template_location(exc, page.template)
        raise BuildError(f"{where}: template error while rendering {page.path}: {exc}") from None
