"""Theme lookup: chosen theme → its `extends` parents → default, site themes before shipped ones."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.site import urls
from site_builder.errors import BuildError
from site_builder.render.i18n import catalogue_files, load_catalogues
from site_builder.text.locale import format_date, format_month, format_number, language_name

if TYPE_CHECKING:
    import jinja2

DEFAULT_THEME = "default"


def shipped_themes_dir() -> Path:
    """The repo's themes/ in a checkout or editable install; the packaged copy otherwise."""
    package = Path(__file__).resolve().parent.parent
    repo_themes = package.parent / "themes"
    if (repo_themes / DEFAULT_THEME / "theme.toml").is_file():
        return repo_themes
    return package / "_themes"


@dataclass(frozen=True)
class Theme:
    name: str
    dirs: tuple[Path, ...]  # the chosen theme first, default last
    site_i18n: Path | None = None  # the site's own i18n/ folder, which wins over every theme's

    @property
    def i18n_dirs(self) -> tuple[Path, ...]:
        own = (self.site_i18n,) if self.site_i18n else ()
        return (*own, *(d / "i18n" for d in self.dirs))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(_read_meta(d).get("name", d.name) for d in self.dirs)


def _read_meta(theme_dir: Path) -> dict:
    path = theme_dir / "theme.toml"
    if not path.is_file():
        return {}
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BuildError(f"invalid TOML: {exc}", path) from None
    for key in ("name", "extends"):
        if key in meta and not isinstance(meta[key], str):
            line = next((i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                         if text.strip().startswith(key)), None)
            raise BuildError(f"'{key}' must be a string (a theme's name), not {type(meta[key]).__name__}", path, line)
    return meta


def _find(name: str, search: list[Path]) -> Path:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise BuildError(f"invalid theme name {name!r}")
    for base in search:
        if (base / name).is_dir():
            return base / name
    from site_builder.render.theme_errors import ThemeNotFound
    raise ThemeNotFound(name, search)


def resolve_theme(name: str, site_dir: Path) -> Theme:
    search = [site_dir / "themes", shipped_themes_dir()]
    dirs: list[Path] = []
    seen: list[str] = []
    current: str | None = name
    while current:
        if current in seen:
            raise BuildError(f"theme 'extends' loop: {' → '.join(seen + [current])}")
        seen.append(current)
        theme_dir = _find(current, search)
        dirs.append(theme_dir)
        current = _read_meta(theme_dir).get("extends") or (None if current == DEFAULT_THEME else DEFAULT_THEME)
    return Theme(name=name, dirs=tuple(dirs), site_i18n=site_dir / "i18n")


class TemplateMemo:
    """The Jinja environment of the last build, kept by a long-lived caller (the dev server)
    so that a rebuild whose templates did not change does not compile them all again."""

    def __init__(self) -> None:
        self._key: str | None = None
        self._env: jinja2.Environment | None = None

    def environment(self, key: str, theme: Theme) -> jinja2.Environment:
        """The environment for `theme` whose templates (and code) hash to `key`."""
        if self._env is None or self._key != key:
            self._key, self._env = key, make_environment(theme)
        return self._env


def make_environment(theme: Theme) -> jinja2.Environment:
    """One environment per build. 'parent/x.html' names a parent's template so an override can
    extend the very template it shadows."""
    import jinja2  # here: a build with nothing to render never pays for importing Jinja
    chain = jinja2.FileSystemLoader([str(d / "templates") for d in theme.dirs])
    prefixed = jinja2.PrefixLoader({d.name: jinja2.FileSystemLoader(str(d / "templates")) for d in theme.dirs})
    env = _environment_class()(loader=jinja2.ChoiceLoader([chain, prefixed]), autoescape=True,
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True, auto_reload=False)
    env.template_class = _template_class()
    env.code_generator_class = _code_generator_class()
    env.context_class = _context_class()
    catalogues = load_catalogues(theme.i18n_dirs)
    said: dict[tuple, str] = {}  # every page asks for the same few texts: each is made once

    @jinja2.pass_context
    def translate(ctx, key: str, count: int | None = None, in_lang: str | None = None, **params) -> str:
        """`{{ t('articles', count=n) }}`: interface text in the page's language (or `in_lang`)."""
        lang = in_lang or ctx.get("page_lang") or "en"
        # only plain values as keys: 1, 1.0 and True are one key but may read differently
        plain = (type(count) is int or count is None) and all(type(v) in (str, int) for v in params.values())
        memo = (lang, key, count, *params.items()) if plain and type(key) is str and type(lang) is str else None
        text = said.get(memo) if memo is not None else None
        if text is None:
            text = catalogues.translate(lang, key, count, **params)
            if memo is not None and len(said) < 100_000:
                said[memo] = text
        return text

    @jinja2.pass_context
    def month_label(ctx, slug: str, lang: str | None = None) -> str:
        """A month term's slug ('2025-10', or 'undated') as words in the page's language."""
        lang = lang or ctx.get("page_lang") or "en"
        if slug[:4].isdigit():
            return format_month(int(slug[:4]), int(slug[5:7]), lang)
        return catalogues.translate(lang, slug)

    env.globals["t"] = translate
    env.globals["catalogue_languages"] = catalogues.languages
    env.filters["month_label"] = month_label
    env.filters["number"] = format_number
    env.filters["date"] = format_date
    env.filters["language_name"] = language_name
    # Filters cost a plain call where `urls.article_path(…)` or `d.isoformat()` in a template
    # goes through Context.call: lists and related links use them tens of thousands of times.
    env.filters["article_path"] = urls.article_path
    env.filters["iso"] = _isoformat
    env.filters["term_path"] = _term_path
    return env


def _template_class():
    """jinja2.Template whose `{{ … }}` output escapes to a plain str rather than a Markup: the
    same characters (the page joins them into one string either way), without building a Markup
    object for each of the ~200 values a page writes (a tenth of a page's rendering)."""
    import jinja2
    import markupsafe
    inner = getattr(markupsafe, "_escape_inner", None)
    if inner is None:  # another markupsafe: Jinja's own escape
        return jinja2.Template

    def written(value, str=str, type=type, markup=markupsafe.Markup):
        if type(value) is str:
            return inner(value)
        if type(value) is markup:
            return value
        if hasattr(value, "__html__"):
            return markup(value.__html__())
        return inner(str(value))

    class Template(jinja2.Template):
        @classmethod
        def _from_namespace(cls, environment, namespace, globals):
            namespace["escape"] = written  # compiled templates call it only on what they output
            template = super()._from_namespace(environment, namespace, globals)
            # Jinja keeps the globals as a ChainMap over the environment's, and walks it in Python
            # twice for each page and each include it renders; ours are all set before the first
            # template loads (make_environment), so a plain copy reads the same.
            template.globals = dict(template.globals)
            return template

    return Template


def _code_generator_class():
    """Jinja's code generator, but an `{% include %}` with its context is rendered whole and
    written as one string: Jinja passes each of its pieces up through a Python loop of its own
    and then through every block around it (a list of 20 articles: ~600 pieces)."""
    from jinja2 import nodes
    from jinja2.compiler import CodeGenerator

    class Generator(CodeGenerator):
        def visit_Include(self, node: nodes.Include, frame) -> None:
            if not node.with_context or self.environment.is_async:
                return super().visit_Include(node, frame)
            if node.ignore_missing:
                self.writeline("try:")
                self.indent()
            func_name = "get_or_select_template"
            if isinstance(node.template, nodes.Const):
                if isinstance(node.template.value, str):
                    func_name = "get_template"
                elif isinstance(node.template.value, (tuple, list)):
                    func_name = "select_template"
            elif isinstance(node.template, (nodes.Tuple, nodes.List)):
                func_name = "select_template"
            self.writeline(f"template = environment.{func_name}(", node)
            self.visit(node.template, frame)
            self.write(f", {self.name!r})")
            if node.ignore_missing:
                self.outdent()
                self.writeline("except TemplateNotFound:")
                self.indent()
                self.writeline("pass")
                self.outdent()
                self.writeline("else:")
                self.indent()
            self.simple_write("environment.concat(template.root_render_func(template.new_context("
                              f"context.get_all(), True, {self.dump_local_context(frame)})))", frame)
            if node.ignore_missing:
                self.outdent()

    return Generator


def _environment_class():
    """jinja2.Environment that keeps each template it has looked up by name: a page's includes
    look up a template ten times (each a lock, a cache key with a weak reference and a move
    to the cache's front), and within a build (auto_reload off) the answer never changes."""
    import jinja2

    class Environment(jinja2.Environment):
        def get_template(self, name, parent=None, globals=None):
            if globals is not None or type(name) is not str:
                return super().get_template(name, parent, globals)
            known = self.__dict__.setdefault("_by_name", {})
            template = known.get((name, parent))
            if template is None:
                template = known[(name, parent)] = super().get_template(name, parent)
            return template

    return Environment


def _context_class():
    """jinja2's Context whose call() of a Python function (t(…), urls.article_path(…): a page
    makes ~40 calls) looks up once per function what Jinja passes it (the context, or
    nothing), where Jinja's own looks it up with four attribute lookups on every call; a
    builtin (`borrowed.get(…)`, once per listed article) is passed nothing, as Jinja finds."""
    import types

    import jinja2.runtime
    from jinja2.utils import _PassArg
    passes: dict[types.FunctionType, _PassArg | None] = {}
    context = _PassArg.context
    builtin = types.BuiltinMethodType  # also a builtin function's type

    class Context(jinja2.runtime.Context):
        def call(self, obj, /, *args, **kwargs):
            if type(obj) is builtin:  # `borrowed.get(a.slug)`: a builtin takes no context (Jinja
                kind = None           # finds no jinja_pass_arg on it, nor on its __call__)
            elif type(obj) is not types.FunctionType:  # methods, classes: as Jinja does
                return super().call(obj, *args, **kwargs)
            else:
                try:
                    kind = passes[obj]
                except KeyError:
                    kind = passes[obj] = _PassArg.from_obj(obj)
            if kind is context:  # as Jinja: loop and block variables are seen, not kept
                if kwargs.get("_loop_vars"):
                    self = self.derived(kwargs["_loop_vars"])
                if kwargs.get("_block_vars"):
                    self = self.derived(kwargs["_block_vars"])
                args = (self, *args)
            elif kind is not None:
                return super().call(obj, *args, **kwargs)
            if kwargs:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return obj(*args, **kwargs)
            except StopIteration:
                return self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception")

    return Context


def _term_path(name: str, kind: str) -> str:
    """`{{ t | term_path('tag') }}`: the page of a tag, source, language or month by its name."""
    return urls.term_path(kind, urls.term_slug(kind, str(name)))


def _isoformat(date) -> str:
    return date.isoformat() if date else ""


def static_files(theme: Theme) -> dict[str, Path]:
    """Relative name → file; a child theme's file wins over its parents'. A symbolic link that
    leads out of its theme is not followed: a theme never publishes a file from elsewhere."""
    files: dict[str, Path] = {}
    for theme_dir in reversed(theme.dirs):
        static = theme_dir / "static"
        if static.is_dir():
            inside = theme_dir.resolve()
            for f in sorted(static.rglob("*")):
                if f.is_file() and f.resolve().is_relative_to(inside):
                    files[f.relative_to(static).as_posix()] = f
    return dict(sorted(files.items()))


def static_bytes(path: Path) -> bytes:
    """What the site publishes of a theme's static file: a shipped theme's scripts without
    comments and indentation (jsstrip: half their bytes, sent before every first search result);
    every other file as it is — a site's own scripts are the site's to shape."""
    data = path.read_bytes()
    if path.suffix != ".js" or not path.resolve().is_relative_to(shipped_themes_dir().resolve()):
        return data
    from site_builder.render.jsstrip import strip_js
    try:
        return strip_js(data.decode("utf-8")).encode("utf-8")
    except UnicodeDecodeError:
        return data


def template_files(theme: Theme) -> list[Path]:
    """Every template and message catalogue of the chain: what a template-chain hash must cover."""
    templates = [f for d in theme.dirs for f in (d / "templates").rglob("*") if f.is_file()]
    return sorted(templates + catalogue_files(theme.i18n_dirs))
