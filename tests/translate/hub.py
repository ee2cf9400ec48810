"""A loopback stand-in for the Hugging Face Hub: the endpoints ``huggingface_hub`` uses to pull a
model repository (model info, file tree, ``resolve`` with HEAD metadata and byte ranges)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from babelwire.loopback import LoopbackServer, Request, Response

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def header(request: Request, name: str) -> str | None:
    return next((value for key, value in request.headers.items() if key.lower() == name.lower()), None)


def serve_repo(server: LoopbackServer, repo: str, folder: Path) -> dict[str, str]:
    """Serve every file of ``folder`` as the repository ``repo`` at commit ``COMMIT`` (and ``main``);
    returns {file name: its ``resolve`` path}."""
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    info = {"id": repo, "modelId": repo, "sha": COMMIT, "private": False, "disabled": False, "gated": False,
            "siblings": [{"rfilename": name, "size": len(body), "blobId": hashlib.sha1(body).hexdigest()}
                         for name, body in files.items()]}
    tree = [{"type": "file", "path": name, "size": len(body), "oid": hashlib.sha1(body).hexdigest()}
            for name, body in files.items()]
    as_json = {"Content-Type": "application/json"}
    server.route(f"/api/models/{repo}", Response(json.dumps(info).encode(), headers=as_json))
    paths: dict[str, str] = {}
    for revision in (COMMIT, "main"):
        server.route(f"/api/models/{repo}/revision/{revision}", Response(json.dumps(info).encode(), headers=as_json))
        server.route(f"/api/models/{repo}/tree/{revision}", Response(json.dumps(tree).encode(), headers=as_json))
        for name, body in files.items():
            path = f"/{repo}/resolve/{revision}/{name}"
            server.route(path, _file(body))
            if revision == COMMIT:
                paths[name] = path
    return paths


def _file(body: bytes):
    etag = hashlib.sha1(body).hexdigest()

    def resolve(request: Request) -> Response:
        headers = {"Content-Type": "application/octet-stream", "ETag": f'"{etag}"', "X-Repo-Commit": COMMIT,
                   "Accept-Ranges": "bytes"}
        wanted = header(request, "Range")
        if wanted and (match := re.fullmatch(r"bytes=(\d+)-(\d*)", wanted)):
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else len(body) - 1
            headers["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
            return Response(body[start:end + 1], 206, headers)
        return Response(body, 200, headers)

    return resolve


def cut_after(route, fraction: float = 0.5, *, ranged_too: bool = False):
    """The same file, but a plain GET (and with ``ranged_too`` every GET) stops after ``fraction``
    of the body and closes the connection, as a dropped download does."""

    def cut(request: Request) -> Response:
        answer = route(request)
        if request.method == "HEAD" or (header(request, "Range") and not ranged_too):
            return answer
        size = len(answer.body)
        return Response(answer.body[: int(size * fraction)], answer.status,
                        {**answer.headers, "Content-Length": str(size), "Connection": "close"})

    return cut
