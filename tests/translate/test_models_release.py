"""`babelwire models pull` from OPUS-MT's release storage, without torch or transformers.

A loopback server is laid out like the storage (``/OPUS-MT-models/fr-en/opus-….zip``,
``/Tatoeba-MT-models/fra-eng/…transformer-big….zip``, an S3 listing) and the Tatoeba-Challenge
index (``/released-models.txt``); it serves byte ranges and an MD5 ETag, and can cut transfers.
The zips hold tiny random native Marian models built without torch.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.errors import ModelError, TranslationError
from babelwire.loopback import LoopbackServer, Request, Response
from babelwire.translate.engines.ct2 import MANIFEST_NAME, CT2Engine, _Tokenizer
from babelwire.translate.marian_preprocess import normalize_for_marian
from babelwire.translate.models import ModelRequestError, import_model, list_models, pull_model
from babelwire.translate.releases import (
    INDEX_URL_ENV,
    RELEASE_URL_ENV,
    NoReleaseError,
    find_release,
    parse_index,
)
from babelwire.translate.testing import build_native_marian_release, zip_release

ROOT = Path(__file__).resolve().parents[2]
BASE_PATH = "/OPUS-MT-models/fr-en/opus-2020-02-26.zip"  # the built-in table's fr→en release
BIG_PATH = "/Tatoeba-MT-models/fra-eng/opusTCv20210807+bt_transformer-big_2022-03-09.zip"
CSC = "https://object.pouta.csc.fi"
INDEX = "\n".join([
    f"{CSC}/Tatoeba-MT-models/fra-eng/opus-2021-02-19.zip\tfra-eng\tfr-en\t0.724\t57.9\tFrench\tEnglish",
    # A non-big model scoring higher than the big one: `--size big` still takes the big one.
    f"{CSC}/Tatoeba-MT-models/fra-eng/opus+bt-2099-01-01.zip\tfra-eng\tfr-en\t0.790\t61.0\tFrench\tEnglish",
    f"{CSC}{BIG_PATH}\tfra-eng\tfr-en\t0.74090\t60.0\tFrench\tEnglish",
    f"{CSC}{BIG_PATH}\tfra-eng\tfr-en\t0.70000\t55.0\tFrench\tEnglish",  # listed twice: the best line counts
    f"{CSC}/Tatoeba-MT-models/fra-eng/opusTCv20210807_transformer-big_2022-01-01.zip\tfra-eng\tfr-en\t0.731\t59.0"
    "\tFrench\tEnglish",
    f"{CSC}/Tatoeba-MT-models/por-eng/opus-2021-02-19.zip\tpor-eng\tpt-en\t0.700\t55.0\tPortuguese\tEnglish",
    f"{CSC}/Tatoeba-MT-models/por-eng/opus+bt-2021-04-30.zip\tpor-eng\tpt-en\t0.710\t56.0\tPortuguese\tEnglish",
    f"{CSC}/Tatoeba-MT-models/por-eng/opusTCv20210807+bt_transformer-big_2022-03-09.zip\tpor-eng\tpt-en\t0.750"
    "\t60.0\tPortuguese\tEnglish",
    f"{CSC}/Tatoeba-MT-models/eus-eng/opus-2021-02-19.zip\teus-eng\teu-en\t0.627\t45.2\tBasque\tEnglish",
    "# comment lines and garbage are ignored",
]) + "\n"


def header(request: Request, name: str) -> str | None:
    return next((value for key, value in request.headers.items() if key.lower() == name.lower()), None)


def serve_file(body: bytes, *, etag: str | None = None, cuts: list[int] | None = None,
               ignore_range: bool = False) -> Callable[[Request], Response]:
    """An object-storage file: HEAD, GET, ``Range: bytes=N-``, an MD5 ETag. Each GET takes the next
    number in ``cuts`` (if any) and closes the connection after that many bytes of its body."""
    etag = etag or hashlib.md5(body).hexdigest()
    cuts = cuts if cuts is not None else []

    def handle(request: Request) -> Response:
        headers = {"Content-Type": "application/zip", "ETag": f'"{etag}"', "Accept-Ranges": "bytes"}
        wanted = header(request, "Range")
        status, chunk = 200, body
        if wanted and not ignore_range and (match := re.fullmatch(r"bytes=(\d+)-(\d*)", wanted)):
            start = int(match.group(1))
            if start >= len(body):
                return Response(b"", 416, {"Content-Range": f"bytes */{len(body)}"})
            end = int(match.group(2)) if match.group(2) else len(body) - 1
            status, chunk = 206, body[start:end + 1]
            headers["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
        headers["Content-Length"] = str(len(chunk))
        if request.method == "GET" and cuts:
            # The announced length stays; the body stops short and the connection closes.
            return Response(chunk[:cuts.pop(0)], status, {**headers, "Connection": "close"})
        return Response(chunk, status, headers)

    return handle


def gets(server: LoopbackServer, path: str) -> list[str | None]:
    """The Range header of every GET of ``path`` (None: from the start)."""
    return [header(r, "Range") for r in server.requests if r.method == "GET" and r.path == path]


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Native release folders and their zips: base fr→en, big fr→en (read-only)."""
    root = tmp_path_factory.mktemp("releases")
    base = build_native_marian_release(root / "base")
    big = build_native_marian_release(root / "big", big=True, seed=1)
    return {"base": base, "big": big, "base.zip": zip_release(base, root / "base.zip"),
            "big.zip": zip_release(big, root / "big.zip")}


@pytest.fixture
def storage(releases: dict[str, Path], monkeypatch: pytest.MonkeyPatch):
    """The loopback release storage and index, with babelwire pointed at them."""
    with LoopbackServer() as server:
        server.route(BASE_PATH, serve_file(releases["base.zip"].read_bytes()))
        server.route(BIG_PATH, serve_file(releases["big.zip"].read_bytes()))
        server.route("/released-models.txt", Response(INDEX.encode(), headers={"Content-Type": "text/plain"}))
        monkeypatch.setenv(RELEASE_URL_ENV, server.base_url)
        monkeypatch.setenv(INDEX_URL_ENV, server.url("/released-models.txt"))
        yield server


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_pull_base_release_converts_installs_and_records_the_licence(storage, releases, tmp_path: Path):
    progress: list[tuple[int, int]] = []
    steps: list[str] = []
    models = tmp_path / "models"
    installed = pull_model("fr", "en", models, progress=lambda done, total: progress.append((done, total)),
                           on_step=steps.append)
    assert installed == models / "opus-mt-fr-en"
    body = releases["base.zip"].read_bytes()
    assert progress[0] == (0, len(body)) and progress[-1] == (len(body), len(body))
    assert any("opus-2020-02-26.zip" in step for step in steps)
    manifest = json.loads((installed / MANIFEST_NAME).read_text())
    assert manifest["kind"] == "marian" and manifest["pairs"] == [["fr", "en"]] and manifest["size"] == "base"
    assert manifest["source"] == "release" and manifest["url"] == storage.url(BASE_PATH)
    assert manifest["sha256"] == hashlib.sha256(body).hexdigest() and manifest["md5_verified"] is True
    assert manifest["license"] == "CC-BY-4.0"
    assert manifest["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "Helsinki-NLP" in manifest["attribution"]
    assert manifest["model_url"] == "https://github.com/Helsinki-NLP/OPUS-MT-train/tree/master/models/fr-en"
    for name in ("LICENSE", "README.md", "preprocess.sh", "source.spm", "target.spm", "model.bin"):
        assert (installed / name).is_file(), name
    assert "Attribution 4.0" in (installed / "LICENSE").read_text()
    assert storage.requests_to("/released-models.txt") == []  # the built-in table knew the release
    assert not list((models / ".downloads").rglob("*.part"))  # the zip is gone once installed
    assert [p.name for p in models.iterdir() if not p.name.startswith(".")] == ["opus-mt-fr-en"]
    [model] = list_models(models)
    assert (model.license, model.variant, model.url) == ("CC-BY-4.0", "base", storage.url(BASE_PATH))
    assert model.attribution and model.license_url
    [translation] = CT2Engine(installed, beam_size=1, threads=1).translate(["Le gouvernement a parlé."], "fr", "en")
    assert isinstance(translation, str) and translation
    # Pulled again: already there, nothing downloaded.
    storage.requests.clear()
    assert pull_model("fr", "en", models) == installed and storage.requests == []


def test_pull_big_takes_the_best_transformer_big_of_the_index(storage, releases, tmp_path: Path):
    installed = pull_model("fr", "en", tmp_path / "models", size="big")
    assert installed.name == "opus-mt-tc-big-fr-en"
    manifest = json.loads((installed / MANIFEST_NAME).read_text())
    assert manifest["size"] == "big" and manifest["url"] == storage.url(BIG_PATH)  # the index URL, on the mirror
    assert manifest["scores"] == {"chrf": 0.7409, "bleu": 60.0}
    assert manifest["release"] == "opusTCv20210807+bt_transformer-big_2022-03-09"
    assert manifest["model_url"].endswith("Tatoeba-Challenge/tree/master/models/fra-eng")
    assert (installed / "LICENSE").is_file() and (installed / "README.md").is_file()
    assert len(storage.requests_to("/released-models.txt")) == 1


def test_find_release_table_listing_and_index(monkeypatch: pytest.MonkeyPatch):
    import httpx

    listing = ("<?xml version='1.0' encoding='UTF-8'?><ListBucketResult><Name>OPUS-MT-models</Name>"
               "<Contents><Key>it-en/opus-2019-12-18.zip</Key></Contents>"
               "<Contents><Key>it-en/opus-2020-01-20.eval.txt</Key></Contents>"
               "<Contents><Key>it-en/opus-2020-01-20.zip</Key></Contents>"
               "<Contents><Key>it-en/old/opus-2021-01-01.zip</Key></Contents></ListBucketResult>")

    def bucket(request: Request) -> Response:
        if "prefix=it-en%2F" in request.query or "prefix=it-en/" in request.query:
            return Response(listing.encode(), headers={"Content-Type": "application/xml"})
        return Response(b"<ListBucketResult></ListBucketResult>", headers={"Content-Type": "application/xml"})

    with LoopbackServer() as server, httpx.Client() as client:
        server.route("/OPUS-MT-models", bucket)
        server.route("/released-models.txt", Response(INDEX.encode()))
        kwargs = {"client": client, "release_root": server.base_url, "index": server.url("/released-models.txt")}
        fr_en = find_release("fr-FR", "en", **kwargs)
        assert (fr_en.found_in, fr_en.url) == ("built-in table", server.url(BASE_PATH))
        assert server.requests == []  # no network for a pair of the table
        it_en = find_release("it", "en", **kwargs)
        assert (it_en.found_in, it_en.release) == ("storage listing", "opus-2020-01-20")
        pt_en = find_release("pt", "en", **kwargs)  # no listing: the best non-big model of the index
        assert (pt_en.found_in, pt_en.release, pt_en.size) == ("released-models.txt", "opus+bt-2021-04-30", "base")
        assert pt_en.url == server.url("/Tatoeba-MT-models/por-eng/opus+bt-2021-04-30.zip")
        assert find_release("pt", "en", "big", **kwargs).name == "opus-mt-tc-big-pt-en"
        eu_en = find_release("eu", "en", "big", **kwargs)  # no big model: the best one, and it says so
        assert (eu_en.size, eu_en.name, eu_en.chrf) == ("base", "opus-mt-eu-en", 0.627)
        with pytest.raises(NoReleaseError, match="no big model for sw→fi"):
            find_release("sw", "fi", "big", **kwargs)


def test_parse_index_keeps_the_best_line_of_a_url():
    entries = parse_index(INDEX)
    big = [e for e in entries if e.url.endswith(BIG_PATH)]
    assert len(big) == 1 and big[0].chrf == 0.7409 and big[0].big and big[0].pair2 == "fr-en"
    assert all(e.url.endswith(".zip") for e in entries)


def test_a_cut_transfer_resumes_with_range_in_the_same_run(storage, releases, tmp_path: Path):
    body = releases["base.zip"].read_bytes()
    storage.route(BASE_PATH, serve_file(body, cuts=[len(body) // 3]))
    installed = pull_model("fr", "en", tmp_path / "models")
    assert gets(storage, BASE_PATH) == [None, f"bytes={len(body) // 3}-"]
    assert json.loads((installed / MANIFEST_NAME).read_text())["sha256"] == hashlib.sha256(body).hexdigest()


def test_a_cut_transfer_resumes_on_the_next_run(storage, releases, tmp_path: Path):
    body = releases["base.zip"].read_bytes()
    cut = len(body) // 5
    storage.route(BASE_PATH, serve_file(body, cuts=[cut, cut, cut]))  # every attempt of the run is cut
    models = tmp_path / "models"
    with pytest.raises(ModelError, match="run the same command again to resume") as info:
        pull_model("fr", "en", models)
    assert "\n" not in info.value.reason
    assert not (models / "opus-mt-fr-en").exists()
    [part] = (models / ".downloads").rglob("*.part")
    assert part.stat().st_size == 3 * cut
    assert gets(storage, BASE_PATH) == [None, f"bytes={cut}-", f"bytes={2 * cut}-"]
    storage.requests.clear()
    installed = pull_model("fr", "en", models)  # the next run continues from the part
    assert gets(storage, BASE_PATH) == [f"bytes={3 * cut}-"]
    assert json.loads((installed / MANIFEST_NAME).read_text())["sha256"] == hashlib.sha256(body).hexdigest()


def test_a_server_ignoring_range_makes_the_download_start_over(storage, releases, tmp_path: Path):
    body = releases["base.zip"].read_bytes()
    storage.route(BASE_PATH, serve_file(body, cuts=[len(body) // 2], ignore_range=True))
    installed = pull_model("fr", "en", tmp_path / "models")
    assert gets(storage, BASE_PATH) == [None, f"bytes={len(body) // 2}-"]  # asked for the rest, got all (200)
    assert json.loads((installed / MANIFEST_NAME).read_text())["sha256"] == hashlib.sha256(body).hexdigest()


def test_a_checksum_mismatch_is_refused_and_nothing_is_installed(storage, releases, tmp_path: Path):
    storage.route(BASE_PATH, serve_file(releases["base.zip"].read_bytes(), etag=hashlib.md5(b"other").hexdigest()))
    models = tmp_path / "models"
    with pytest.raises(ModelError, match="checksum mismatch") as info:
        pull_model("fr", "en", models)
    assert storage.url(BASE_PATH) in info.value.reason
    assert list_models(models) == [] and not (models / "opus-mt-fr-en").exists()
    assert not list((models / ".downloads").rglob("*.part"))  # corrupt bytes are not kept for resuming


def test_not_enough_disk_space_is_said_before_downloading(storage, tmp_path: Path):
    models = tmp_path / "models"
    with pytest.raises(ModelError, match="not enough disk space") as info:
        pull_model("fr", "en", models, disk_free=lambda _path: 1000)
    assert str(models) in info.value.reason and "1 kB free" in info.value.reason
    assert gets(storage, BASE_PATH) == []  # only the HEAD asking for the size


def test_offline_pull_is_one_line_naming_the_host(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    port = closed_port()
    monkeypatch.setenv(RELEASE_URL_ENV, f"http://127.0.0.1:{port}")
    monkeypatch.setenv(INDEX_URL_ENV, f"http://127.0.0.1:{port}/released-models.txt")
    models = tmp_path / "models"
    for size in ("base", "big"):  # the zip (base, from the table) and the index (big)
        with pytest.raises(ModelError) as info:
            pull_model("fr", "en", models, size=size)
        reason = info.value.reason
        assert reason.startswith("cannot reach 127.0.0.1 (ConnectError") and "\n" not in reason
        assert "babelwire models pull fr en" in reason and "babelwire models import DIR" in reason
    assert "opus-2020-02-26.zip" in pull_model_error("fr", "en", models)


def pull_model_error(*args: object) -> str:
    try:
        pull_model(*args)  # type: ignore[arg-type]
    except ModelError as exc:
        return exc.reason
    raise AssertionError("pull_model did not fail")


def _zip_with(folder: Path, zip_path: Path, *, drop: tuple[str, ...] = (), extra: dict[str, bytes] | None = None):
    with zipfile.ZipFile(zip_path, "w") as archive:
        for path in sorted(folder.iterdir()):
            if path.name not in drop:
                archive.write(path, path.name)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return zip_path.read_bytes()


def test_unsafe_bpe_and_unlicensed_zips(storage, releases, tmp_path: Path):
    models = tmp_path / "models"
    evil = _zip_with(releases["base"], tmp_path / "evil.zip", extra={"../../escaped.txt": b"x"})
    storage.route(BASE_PATH, serve_file(evil))
    with pytest.raises(ModelError, match="unsafe path"):
        pull_model("fr", "en", models)
    assert not (tmp_path / "escaped.txt").exists() and not (models / "escaped.txt").exists()
    assert not list((models / ".downloads").rglob("*.part"))  # an unusable zip is not kept
    bpe = _zip_with(releases["base"], tmp_path / "bpe.zip", drop=("source.spm", "target.spm"))
    storage.route(BASE_PATH, serve_file(bpe))
    with pytest.raises(ModelError, match="BPE"):
        pull_model("fr", "en", models, force=True)
    assert list_models(models) == []
    unlicensed = _zip_with(releases["base"], tmp_path / "unlicensed.zip", drop=("LICENSE",))
    storage.route(BASE_PATH, serve_file(unlicensed))
    installed = pull_model("fr", "en", models, force=True)
    licence = (installed / "LICENSE").read_text()
    assert "CC-BY 4.0" in licence and "Helsinki-NLP" in licence and storage.url(BASE_PATH) in licence


def test_nllb_needs_its_licence_accepted(storage, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    for origin in ("hub", "release"):  # release: OPUS-MT publishes nothing for sw→fi, NLLB would serve it
        with pytest.raises(ModelRequestError) as info:
            pull_model("sw", "fi", tmp_path / "models", origin=origin)  # type: ignore[arg-type]
        assert "CC-BY-NC-4.0" in info.value.reason and "--accept-license" in info.value.reason


def test_multi_target_model_gets_its_tatoeba_target_token(tmp_path: Path):
    native = build_native_marian_release(tmp_path / "eng-roa", src="en", tgt="fr",
                                         target_tokens=(">>fra<<", ">>spa<<", ">>por<<", ">>cmn_Hans<<",
                                                        ">>cmn_Hant<<"))
    installed = import_model(native, tmp_path / "models", src="en", tgt="fr", name="opus-mt-en-roa")
    vocab = json.loads((installed / "shared_vocabulary.json").read_text())
    tokenizer = _Tokenizer(installed, "marian", vocab)
    assert tokenizer.language_tokens("en", "fr") == ([">>fra<<"], None)
    assert tokenizer.language_tokens("en", "es-MX") == ([">>spa<<"], None)
    assert tokenizer.language_tokens("en", "zh") == ([">>cmn_Hans<<"], None)
    assert tokenizer.language_tokens("en", "zh-TW") == ([">>cmn_Hant<<"], None)
    with pytest.raises(TranslationError, match="no target language 'de'"):
        tokenizer.language_tokens("en", "de")
    older = _Tokenizer(installed, "marian", ["</s>", "<unk>", ">>fr<<", ">>zho<<", ">>zho_Hant<<"])
    assert older.language_tokens("en", "fr-CA") == ([">>fr<<"], None)  # 2-letter tokens still work
    assert older.language_tokens("en", "zh") == ([">>zho<<"], None)
    assert older.language_tokens("en", "zh-Hant") == ([">>zho_Hant<<"], None)
    tokens = tokenizer.encode(["The government spoke."], [">>fra<<"])[0]
    assert tokens[0] == ">>fra<<" and "</s>" not in tokens  # CTranslate2 adds </s> for native conversions
    assert (installed / "LICENSE").is_file() and (installed / "preprocess.sh").is_file()
    engine = CT2Engine(installed, beam_size=1, threads=1)
    assert len(engine.translate(["The government spoke."], "en", "fr")) == 1


@pytest.mark.parametrize(("raw", "expected"), [
    ("« Bonjour », a-t-il dit.", '"Bonjour", a-t-il dit.'),
    ("«\u00a0Bonjour\u00a0»\u00a0?", '"Bonjour"?'),  # the no-break space French puts before "?" goes
    ("Pourquoi ?", "Pourquoi ?"),  # a plain space stays
    ("Vraiment\u202f! 50\u00a0% des voix\u00a0;", "Vraiment! 50% des voix;"),
    ("“Quoted” and ‘single’ – dash — long", "\"Quoted\" and 'single' - dash - long"),
    ("l’État „gut“", "l'État \"gut\""),
    ("Ma\u00adcron\u200b a\u2060 parlé\ufeff", "Macron a parlé"),
    ("tab\there\x07bell\u200eLRM", "tab here bell LRM"),
    ("  spaces\u2003 \u2009 everywhere  ", "spaces everywhere"),
    ("你好，世界。再见！（１２３）", "你好,世界. 再见!(123)"),
    ("Attendez…", "Attendez..."),
    ("Plain ASCII text, unchanged.", "Plain ASCII text, unchanged."),
])
def test_normalize_for_marian(raw: str, expected: str):
    assert normalize_for_marian(raw) == expected


def test_cli_pull_and_list_show_the_licence(storage, tmp_path: Path):
    from babelwire.cli import app

    runner = CliRunner()
    home = str(tmp_path / "home")
    result = runner.invoke(app, ["--home", home, "models", "pull", "fr", "en"])
    assert result.exit_code == 0, result.output
    assert "installed opus-mt-fr-en" in result.stdout
    assert "licence: CC-BY-4.0" in result.stdout and "Helsinki-NLP" in result.stdout
    listed = runner.invoke(app, ["--home", home, "models", "list"])
    assert listed.exit_code == 0 and "CC-BY-4.0" in listed.stdout and "licence" in listed.stdout
    assert max(len(line) for line in listed.stdout.splitlines()) <= 80
    [model] = json.loads(runner.invoke(app, ["--home", home, "models", "list", "--json"]).stdout)
    assert model["license"] == "CC-BY-4.0" and model["attribution"] and model["license_url"]
    assert model["url"] == storage.url(BASE_PATH) and model["variant"] == "base"
    # Usage errors exit 2, network failures 1, both on one line.
    assert runner.invoke(app, ["--home", home, "models", "pull", "fr", "en", "--size", "huge"]).exit_code == 2
    nllb = runner.invoke(app, ["--home", home, "models", "pull", "sw", "fi"])
    assert nllb.exit_code == 2 and "--accept-license" in nllb.output
    storage.route(BASE_PATH, Response(b"gone", 500))
    failed = runner.invoke(app, ["--home", home, "models", "pull", "fr", "en", "--force"])
    assert failed.exit_code == 1 and "HTTP 500" in failed.output and "Traceback" not in failed.output


def test_cli_from_hub_without_transformers_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from babelwire.cli import app

    monkeypatch.setitem(sys.modules, "transformers", None)  # makes `import transformers` fail
    result = CliRunner().invoke(app, ["--home", str(tmp_path), "models", "pull", "fr", "en", "--from-hub"])
    assert result.exit_code == 2 and "pip install 'babelwire[convert]'" in result.output
    assert "Traceback" not in result.output


BLOCKED_IMPORTS = """
import importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"torch", "transformers"}:
            raise ImportError(f"{name} is blocked for this test")
        return None

sys.meta_path.insert(0, Block())
from babelwire.cli import app
try:
    app(sys.argv[1:])
except SystemExit as exit:
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"torch", "transformers"})
    print("LOADED", loaded, "EXIT", exit.code)
"""


def test_release_pull_works_without_torch_or_transformers(storage, tmp_path: Path):
    home = tmp_path / "home"
    env = {**os.environ, "PYTHONPATH": str(ROOT), RELEASE_URL_ENV: storage.base_url,
           INDEX_URL_ENV: storage.url("/released-models.txt")}
    result = subprocess.run([sys.executable, "-c", BLOCKED_IMPORTS, "--home", str(home), "models", "pull", "fr", "en"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert "LOADED [] EXIT 0" in result.stdout, result.stdout + result.stderr
    assert (home / "models" / "opus-mt-fr-en" / "model.bin").is_file()
    shutil.rmtree(home)


def test_cli_list_gives_each_model_its_licence_link_credit_and_page_within_80_columns(storage, tmp_path: Path):
    from babelwire.cli import app

    runner = CliRunner()
    home = str(tmp_path / "home")
    for size in ("base", "big"):
        assert runner.invoke(app, ["--home", home, "models", "pull", "fr", "en", "--size", size]).exit_code == 0
    pulled = runner.invoke(app, ["--home", home, "models", "pull", "fr", "en", "--size", "big"]).stdout
    assert "model page:\n  https://github.com/Helsinki-NLP/Tatoeba-Challenge/tree/master/models/fra-eng\n" in pulled
    listed = runner.invoke(app, ["--home", home, "models", "list"], env={"COLUMNS": "80"}).stdout
    lines = listed.splitlines()
    assert max(len(line) for line in lines) <= 80, listed
    # Each URL whole on one line (clickable, copyable), under its model's name.
    assert "  licence: CC-BY-4.0 — https://creativecommons.org/licenses/by/4.0/" in lines
    assert "    https://github.com/Helsinki-NLP/OPUS-MT-train/tree/master/models/fr-en" in lines
    assert "    https://github.com/Helsinki-NLP/Tatoeba-Challenge/tree/master/models/fra-eng" in lines
    assert lines.count("  attribution: OPUS-MT, Helsinki-NLP (Tiedemann & Thottingal 2020)") == 2


def test_cli_list_prints_a_model_name_as_written(storage, tmp_path: Path):
    from babelwire.cli import app

    home = tmp_path / "home"
    installed = pull_model("fr", "en", home / "models")
    manifest = json.loads((installed / MANIFEST_NAME).read_text())
    manifest |= {"name": "[bold]odd[/bold] name", "license": "[red]X[/red]"}
    (installed / MANIFEST_NAME).write_text(json.dumps(manifest))
    listed = CliRunner().invoke(app, ["--home", str(home), "models", "list"]).stdout
    assert "[bold]odd[/bold]" in listed and "[red]X[/red]" in listed  # not read as Rich markup


@pytest.mark.parametrize(("args", "message"), [
    (["models", "pull", "auto", "en"], "not 'auto'"),
    (["models", "pull", "fr", "xx"], "unknown language code 'xx'; supported: af, "),
    (["models", "import", ".", "--from", "auto"], "not 'auto'"),
])
def test_cli_pull_and_import_check_language_codes(args: list[str], message: str, tmp_path: Path):
    from babelwire.cli import app

    result = CliRunner().invoke(app, ["--home", str(tmp_path / "home"), *args])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert not (tmp_path / "home" / "models").exists()  # nothing was attempted


def _on_a_terminal(args: list[str], answer: str, env: dict[str, str]) -> tuple[int, str]:
    """Run ``babelwire ARGS`` with a pseudo-terminal as standard input, answer its question."""
    import pty
    import time

    leader, follower = pty.openpty()
    with subprocess.Popen([sys.executable, "-m", "babelwire", *args], stdin=follower,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT, env=env) as process:
        os.close(follower)
        time.sleep(0.5)
        os.write(leader, answer.encode() + b"\n")
        output, _ = process.communicate(timeout=120)
    os.close(leader)
    return process.returncode, output.decode()


def test_nllb_licence_is_asked_on_a_terminal(storage, tmp_path: Path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "BABELWIRE_HOME": str(tmp_path / "home"),
           RELEASE_URL_ENV: storage.base_url, INDEX_URL_ENV: storage.url("/released-models.txt"),
           "HF_ENDPOINT": f"http://127.0.0.1:{closed_port()}"}
    code, output = _on_a_terminal(["models", "pull", "sw", "fi"], "n", env)
    assert code == 2, output
    assert "CC-BY-NC-4.0" in output and "Accept NLLB-200's non-commercial licence" in output
    assert "the licence was not accepted" in output
    # Accepted: the pull goes on to the hub (closed here), which it never reaches without consent.
    code, output = _on_a_terminal(["models", "pull", "sw", "fi"], "y", env)
    assert code == 1 and "cannot reach http://127.0.0.1:" in " ".join(output.split()), output
    assert "Traceback" not in output


def test_bench_translate_without_transformers_names_the_extra(releases, tmp_path: Path):
    model = import_model(releases["base"], tmp_path / "models", src="fr", tgt="en")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["--home", str(tmp_path / "home"), "bench", "translate", "--model", str(model), "--length", "2",
            "--threads", "1"]
    result = subprocess.run([sys.executable, "-c", BLOCKED_IMPORTS, *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert "EXIT 0" in result.stdout, result.stdout + result.stderr
    assert "skipped: install `pip install 'babelwire[convert]'` for it" in " ".join(result.stdout.split())
    # Asking for the transformers baseline without transformers: the extra, no traceback.
    result = subprocess.run([sys.executable, "-c", BLOCKED_IMPORTS, *args, "--hf-model", str(model)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300)
    assert "EXIT 2" in result.stdout and "pip install 'babelwire[convert]'" in result.stderr, result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_pull_on_a_terminal_shows_size_speed_and_time_left(storage, releases, tmp_path: Path):
    import pty
    import select

    from babelwire.loopback import trickle

    body = releases["base.zip"].read_bytes()
    file = serve_file(body)

    def slowly(request: Request) -> Response:  # about 1.5 s: the bar refreshes several times
        response = file(request)
        if request.method == "GET":
            response.chunks = trickle(response.body, 0.02, size=len(body) // 75 + 1)
        return response

    storage.route(BASE_PATH, slowly)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80", "TERM": "xterm",
           "BABELWIRE_HOME": str(tmp_path / "home"), RELEASE_URL_ENV: storage.base_url,
           INDEX_URL_ENV: storage.url("/released-models.txt")}
    env.pop("NO_COLOR", None)
    leader, follower = pty.openpty()  # standard error is a terminal: Rich draws the bar there
    with subprocess.Popen([sys.executable, "-m", "babelwire", "models", "pull", "fr", "en"], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=follower, cwd=ROOT, env=env) as process:
        os.close(follower)
        drawn = b""
        while True:
            ready, _, _ = select.select([leader], [], [], 120)
            try:
                chunk = os.read(leader, 65536) if ready else b""
            except OSError:  # the process closed its end
                chunk = b""
            if not chunk:
                break
            drawn += chunk
        stdout, _ = process.communicate(timeout=120)
    os.close(leader)
    assert process.returncode == 0, drawn.decode(errors="replace")
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn.decode(errors="replace"))
    size = f"{len(body) / 1000:.1f} kB"
    assert re.search(rf"\d+(\.\d)?/{re.escape(size)}", screen), screen  # bytes done of the total
    assert re.search(r"\d+(\.\d)? [kM]B/s", screen), screen  # speed
    assert re.search(r"\b0:00:0\d\b", screen), screen  # time left
    assert "downloading opus-2020-02-26.zip (base) from 127.0.0.1" in screen
    assert b"installed opus-mt-fr-en" in stdout


def test_marian_models_get_the_preprocess_sh_normalisation_before_sentencepiece(releases, tmp_path: Path):
    installed = import_model(releases["base"], tmp_path / "models", src="fr", tgt="en")
    vocab = json.loads((installed / "shared_vocabulary.json").read_text())
    tokenizer = _Tokenizer(installed, "marian", vocab)
    raw = "«\u00a0Ma\u00adcron\u200b a dit\u00a0» : c’est l’État…"
    assert tokenizer.encode([raw], []) == tokenizer.encode(['"Macron a dit" : c\'est l\'État...'], [])
    assert tokenizer.encode([raw], []) != tokenizer.source.encode([raw], out_type=str)  # it did something


def test_a_download_of_unknown_size_stops_while_the_disk_can_still_hold_it(tmp_path: Path):
    """No size (chunked, and a HEAD answering Content-Length: 0): nothing to check before starting, so the
    disk is checked as the bytes come; the part is kept for resuming, and with room the same
    download completes."""
    import httpx

    from babelwire.translate.download import UNSIZED_CHECK_EVERY, download

    body = bytes(range(256)) * (3 * UNSIZED_CHECK_EVERY // 256)  # 24 MiB in 1 MiB pieces

    def handle(request: Request) -> Response:
        pieces = [body[i:i + (1 << 20)] for i in range(0, len(body), 1 << 20)]
        return Response(b"", 200, {"Content-Type": "application/zip"}, chunks=None if request.method == "HEAD"
                        else pieces)

    with LoopbackServer() as server, httpx.Client() as client:
        url = server.route("/unsized.zip", handle)
        dest = tmp_path / "dl" / "unsized.zip"
        free = 30 << 20  # room for 15 MiB downloaded (×3 needed in all), not for 24
        with pytest.raises(ModelError, match="announced no size") as info:
            download(url, dest, client=client, advice="", disk_free=lambda _path: free)
        assert "run the same command again to resume" in info.value.reason
        kept = (tmp_path / "dl" / "unsized.zip.part").stat().st_size
        assert UNSIZED_CHECK_EVERY <= kept < len(body)  # stopped early, what came is kept
        done = download(url, dest, client=client, advice="", disk_free=lambda _path: 1 << 40)
        assert done.size == len(body) and done.path.read_bytes() == body
