"""``babelwire story``: stories (one event, every outlet), listed and shown."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from babelwire.cli.app import check_lang, console, fail, open_store, print_json, short_time, story_app


@story_app.command("list")
def story_list(
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Only stories with an article in this language.", callback=check_lang)] = None,
    limit: Annotated[int, typer.Option("--limit")] = 30,
) -> None:
    """Stories, most recently active first, with their outlets."""
    from babelwire.stories import list_stories

    rows = list_stories(open_store(), limit=limit, language=lang)
    if as_json:
        print_json(rows)
        return
    table = Table(title="stories")
    for column in ("id", "articles", "outlets", "languages", "latest", "title"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(str(r["id"]), str(r["article_count"]), ", ".join(r["outlets"]), ", ".join(r["languages"]),
                      short_time(r["end_at"]), r["title"] or "")
    console.print(table)


@story_app.command("show")
def story_show(
    story_id: int,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    target: Annotated[str | None, typer.Option(
        "--to", help="Show this translation (default: the grouped one).", callback=check_lang)]
    = None,
) -> None:
    """One story: every outlet's article, its lead and the quotations it carries, with speakers."""
    from babelwire.stories import get_story

    data = get_story(open_store(), story_id, target=target) if 0 < story_id < 2**63 else None
    if data is None:
        raise fail(f"no story {story_id}")
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
