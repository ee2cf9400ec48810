"""Build the public extraction evaluation set from trafilatura's repository.

The set ``babelwire eval extraction`` and ``babelwire bench ingest --dataset`` read is
trafilatura's own evaluation suite (https://github.com/adbar/trafilatura, Apache-2.0): the pages
archived under ``tests/cache/`` and, in ``tests/evaldata.py``, a Python dict ``EVAL_PAGES`` of page
URL → ``{"file", "with", "without", …}``. :func:`build_extraction_set` downloads a snapshot of the
repository (GitHub's archive of a tag or branch, one ``.tar.gz``), reads that dict as a literal
(``ast.literal_eval``: nothing from the download is executed) and writes babelwire's layout:

    DEST/evaldata.json           page URL → {"file", "with", "without"}
    DEST/html/<file>.gz          each archived page, gzipped
    DEST/LICENSE-trafilatura     the repository's licence, kept with its pages

Members are read from the archive one by one (never extracted to disk by path), so a crafted
archive cannot write outside ``DEST``; the download is capped in size.
"""

from __future__ import annotations

import ast
import gzip
import json
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import httpx

from babelwire.errors import BabelwireError

REPOSITORY = "https://github.com/adbar/trafilatura"
MAX_ARCHIVE_BYTES = 512 * 1024 * 1024  # the repository's archive is ~100 MB
MAX_MEMBER_BYTES = 32 * 1024 * 1024

ProgressCallback = Callable[[int, int], None]  # (bytes so far, total or 0)


class DatasetError(BabelwireError):
    """The evaluation set could not be downloaded or read."""


@dataclass(frozen=True)
class BuiltSet:
    folder: Path
    pages: int  # entries in evaldata.json
    archived: int  # of them, pages whose HTML the archive holds
    source: str  # the archive's URL


def default_ref() -> str:
    """The tag of the installed trafilatura release (``v2.3.1``): the pages its evaluation used."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"v{version('trafilatura')}"
    except PackageNotFoundError:  # pragma: no cover - trafilatura is a dependency
        return "master"


def archive_url(ref: str, repository: str = REPOSITORY) -> str:
    """GitHub's ``.tar.gz`` archive of a tag or branch."""
    return f"{repository.rstrip('/')}/archive/{ref}.tar.gz"


def _download(url: str, dest: Path, client: httpx.Client, progress: ProgressCallback | None) -> None:
    host = urlsplit(url).hostname or url
    try:
        with client.stream("GET", url) as response:
            if response.status_code == 404:
                raise DatasetError(f"nothing at {url} (HTTP 404): check the --ref tag or branch")
            if response.status_code >= 400:
                raise DatasetError(f"{url} answered HTTP {response.status_code}; try again later")
            length = response.headers.get("Content-Length", "")
            total = int(length) if length.isdigit() else 0
            if total > MAX_ARCHIVE_BYTES:
                raise DatasetError(f"{url} is {total // 2**20} MB, more than the {MAX_ARCHIVE_BYTES // 2**20} MB cap")
            done = 0
            with dest.open("wb") as out:
                for chunk in response.iter_bytes():
                    done += len(chunk)
                    if done > MAX_ARCHIVE_BYTES:
                        raise DatasetError(f"{url} sent more than {MAX_ARCHIVE_BYTES // 2**20} MB; stopped")
                    out.write(chunk)
                    if progress is not None:
                        progress(done, total)
    except httpx.TimeoutException as exc:
        raise DatasetError(f"{host} did not answer in time ({type(exc).__name__}); try again later") from exc
    except httpx.TransportError as exc:
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())
        raise DatasetError(f"cannot reach {host} ({detail}); check the connection or pass --url "
                           "with a copy of the archive") from exc


def _eval_pages(source: str) -> dict[str, dict[str, Any]]:
    """``EVAL_PAGES`` of ``tests/evaldata.py``, read as a literal."""
    try:
        module = ast.parse(source)
    except SyntaxError as exc:
        raise DatasetError(f"tests/evaldata.py is not Python: {exc}") from exc
    for node in module.body:
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "EVAL_PAGES"
                                                 for t in node.targets)):
            try:
                pages = ast.literal_eval(node.value)
            except ValueError as exc:
                raise DatasetError("EVAL_PAGES in tests/evaldata.py is not a plain literal") from exc
            if not isinstance(pages, dict):
                raise DatasetError("EVAL_PAGES in tests/evaldata.py is not a dict")
            return pages
    raise DatasetError("tests/evaldata.py defines no EVAL_PAGES")


def _entry(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict) or not isinstance(value.get("file"), str):
        return None
    name = PurePosixPath(value["file"]).name  # a bare file name: never a path out of html/
    if not name or name in (".", ".."):
        return None
    snippets = {key: [str(s) for s in value.get(key) or [] if isinstance(s, str)] for key in ("with", "without")}
    return {"file": name, **snippets}


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    if member.size > MAX_MEMBER_BYTES:
        raise DatasetError(f"{member.name} in the archive is {member.size // 2**20} MB; not a page")
    handle = archive.extractfile(member)
    if handle is None:
        raise DatasetError(f"{member.name} in the archive cannot be read")
    return handle.read()


def build_extraction_set(dest: Path, *, ref: str | None = None, url: str | None = None,
                         client: httpx.Client | None = None,
                         progress: ProgressCallback | None = None) -> BuiltSet:
    """Download trafilatura's repository at ``ref`` (or the archive at ``url``) and write the
    evaluation set into ``dest`` (created; an existing set there is replaced)."""
    source = url or archive_url(ref or default_ref())
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or (any(dest.iterdir()) and not (dest / "evaldata.json").exists())):
        raise DatasetError(f"{dest} exists and is not an evaluation set; choose an empty or new folder")
    own_client = client is None
    client = client or httpx.Client(follow_redirects=True, timeout=httpx.Timeout(30.0, connect=10.0),
                                    headers={"User-Agent": "babelwire (evaluation set download)"})
    try:
        with tempfile.TemporaryDirectory(prefix="babelwire-evalset-") as scratch:
            archive_path = Path(scratch) / "archive.tar.gz"
            _download(source, archive_path, client, progress)
            try:
                archive = tarfile.open(archive_path, mode="r:gz")  # noqa: SIM115 - closed by the with below
            except (tarfile.TarError, OSError) as exc:
                raise DatasetError(f"{source} is not a .tar.gz archive ({exc})") from exc
            with archive:
                members = {}
                for member in archive:
                    parts = PurePosixPath(member.name).parts
                    if member.isfile() and len(parts) >= 2:  # <repo>-<ref>/…
                        members["/".join(parts[1:])] = member
                if "tests/evaldata.py" not in members:
                    raise DatasetError(f"{source} holds no tests/evaldata.py: not trafilatura's repository")
                pages = _eval_pages(_read(archive, members["tests/evaldata.py"]).decode("utf-8"))
                entries = {str(page_url): entry for page_url, value in pages.items()
                           if (entry := _entry(value)) is not None}
                dest.parent.mkdir(parents=True, exist_ok=True)
                staging = Path(tempfile.mkdtemp(prefix=".evalset-", dir=dest.parent))  # renamed into place
                try:
                    (staging / "html").mkdir()
                    for name in sorted({entry["file"] for entry in entries.values()}):
                        member = members.get(f"tests/cache/{name}")
                        if member is None:
                            continue
                        (staging / "html" / f"{name}.gz").write_bytes(gzip.compress(_read(archive, member), mtime=0))
                    (staging / "evaldata.json").write_text(
                        json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
                    licence = members.get("LICENSE")
                    if licence is not None:
                        (staging / "LICENSE-trafilatura").write_bytes(_read(archive, licence))
                    (staging / "SOURCE").write_text(f"{source}\n", encoding="utf-8")
                    if dest.exists():
                        shutil.rmtree(dest)
                    staging.rename(dest)
                except BaseException:
                    shutil.rmtree(staging, ignore_errors=True)
                    raise
    except tarfile.TarError as exc:
        raise DatasetError(f"{source}: the archive is damaged ({exc})") from exc
    except OSError as exc:
        raise DatasetError(f"cannot write the set into {dest}: {exc.strerror or exc}") from exc
    finally:
        if own_client:
            client.close()
    pages_with_html = sum(1 for entry in entries.values() if (dest / "html" / f"{entry['file']}.gz").exists())
    return BuiltSet(folder=dest, pages=len(entries), archived=pages_with_html, source=source)
