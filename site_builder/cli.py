"""Command line: parse options, call one function, turn errors into exit codes (1 content, 2 usage)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from site_builder import __version__
from site_builder.config import load_config
from site_builder.errors import ContentError, SiteError
from site_builder.build.guard import UnsafeOutput, check_output_dir
from site_builder.render.theme_errors import ThemeNotFound


def _fail(exc: SiteError) -> None:
    for problem in exc.problems:
        click.echo(f"error: {problem}", err=True)
    n = len(exc.problems)
    click.echo(f"build failed: {n} problem{'s' if n != 1 else ''}; output left as it was", err=True)
    sys.exit(1)


def _progress_bar():
    """A progress bar on a terminal; nothing when output is piped or in CI."""
    if not sys.stderr.isatty():
        return None, lambda: None
    state: dict = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = state.get(stage)
        if bar is None:
            bar = state[stage] = click.progressbar(length=total, label=stage, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    def close() -> None:
        for bar in state.values():
            bar.__exit__(None, None, None)

    return update, close


site_option = click.option("--site", "site_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                           default=".", show_default=True, help="Site folder (with content/).")
# import may start a new site: its folder is created
new_site_option = click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path),
                               default=".", show_default=True, help="Site folder (created if missing).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="site-builder")
def main() -> None:
    """Build a static, searchable briefing archive from Markdown articles."""


@main.command("new")
@click.argument("directory", type=click.Path(path_type=Path))
def new(directory: Path) -> None:
    """Make a new site in DIRECTORY (missing or empty) that builds at once."""
    from site_builder.scaffold import NotEmpty, create_site, next_steps

    try:
        made = create_site(directory)
    except NotEmpty as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(next_steps(made))


@main.command("import")
@new_site_option
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--explain", is_flag=True, help="Print every raw line with its verdict and rule; write nothing.")
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite articles that were edited by hand.")
@click.option("-v", "--verbose", is_flag=True, help="Name every article written.")
def import_(site_dir: Path, paths: tuple[Path, ...], explain: bool, dry_run: bool, force: bool,
            verbose: bool) -> None:
    """Clean raw scraped text files (default content/raw/) into content/articles/*.md."""
    from site_builder.ingest.importer import explain_paths, import_raw

    try:
        if explain:
            click.echo(explain_paths(site_dir, list(paths) or None))
            return
        report = import_raw(site_dir, list(paths) or None, force=force, dry_run=dry_run)
    except ContentError as exc:
        _fail(exc)
    verb = "would write" if dry_run else "wrote"
    for path in report.written if verbose or dry_run else ():
        click.echo(f"{verb} {path}")
    for path in report.skipped_edited:
        click.echo(f"kept {path}: edited by hand (use --force to overwrite)", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path, message in report.errors:
        click.echo(f"error: {path}: {message}", err=True)
    click.echo(f"import: {len(report.written)} {verb}, {len(report.unchanged)} unchanged, "
               f"{len(report.skipped_edited)} kept as edited by hand, {len(report.errors)} unreadable")
    if report.errors:
        sys.exit(1)


@main.command()
@site_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder [SITE/output].")
@click.option("--theme", help="Theme name (site themes/ first, then shipped).")
@click.option("--base-url", help="Absolute URL the site is published at (enables sitemap.xml).")
@click.option("--drafts", is_flag=True, help="Include articles marked 'draft: true'.")
@click.option("--strict", is_flag=True, help="Fail (exit 1, output untouched) on any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print every file written or removed.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes [CPU count].")
def build(site_dir: Path, out_dir: Path | None, theme: str | None, base_url: str | None, drafts: bool,
          strict: bool, quiet: bool, verbose: bool, jobs: int | None) -> None:
    """Build content/ into a static site."""
    from site_builder import build_output as say
    from site_builder.build.pipeline import build_site
    from site_builder.site_warnings import WarningsAreErrors

    config = _config_or_exit(site_dir, out_dir, theme=theme, base_url=base_url, jobs=jobs,
                             drafts=drafts or None, strict=strict or None)
    first = not config.out_dir.exists()
    try:
        update, close = _progress_bar() if not quiet else (None, lambda: None)
        try:
            report = build_site(config, progress=update)
        finally:
            close()
    except WarningsAreErrors as exc:
        _echo_err(say.warning_lines(exc.warnings) + [say.strict_failure(exc.warnings)])
        sys.exit(1)
    except (UnsafeOutput, ThemeNotFound) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except SiteError as exc:
        _fail(exc)
    _echo_err(say.warning_lines(report.warnings))
    if verbose:
        click.echo("\n".join(say.file_lines(report)) or "no file written")
    if not quiet:
        click.echo(say.summary_line(report, config.out_dir))
        if first:
            click.echo(say.view_hint(config.out_dir, site_dir))


def _echo_err(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)


def _config_or_exit(site_dir: Path, out_dir: Path | None, **overrides):
    """The site's config, its site.toml warnings printed (with --strict they end the build)."""
    from site_builder import build_output as say
    from site_builder.config import DEFAULTS
    from site_builder.site_warnings import config_warnings

    try:
        config = load_config(site_dir, out_dir, **overrides)
    except ContentError as exc:
        _fail(exc)
    warnings = config_warnings(config.config_path, DEFAULTS)
    _echo_err(say.warning_lines(warnings))
    if warnings and config.strict:
        click.echo(say.strict_failure(warnings), err=True)
        sys.exit(1)
    return config


@main.command()
@site_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a web browser.")
@click.option("--theme", help="Theme name (site themes/ first, then shipped).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder [SITE/output].")
def serve(site_dir: Path, host: str, port: int, open_browser: bool, theme: str | None, out_dir: Path | None) -> None:
    """Build, serve on 127.0.0.1:8000, rebuild on change and reload open pages."""
    from site_builder.devserver.preview import PREVIEW_OVERRIDES
    from site_builder.devserver.http import serve as run

    if not (site_dir / "content").is_dir():
        raise click.UsageError(f"{site_dir}: no content/ folder here (use --site DIR)")
    try:
        check_output_dir(Path(out_dir) if out_dir else site_dir / "output", site_dir)
    except UnsafeOutput as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    from site_builder import build_output as say
    from site_builder.config import DEFAULTS
    from site_builder.site_warnings import config_warnings
    _echo_err(say.warning_lines(config_warnings(site_dir / "site.toml", DEFAULTS)))
    click.echo("preview: drafts shown (marked), links local; `site-builder build` makes the site to publish",
               err=True)
    try:
        run(site_dir, out_dir, host=host, port=port, open_browser=open_browser, theme=theme, **PREVIEW_OVERRIDES)
    except OSError as exc:
        click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()


def run() -> None:
    """Console entry point. Ends the process without freeing a large build's objects one by one
    (nobody waits for that); output is flushed first."""
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
