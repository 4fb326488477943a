"""URL policy: every internal link relative and ending in a file name."""
import posixpath

from site_builder.site import urls
from site_builder.text.locale import format_date


def test_pages_live_in_files_not_folders():
    paths = [urls.article_path("a-b"), urls.term_path("tag", "x"), urls.term_path("tag", "x", 3),
             urls.home_path(1), urls.home_path(2), urls.taxonomy_index_path("month")]
    assert all(p.endswith(".html") and not p.startswith("/") for p in paths)
    assert urls.term_slug("tag", "An ninh mạng") == "an-ninh-mang"
    assert urls.term_slug("source", "Đài Tiếng nói") == "dai-tieng-noi"


def test_root_prefix_and_relative_resolve_back():
    assert urls.root_prefix("index.html") == ""
    assert urls.root_prefix("tags/x/page-2.html") == "../../"
    for here in ("index.html", "articles/a.html", "tags/x/page-2.html"):
        target = "static/style.css"
        rel = urls.root_prefix(here) + target
        assert posixpath.normpath(posixpath.join(posixpath.dirname(here), rel)) == target
        assert urls.relative(here, target) == posixpath.relpath(target, posixpath.dirname(here) or ".")


def test_dates_per_language_without_locale():
    import datetime as dt

    d = dt.date(2025, 11, 2)
    assert format_date(d, "en") == "2 November 2025"
    assert format_date(d, "vi") == "2 tháng 11, 2025"
    assert format_date(None, "vi") == ""


def test_theme_path_filters_give_the_paths_urls_gives(tmp_path):
    """Templates link with filters (cheaper than urls.* calls); they must agree with urls."""
    from site_builder.render.themes import make_environment, resolve_theme
    env = make_environment(resolve_theme("default", tmp_path))
    template = env.from_string("{{ t | term_path('tag') }} {{ s | term_path('source') }} "
                               "{{ 'vi' | term_path('lang') }} {{ '2025-10' | term_path('month') }} {{ 'a-b' | article_path }}")
    assert template.render(t="An ninh mạng", s="VNA/VNS").split() == [
        urls.term_path("tag", urls.term_slug("tag", "An ninh mạng")), urls.term_path("source", urls.term_slug("source", "VNA/VNS")),
        "languages/vi.html", "archive/2025-10.html", "articles/a-b.html"]
