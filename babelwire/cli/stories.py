"""``babelwire story``: stories (one event, every outlet), listed and shown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from babelwire.cli.app import (
    MAX_ID,
    check_lang,
    console,
    fail,
    open_store,
    print_json,
    settings,
    short_time,
    story_app,
)

if TYPE_CHECKING:
    from babelwire.store.readmodels import ComparedArticle


@story_app.command("list")
def story_list(
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Only stories with an article in this language.", callback=check_lang)] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_ID)] = 30,
) -> None:
    """Stories, most recently active first, with their outlets."""
    from babelwire.store.queries import list_stories

    stories = list_stories(open_store(), limit=limit, language=lang)
    if as_json:
        print_json([s.model_dump(mode="json") for s in stories])
        return
    table = Table(title="stories")
    for column in ("id", "articles", "outlets", "languages", "latest", "title"):
        table.add_column(column, overflow="fold")
    for story in stories:
        table.add_row(str(story.id), str(story.article_count), ", ".join(story.outlets), ", ".join(story.languages),
                      short_time(story.end_at), story.title or "")
    console.print(table)


@story_app.command("show")
def story_show(
    story_id: int,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    target: Annotated[str | None, typer.Option(
        "--to", help="Show this translation (default: the grouped one; with --compare, the first target).",
        callback=check_lang)]
    = None,
    compare: Annotated[bool, typer.Option(
        "--compare", help="Compare the outlets: facts side by side, what only one reports, quotations by "
                          "speaker, numbers that differ (the JSON is /api/stories/ID/compare's).")] = False,
) -> None:
    """One story: every outlet's article, its lead and the quotations it carries, with speakers."""
    if compare:
        _show_comparison(story_id, target=target, as_json=as_json)
        return
    from babelwire.store.queries import story_detail

    story = story_detail(open_store(), story_id=story_id, target=target) if 0 < story_id < 2**63 else None
    if story is None:
        raise fail(f"no story {story_id}")
    data = story.model_dump(mode="json")
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{escape(data['title'] or '')}[/bold]")
    console.print(f"{short_time(data['start_at'])} – {short_time(data['end_at'])} · "
                  f"{data['article_count']} articles · {', '.join(data['outlets'])}", markup=False)
    for article in data["articles"]:
        title = article["translated_title"] or article["title"] or ""
        label = f" (machine translation → {article['translation_target']})" if article["translation_target"] else ""
        console.rule(escape(f"{article['source']} · {article['language'] or '?'} · "
                            f"{short_time(article['published'])}"))
        console.print(f"[bold]{escape(title)}[/bold]{escape(label)}  "
                      f"[dim]article {article['id']} · {escape(article['url'])}[/dim]")
        if article["lead"]:
            console.print(article["lead"], markup=False)
        for quote in article["quotes"]:
            console.print(f"  [cyan]{escape(quote['speaker'] or 'unattributed')}[/cyan]: “{escape(quote['text'])}”")
    if data.get("timeline"):
        console.rule("timeline")
        for entry in data["timeline"]:
            console.print(f"{escape(short_time(entry['at']))}  [bold]{escape(entry['source'] or '')}[/bold] · "
                          f"{escape(entry['summary'])}: {escape(entry['title'] or '')}", overflow="fold")


_QUOTE_STATUS = {
    "only": "only {outlets} quotes this",
    "same": "same words: {outlets}",
    "partial": "quoted in part: {outlets}",
    "different": "quoted differently: {outlets}",
    "matched": "same quotation (through the translations): {outlets}",
}


def _show_comparison(story_id: int, *, target: str | None, as_json: bool) -> None:
    """``story show --compare``: the comparison page in the terminal, or its JSON."""
    from babelwire.store.queries import story_comparison

    cfg = settings()
    target = target or (cfg.translate.to[0] if cfg.translate.to else "en")
    view = story_comparison(open_store(cfg), story_id, target=target) if 0 < story_id < 2**63 else None
    if view is None:
        raise fail(f"no story {story_id}")
    if len(view.outlets) < 2:
        raise fail(f"story {story_id} has articles from one outlet only ({', '.join(view.outlets)}): "
                   "nothing to compare")
    if as_json:
        print_json(view.model_dump(mode="json", by_alias=True))
        return

    def say(markup: str, indent: int = 0) -> None:
        """One paragraph (Rich markup, user text escaped), wrapped with its indent kept."""
        console.print(Padding(Text.from_markup(markup, overflow="fold"), (0, 0, 0, indent), expand=False))

    say(f"[bold]Compare: {escape(view.title or '')}[/bold]")
    say(escape(f"story {view.id} · {len(view.articles)} articles · {', '.join(view.outlets)} · "
               f"shown in {target} (machine translations are labelled)"))
    console.rule("headlines and leads")
    for a in view.articles:
        say(f"[bold]{escape(a.source or '')}[/bold] · {escape(a.language or '?')} · {escape(short_time(a.published))}"
            f" · article {a.id}")
        say(escape(a.translated_title or a.title or ""), 2)
        if a.translated_title and a.title:
            say(f"[dim]original: {escape(a.title)}[/dim]", 2)
        if a.translated_lead or a.lead:
            say(escape(a.translated_lead or a.lead or ""), 2)
        say(f"[dim]{escape(_label(a))}[/dim]", 2)
    console.rule("facts side by side")
    for row in view.facts:
        if row.only_one_outlet:
            say(f"[magenta]only {escape(row.outlets[0])} reports this[/magenta]")
        else:
            how = "in their own words" if row.compared_in == "original" else "through the translations"
            say(f"[green]{escape(', '.join(row.outlets))} report this[/green] [dim](compared {how})[/dim]")
        if row.numbers_differ:
            versions: dict[tuple[str, ...], list[str]] = {}
            for s in row.sentences:
                if s.conflicting_numbers:
                    versions.setdefault(tuple(s.conflicting_numbers), []).append(s.source or "?")
            differ = " · ".join(f"{', '.join(numbers)} ({', '.join(sources)})" for numbers, sources in versions.items())
            say(f"[yellow]numbers differ: {escape(differ)}[/yellow]")
        for s in row.sentences:
            machine = " (machine translation)" if s.translated else ""
            say(f"[bold]{escape(s.source or '')}[/bold]{machine}: {escape(s.translated or s.original or '')}", 2)
            if s.translated and s.original:
                say(f"[dim]original: {escape(s.original)}[/dim]", 4)
            for flag in s.flags:
                say(f"[yellow]check: {escape(flag.detail or flag.description)}[/yellow]", 4)
    console.rule("quotations by speaker")
    if not view.speakers:
        say("no quotations found")
    for group in view.speakers:
        names = f" [dim](spelled {escape(', '.join(group.names))})[/dim]" if len(group.names) > 1 else ""
        say(f"[cyan]{escape(group.speaker or 'without a named speaker')}[/cyan]{names}")
        for quote_row in group.quotes:
            status = _QUOTE_STATUS[quote_row.status].format(outlets=", ".join(quote_row.outlets))
            say(f"[dim]{escape(status)}[/dim]", 2)
            for q in quote_row.quotes:
                machine = " (machine translation)" if q.translated else ""
                say(f"{escape(q.source or '')}{machine}: “{escape(q.translated or q.original or '')}”", 4)
                if q.translated and q.original:
                    say(f"[dim]original: “{escape(q.original)}”[/dim]", 6)


def _label(article: ComparedArticle) -> str:
    """The machine-translation label and model licence of a compared article, or why there is none."""
    translation = article.translation
    if translation is None:
        return article.note or ""
    licence = f" Model licence {translation.license}." if translation.license else ""
    return f"{translation.label}{licence}"
