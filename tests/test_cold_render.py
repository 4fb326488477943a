"""What a cold build's page workers keep and remember: bodies are not kept, interface texts are
remembered by exactly what they depend on."""
from __future__ import annotations

from pathlib import Path

from site_builder.build.render_stage import RenderedArticles, _render_page_job
from site_builder.content.article import FileBody
from site_builder.content.loader import load_articles
from site_builder.markdown import render_markdown
from site_builder.render.themes import make_environment, resolve_theme
from site_builder.site.graph import plan_pages

from conftest import write_article


def _site(tmp_path: Path) -> Path:
    for i in range(3):
        write_article(tmp_path, f"a{i}.md", f"title: A{i}\ndate: 2024-01-0{i + 1}\nsummary: S{i}",
                      f"Body {i} with *stress*.\n")
    return tmp_path


def test_bodies_read_by_a_template_are_not_kept(tmp_path):
    articles = load_articles(_site(tmp_path) / "content" / "articles", {}, 1)
    for a in articles:  # as a cold build's loader leaves them: read from the file when used
        a.__dict__["_body"] = FileBody(a.source_path, a.source_path.name, a.digest)
    pages = [p for p in plan_pages(articles, 10, "en") if p.template == "article.html"]
    html_of = RenderedArticles({a.slug: a for a in articles})
    payload = {"env": make_environment(resolve_theme("default", tmp_path)), "pages": pages,
               "site": {"title": "T", "description": "D", "language": "en", "base_url": "", "extra": {}},
               "html_of": html_of, "staging": tmp_path / "out", "made": set(), "chain": None, "memo": {}}
    for i in range(len(pages)):
        _render_page_job(payload, i)  # article.html reads article.body (the summary test)
    assert all(isinstance(a.__dict__["_body"], FileBody) for a in articles)
    assert len(html_of) == 0
    page = (tmp_path / "out" / "articles" / "a1.html").read_text(encoding="utf-8")
    assert render_markdown("Body 1 with *stress*.\n").html in page


def test_interface_texts_remembered_per_language_count_and_parameter(tmp_path):
    env = make_environment(resolve_theme("default", tmp_path))
    template = env.from_string("{{ t('articles', count=n) }}|{{ t('page_n', number=k) }}")
    seen = {(lang, n, k): template.render(page_lang=lang, n=n, k=k)
            for _ in range(2) for lang in ("en", "vi") for n in (1, 2, True) for k in (1, "1", 2)}
    fresh = make_environment(resolve_theme("default", tmp_path))
    for (lang, n, k), text in seen.items():  # the same as a new environment says it, each time
        assert fresh.from_string("{{ t('articles', count=n) }}|{{ t('page_n', number=k) }}").render(
            page_lang=lang, n=n, k=k) == text
    assert seen[("en", 1, 1)] != seen[("en", 2, 1)] and seen[("en", 1, 1)] != seen[("vi", 1, 1)]


def test_a_full_build_renders_each_articles_markdown_once(tmp_path, monkeypatch):
    """The page workers take the HTML (and Markdown) the search stage made, rather than read
    and render each article again; its chunk files are gone before the output is swapped in."""
    from site_builder import markdown
    from site_builder.build.pipeline import build_site
    from site_builder.config import load_config
    from site_builder.search import stage

    site = _site(tmp_path)
    write_article(site, "linked.md", "title: L\ndate: 2024-02-01", "See [A0](a0.md) and **more**.\n")
    seen: list[str] = []

    def counted(text: str):
        seen.append(text)
        return markdown.render_markdown(text)

    monkeypatch.setattr(stage, "render_markdown", counted)  # the search stage's
    read_files = []
    monkeypatch.setattr(FileBody, "__call__", lambda self, real=FileBody.__call__: read_files.append(self.rel) or real(self))
    build_site(load_config(site, jobs=1), use_cache=False)
    assert len(seen) == 4 and len(set(seen)) == 4
    # each file read once, by the search stage (and linked.md, with no summary, for the feed)
    assert sorted(read_files) == ['a0.md', 'a1.md', 'a2.md', 'linked.md', 'linked.md']
    out = site / "output"
    page = (out / "articles" / "linked.html").read_text(encoding="utf-8")
    assert 'href="a0.html"' in page and "<strong>more</strong>" in page
    assert not list(out.rglob(".bodies")) and not list(out.rglob("*.marshal"))


def test_template_calls_pass_what_jinja_passes(tmp_path):
    """The quicker call of Python functions from templates passes the context (with the loop's
    and block's variables as Jinja shows them), the environment or nothing, as Jinja's own
    Context does; a missing template still fails."""
    import jinja2
    import pytest

    source = ("{{ plain(1) }}{{ plain(2, sep='+') }}|{% for i in [7, 8] %}{% set j = i %}{{ seen('i') }}"
              "{{ seen('j') }}{% endfor %}|{% set x = 5 %}{{ seen('x') }}|{% block b %}{% set y = 3 %}"
              "{{ seen('y') }}{% endblock %}|{{ env_of() }}|{{ stops() is undefined }}|{{ d.get('k') }}"
              "{{ d.get('none', '?') }}{{ nxt(empty) is undefined }}")
    outputs = []
    for env in (make_environment(resolve_theme("default", tmp_path)), jinja2.Environment()):
        env.globals.update(plain=lambda x, sep="-": f"{x}{sep}", seen=jinja2.pass_context(lambda c, k: c.get(k)),
                           env_of=jinja2.pass_environment(lambda e, env=env: e is env),
                           stops=lambda: next(iter(())), d={"k": "v"}, nxt=next)
        outputs.append(env.from_string(source).render(empty=iter(())))
    assert outputs[0] == outputs[1] and "1-2+|" in outputs[0] and outputs[0].endswith("|True|True|v?True")
    env = make_environment(resolve_theme("default", tmp_path))
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("partials/none.html")
    assert env.get_template("base.html") is env.get_template("base.html")


def test_includes_render_as_jinja_renders_them(tmp_path):
    """An include is rendered whole and written as one string: the same text as Jinja's own,
    in a loop (its variables seen), inside a block, a {% set %} block, a macro and a call, with
    `ignore missing`, a list of candidates, without context and nested."""
    import jinja2

    templates = {
        "page.html": ('{% extends "base.html" %}{% block main %}'
                      '{% for a in items %}{% include "item.html" %}{% endfor %}'
                      '{% set kept %}[{% include "item.html" %}]{% endset %}{{ kept }}'
                      '{% macro m(a) %}<m>{% include "item.html" %}</m>{% endmacro %}{{ m("z") }}'
                      '{% macro box() %}<c>{{ caller() }}</c>{% endmacro %}'
                      '{% call box() %}{% include "item.html" %}{% endcall %}'
                      '{% include "missing.html" ignore missing %}{% include ["missing.html", "outer.html"] %}'
                      '{% include "plain.html" without context %}{% endblock %}'),
        "base.html": "<main>{% block main %}{% endblock %}</main>",
        "item.html": "<i>{{ a | default('-') }}{{ title }}</i>",
        "plain.html": "<p>{{ a | default('-') }}</p>",
        "outer.html": "<o>{% with a = 'w' %}{% include 'item.html' %}{% endwith %}</o>",
    }
    env = make_environment(resolve_theme("default", tmp_path))
    env.loader = jinja2.DictLoader(templates)
    stock = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True, trim_blocks=True,
                               undefined=jinja2.StrictUndefined,
                               lstrip_blocks=True, keep_trailing_newline=True)
    context = {"items": ["<b>", "c"], "title": "&T"}
    ours = env.get_template("page.html").render(context)
    assert ours == stock.get_template("page.html").render(context)
    assert "<i>&lt;b&gt;&amp;T</i>" in ours and "<o><i>w&amp;T</i></o>" in ours and "<p>-</p>" in ours


def test_site_settings_read_as_attributes_and_as_items():
    """Templates read `site.title` as an attribute (no AttributeError raised and caught for each)
    or as an item; a setting named like a dict method leaves the method in place, as on a dict."""
    import json

    from site_builder.build.design import SiteSettings

    site = SiteSettings({"title": "T", "items": 1})
    assert site.title == "T" and site["title"] == "T" and site.get("title") == "T"
    assert callable(site.items) and site["items"] == 1
    assert json.dumps(site, sort_keys=True) == json.dumps({"items": 1, "title": "T"}, sort_keys=True)
    env = make_environment(resolve_theme("default", Path(".")))
    assert env.from_string("{{ site.title }}{{ site['title'] }}").render(site=site) == "TT"
