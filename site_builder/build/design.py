"""What every output depends on besides the articles: theme, site settings, code, tag aliases."""
from __future__ import annotations

import json
from dataclasses import dataclass

from site_builder.build.fingerprint import code_fingerprint, hash_files
from site_builder.config import SiteConfig
from site_builder.render.themes import Theme, resolve_theme, static_files, template_files
from site_builder.site.tags import load_aliases


class SiteSettings(dict):
    """The site's settings as templates read them, `site.title` or `site['title']`. Also
    attributes: Jinja tries `site.title` as an attribute first, and on a plain dict raises and
    catches an AttributeError each time (eight times a page)."""

    def __init__(self, values: dict):
        super().__init__(values)
        self.__dict__.update((k, v) for k, v in values.items() if not hasattr(dict, k))  # site.items stays a method


def site_globals(config: SiteConfig) -> SiteSettings:
    return SiteSettings({"title": config.title, "description": config.description, "language": config.language,
                         "base_url": config.base_url, "extra": dict(config.extra)})


@dataclass(frozen=True)
class Design:
    """Everything an output depends on besides the articles."""
    theme: Theme
    site: dict
    code: str    # code_fingerprint(): also what the search index depends on
    chain: str   # templates + code + site settings: part of every page's fingerprint
    parts: tuple
    aliases: dict  # the site's tag aliases (content/tags.toml)

    @staticmethod
    def of(config: SiteConfig) -> Design:
        theme = resolve_theme(config.theme, config.site_dir)
        site = site_globals(config)
        code = code_fingerprint()
        chain = hash_files(template_files(theme), code + json.dumps(site, sort_keys=True, default=str))
        aliases = load_aliases(config.content_dir)
        parts = (chain, code, hash_files(list(static_files(theme).values()), config.theme),
                 config.per_page, config.language, config.drafts, json.dumps(aliases, sort_keys=True))
        return Design(theme, site, code, chain, parts, aliases)
