"""Resumable download of one large file (a model release zip) with httpx.

The bytes go to ``<dest>.part`` next to a small ``<dest>.part.json`` recording the URL, size and
ETag they belong to. An interrupted download continues with ``Range:`` on the next attempt or the
next run; a server that ignores ``Range`` (answers 200) makes it start over; a changed object
(other ETag or size) discards the stale part. The finished ``.part`` stays where it is until the
caller has used it and calls :func:`discard`, so a later step that fails (conversion, disk) does
not cost a second download.

Integrity: object storages (S3, Ceph, Swift) send the MD5 of the content as ETag for objects
uploaded in one piece, so an ETag of 32 hex digits is checked against the bytes; multipart ETags
(``<hex>-<parts>``) are not digests of the content and are not checked. The SHA-256 is always
computed, for the installed model's manifest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from babelwire.errors import ModelError
from babelwire.translate.releases import unreachable

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
DiskFree = Callable[[Path], int]

#: Room needed per byte of zip: the zip, its unpacked files and the converted model (int8 is
#: about a quarter of the float32 weights, rounded up with the spm files and vocabularies).
SPACE_FACTOR = 3
_CHUNK = 1 << 20
#: A download of unknown size (no Content-Length) checks the disk every this many bytes and stops
#: while the room it would need to unpack and convert what came so far is still there.
UNSIZED_CHECK_EVERY = 8 << 20
_MD5 = re.compile(r"^[0-9a-f]{32}$")


class DownloadError(ModelError):
    """The transfer itself failed (network, checksum): worth trying again, unlike a bad request."""


@dataclass(frozen=True)
class Downloaded:
    """A complete, verified download."""

    path: Path
    size: int
    sha256: str
    md5: str
    md5_checked: bool  # the server's ETag was a content MD5 and it matched


def free_space(path: Path) -> int:
    """Free bytes on the file system holding ``path`` (its nearest existing parent)."""
    path = Path(path)
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def content_md5(etag: str | None) -> str | None:
    """The MD5 an ETag carries, or None when it is weak, multipart or not a digest."""
    if not etag or etag.startswith("W/"):
        return None
    value = etag.strip('"').lower()
    return value if _MD5.match(value) else None


def _digests(path: Path) -> tuple[str, str]:
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            md5.update(chunk)
            sha256.update(chunk)
    return md5.hexdigest(), sha256.hexdigest()


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f} MB" if size >= 1e6 else f"{size / 1e3:,.0f} kB"


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def discard(dest: Path) -> None:
    """Delete a download's ``.part`` and its record (once the file has been used)."""
    part = part_path(dest)
    for path in (part, part.with_name(part.name + ".json")):
        path.unlink(missing_ok=True)


def _total_from(response: httpx.Response) -> int | None:
    content_range = response.headers.get("Content-Range", "")
    if match := re.search(r"/(\d+)$", content_range):
        return int(match.group(1))
    length = response.headers.get("Content-Length")
    # 0 is no size (a HEAD answered without computing one): no model archive is empty.
    return int(length) or None if length and length.isdigit() and response.status_code == 200 else None


def _check_room(disk_free: DiskFree, folder: Path, done: int, url: str) -> None:
    """For a download of unknown size: stop (keeping what came, to resume) once the disk could
    no longer hold what came so far unpacked and converted."""
    free = disk_free(folder)
    need = (SPACE_FACTOR - 1) * done
    if free < need:
        raise ModelError(
            f"not enough disk space in {folder}: {url} announced no size and has sent {_megabytes(done)} so "
            f"far, which needs about {_megabytes(need)} more to unpack and convert; {_megabytes(free)} free. "
            "Free some space and run the same command again to resume"
        )


def download(
    url: str,
    dest: Path,
    *,
    client: httpx.Client,
    advice: str,
    progress: ProgressCallback | None = None,
    disk_free: DiskFree = free_space,
    space_folder: Path | None = None,
    attempts: int = 3,
) -> Downloaded:
    """Download ``url`` into ``<dest>.part`` (resuming what an earlier run left), check free disk
    space first (``SPACE_FACTOR`` × the size, in ``space_folder``), verify the ETag MD5.

    ``advice`` (what to do without internet) ends the error raised when the host cannot be
    reached. Errors are ModelError (DownloadError for transfer failures), with the URL and cause.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    record = part.with_name(part.name + ".json")
    space_folder = Path(space_folder or dest.parent)
    try:
        head = client.head(url, headers={"Accept-Encoding": "identity"})
    except httpx.TransportError as exc:
        raise unreachable(url, exc, advice) from exc
    if head.status_code == 404:
        raise ModelError(f"no model release at {url} (HTTP 404)")
    if head.status_code >= 400 and head.status_code not in (405, 501):  # some servers refuse HEAD
        raise DownloadError(f"{url} answered HTTP {head.status_code}; try again later")
    total = _total_from(head) if head.status_code == 200 else None
    etag = head.headers.get("ETag")

    previous = {}
    if record.exists():
        try:
            previous = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
    if part.exists() and (previous.get("url") != url or previous.get("etag") != etag
                          or previous.get("size") != total):
        log.info("discarding %s: it belongs to another version of %s", part, url)
        part.unlink()
    done = part.stat().st_size if part.exists() else 0
    if total is not None and done > total:
        part.unlink()
        done = 0

    if total is not None:
        need = (total - done) + (SPACE_FACTOR - 1) * total
        free = disk_free(space_folder)
        if free < need:
            raise ModelError(
                f"not enough disk space in {space_folder}: the model needs about {_megabytes(need)} "
                f"(a {_megabytes(total)} zip, unpacked and converted), {_megabytes(free)} free"
            )
    record.write_text(json.dumps({"url": url, "etag": etag, "size": total}), encoding="utf-8")
    if progress is not None:
        progress(done, total or 0)

    for attempt in range(attempts):
        if total is not None and done == total:
            break
        received = 0
        # identity: byte offsets must count the stored bytes, not a compressed transfer of them
        headers = {"Accept-Encoding": "identity", **({"Range": f"bytes={done}-"} if done else {})}
        if done and etag:
            headers["If-Range"] = etag  # a changed object comes back whole (200), not spliced
        try:
            with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 416:  # the part is no prefix of the object: start over
                    part.unlink(missing_ok=True)
                    done = 0
                    continue
                if response.status_code not in (200, 206):
                    raise DownloadError(f"{url} answered HTTP {response.status_code} to the download")
                start = 0
                if response.status_code == 206:
                    match = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
                    start = int(match.group(1)) if match else -1
                    if start != done:
                        raise DownloadError(f"{url} sent bytes from {start} when asked for {done}")
                elif done:
                    log.info("%s ignored the Range request; downloading from the start", url)
                    done = 0
                total = total or _total_from(response)
                checked = done
                with part.open("ab" if start else "wb") as f:
                    for chunk in response.iter_bytes():  # as it arrives: a cut keeps what came
                        f.write(chunk)
                        done += len(chunk)
                        received += len(chunk)
                        if progress is not None:
                            progress(done, total or 0)
                        if total is None and done - checked >= UNSIZED_CHECK_EVERY:
                            checked = done
                            _check_room(disk_free, space_folder, done, url)
                if total is None:
                    total = done  # no length announced: the server closing cleanly ends it
        except httpx.ConnectError as exc:
            raise unreachable(url, exc, advice) from exc
        except httpx.TransportError as exc:  # dropped connection, read timeout, truncated body
            last = attempt == attempts - 1
            log.info("download of %s interrupted at %d bytes (%s)%s", url, done, exc, "" if last else "; resuming")
            if last:
                of = f" of {_megabytes(total)}" if total else ""
                raise DownloadError(
                    f"download of {url} interrupted after {_megabytes(done)}{of} "
                    f"({type(exc).__name__}: {' '.join(str(exc).split())}); run the same command again to "
                    "resume where it stopped"
                ) from exc
            if not received:
                time.sleep(min(2 ** attempt, 10))  # nothing came through: give the server a moment
    if total is None or done != total:
        raise DownloadError(f"download of {url} stopped at {_megabytes(done)}; run the same command again to resume")

    md5, sha256 = _digests(part)
    expected = content_md5(etag)
    if expected is not None and expected != md5:
        discard(dest)  # resuming would only extend corrupt bytes
        raise DownloadError(
            f"checksum mismatch for {url}: the server's ETag gives MD5 {expected}, the downloaded file has "
            f"{md5}; the download was deleted, run the same command again"
        )
    if expected is None:
        log.info("%s has no content-MD5 ETag (%s); recording its sha256 only", url, etag)
    return Downloaded(part, done, sha256, md5, expected is not None)
