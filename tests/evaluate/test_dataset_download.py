"""``babelwire eval download``: the public extraction set built from an archive of trafilatura's
repository, served on loopback laid out as GitHub serves it, then scored by ``eval extraction``."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.evaluate.datasets import DatasetError, archive_url, build_extraction_set
from babelwire.loopback import LoopbackServer, Response

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"
TOP = "trafilatura-2.3.1"
EVALDATA = '''# pylint: disable=C0114
EVAL_PAGES = {
'https://quotidien-rhin.example/monde/climat-bonn-reprise': {
    'file': 'quotidien-rhin.climat.html',
    'author': 'Claire Martin',
    'with': ['Les délégués de près de deux cents pays', 'les règles des marchés du carbone'],
    'without': ['Inscrivez-vous à notre newsletter', 'Mentions légales'],
    'comments': ['un commentaire'],
},
'https://example.org/not-archived': {
    'file': 'example.org.missing.html',
    'with': ['x'],
    'without': ['y'],
},
'https://evil.example/escape': {
    'file': '../../outside.html',
    'with': ['z'],
    'without': [],
},
}
'''


def _archive(members: dict[str, bytes], *, hostile: bool = False) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(f"{TOP}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if hostile:  # members that would write outside the folder if the archive were extracted
            for name in ("../escaped.html", "/tmp/absolute-babelwire.html"):
                info = tarfile.TarInfo(name)
                info.size = 4
                archive.addfile(info, io.BytesIO(b"evil"))
            link = tarfile.TarInfo(f"{TOP}/tests/cache/outside.html")
            link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
            archive.addfile(link)
    return buffer.getvalue()


@pytest.fixture
def repository(server: LoopbackServer) -> str:
    page = (FIXTURES / "fr_news.html").read_bytes()
    body = _archive({"LICENSE": b"Apache License 2.0 (test copy)\n", "tests/evaldata.py": EVALDATA.encode(),
                     "tests/cache/quotidien-rhin.climat.html": page, "README.md": b"trafilatura"}, hostile=True)
    return server.route("/adbar/trafilatura/archive/v2.3.1.tar.gz",
                        Response(body, headers={"Content-Type": "application/gzip"}))


def test_the_set_is_built_from_the_repository_archive_and_scored(repository: str, tmp_path: Path) -> None:
    dest = tmp_path / "extraction-dev"
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "download", str(dest), "--url", repository])
    assert result.exit_code == 0, result.output
    assert "3 pages (1 with their HTML)" in result.stdout and "babelwire eval extraction" in result.stdout

    evaldata = json.loads((dest / "evaldata.json").read_text(encoding="utf-8"))
    assert evaldata["https://quotidien-rhin.example/monde/climat-bonn-reprise"] == {
        "file": "quotidien-rhin.climat.html",
        "with": ["Les délégués de près de deux cents pays", "les règles des marchés du carbone"],
        "without": ["Inscrivez-vous à notre newsletter", "Mentions légales"]}
    assert evaldata["https://evil.example/escape"]["file"] == "outside.html"  # a bare name, never a path
    page = gzip.decompress((dest / "html" / "quotidien-rhin.climat.html.gz").read_bytes())
    assert page == (FIXTURES / "fr_news.html").read_bytes()
    assert sorted(p.name for p in (dest / "html").iterdir()) == ["quotidien-rhin.climat.html.gz"]  # no symlink
    assert "Apache" in (dest / "LICENSE-trafilatura").read_text(encoding="utf-8")
    assert not (tmp_path / "escaped.html").exists() and not Path("/tmp/absolute-babelwire.html").exists()

    scored = runner.invoke(app, ["eval", "extraction", str(dest), "--json"])
    assert scored.exit_code == 0, scored.output
    report = json.loads(scored.stdout)
    assert report["pages"] == 1 and report["skipped"] == 2
    assert report["overall"]["babelwire"]["recall"] == 1.0

    again = runner.invoke(app, ["eval", "download", str(dest), "--url", repository])  # an earlier set is replaced
    assert again.exit_code == 0, again.output


def test_the_default_address_is_githubs_archive_of_the_installed_release() -> None:
    from importlib.metadata import version

    assert archive_url("v2.3.1") == "https://github.com/adbar/trafilatura/archive/v2.3.1.tar.gz"
    from babelwire.evaluate.datasets import default_ref

    assert default_ref() == f"v{version('trafilatura')}"


def test_failures_are_one_line_and_leave_nothing_behind(server: LoopbackServer, tmp_path: Path) -> None:
    runner = CliRunner()
    dest = tmp_path / "set"
    missing = runner.invoke(app, ["eval", "download", str(dest), "--url", server.url("/nothing.tar.gz")])
    assert missing.exit_code == 1 and "HTTP 404" in missing.output and "--ref" in missing.output
    assert not dest.exists()

    server.route("/other.tar.gz", Response(_archive({"README.md": b"another project"})))
    other = runner.invoke(app, ["eval", "download", str(dest), "--url", server.url("/other.tar.gz")])
    assert other.exit_code == 1 and "no tests/evaldata.py" in other.output

    server.route("/broken.tar.gz", Response(b"not an archive at all"))
    broken = runner.invoke(app, ["eval", "download", str(dest), "--url", server.url("/broken.tar.gz")])
    assert broken.exit_code == 1 and "not a .tar.gz archive" in broken.output
    assert not dest.exists() and [p.name for p in tmp_path.iterdir()] == []  # no staging folder left

    with LoopbackServer() as gone:
        address = gone.url("/a.tar.gz")
    refused = runner.invoke(app, ["eval", "download", str(dest), "--url", address])
    assert refused.exit_code == 1 and "cannot reach 127.0.0.1" in refused.output

    assert runner.invoke(app, ["eval", "download", str(dest), "--url", "ftp://x/a.tar.gz"]).exit_code == 2


def test_a_folder_that_is_not_a_set_is_never_replaced(repository: str, tmp_path: Path) -> None:
    dest = tmp_path / "documents"
    dest.mkdir()
    (dest / "thesis.txt").write_text("years of work", encoding="utf-8")
    with pytest.raises(DatasetError, match="not an evaluation set"):
        build_extraction_set(dest, url=repository)
    assert (dest / "thesis.txt").read_text(encoding="utf-8") == "years of work"
