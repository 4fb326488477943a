"""`site-builder new DIR`: a small site that builds at once, and what to do next."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

THEME = "mysite"

SITE_TOML = '''\
# Settings of this site. Every key is optional; a key left out takes the default shown.
# Unknown keys are warned about ("did you mean ...?"); values of your own go in [extra].

title = "{title}"                 # shown in every page header and the feed
description = "My briefing archive"   # the home page's description and the footer line
language = "en"                 # language code of the site's own pages (en, vi, ...)
theme = "{theme}"                  # a folder in themes/ here, or a shipped one: default, broadsheet
base_url = ""                   # where the site will be published, e.g. "https://example.org/news";
                                # set it to get absolute links in feed.xml and a sitemap.xml
per_page = 20                   # articles per page on the home page and on every list

[extra]                         # anything here reaches templates as site.extra.NAME
# owner = "Jane Doe"
'''

RAW_README = ("Drop raw scraped .txt files here: `site-builder import` (and `site-builder serve`, as "
              "they arrive) cleans each into content/articles/.\n")

WELCOME = '''\
---
title: Welcome to your archive
date: {date}
lang: en
tags: [getting started]
summary: How this site is made, and where to go from here.
---
This article is `content/articles/welcome.md`: front-matter between the `---` lines, then
Markdown. Edit it while `site-builder serve` runs and the page in your browser reloads.

## Writing more

- Add a file next to this one; `title` is the only required key.
- Link to another article by its file name, like `[the budget](budget.md)`: the link
  goes to that article's page.
- `draft: true` keeps an article out of the build until you remove it
  (`site-builder build --drafts` includes it; `serve` shows drafts, marked).

## Raw articles

Scraped text files dropped into `content/raw/` are cleaned into articles by
`site-builder import`, or at once while `site-builder serve` runs.
'''

THEME_TOML = '''\
# Your theme: everything not found here comes from the shipped "default" theme.
name = "{theme}"
extends = "default"
'''

BASE_OVERRIDE = '''\
{#- An override of one template: this replaces only the footer of default's base.html.
    Copy any other template from the default theme into templates/ here to change it. -#}
{% extends "default/base.html" %}
{% block footer %}
<footer class="site-footer">
  <div class="wrap">
    <p>{{ site.description }} · <a href="{{ root }}feed.xml">Atom feed</a> · made with site-builder</p>
  </div>
</footer>
{% endblock %}
'''


@dataclass(frozen=True)
class NewSite:
    root: Path
    files: tuple[Path, ...]


class NotEmpty(Exception):
    """The target folder already holds files: `new` never writes among them."""


def site_files(title: str, today: dt.date) -> dict[str, str]:
    """Relative path → text of every file of a new site."""
    return {
        "site.toml": SITE_TOML.format(title=title, theme=THEME),
        "content/raw/README.md": RAW_README,
        "content/articles/welcome.md": WELCOME.format(date=today.isoformat()),
        f"themes/{THEME}/theme.toml": THEME_TOML.format(theme=THEME),
        f"themes/{THEME}/templates/base.html": BASE_OVERRIDE,
    }


def create_site(root: Path, today: dt.date | None = None) -> NewSite:
    """Write a new site into `root` (missing or empty); NotEmpty otherwise."""
    root = Path(root)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise NotEmpty(f"{root} is not an empty folder; give a new or empty one")
    title = root.resolve().name.replace("-", " ").replace("_", " ").strip().capitalize() or "My archive"
    written = []
    for rel, text in site_files(title.replace('"', "'"), today or dt.date.today()).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return NewSite(root, tuple(written))


def next_steps(site: NewSite) -> str:
    """What `new` prints: what was made and the two commands to run next."""
    return "\n".join([
        f"created a new site in {site.root}/",
        "  site.toml              settings, each key explained",
        "  content/articles/      welcome.md, a first article",
        "  content/raw/           raw scraped .txt files to import",
        f"  themes/{THEME}/         your theme: overrides one template of 'default'",
        "next steps:",
        f"  cd {site.root}",
        "  site-builder serve     # preview at http://127.0.0.1:8000/, rebuilt on every save",
        "  site-builder build     # writes the site into output/",
    ])
