"""`python app.py teams-package`: a zip Teams accepts — manifest.json valid against Microsoft's
schema for its manifestVersion, icons of the required sizes, the bot ID from the environment."""

from __future__ import annotations

import json
import struct
import zipfile

import pytest

from tests.conftest import ROOT, run_app

APP_ID = "00000000-0000-4000-8000-00000000b07e"
SCHEMAS = ROOT / "vendor" / "schemas" / "teams"


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("pkg") / "edc.zip"
    result = run_app("teams-package", "--output", str(out), env={"MicrosoftAppId": APP_ID})
    assert result.returncode == 0, result.stderr.decode()
    assert str(out) in result.stdout.decode()
    return zipfile.ZipFile(out)


@pytest.fixture(scope="module")
def manifest(package) -> dict:
    return json.loads(package.read("manifest.json"))


def _schema(version: str) -> dict:
    path = SCHEMAS / f"MicrosoftTeams.schema.v{version}.json"
    if not path.is_file():
        pytest.skip(f"no schema for manifestVersion {version} in {SCHEMAS}")
    return json.loads(path.read_text(encoding="utf-8"))


def test_manifest_is_valid_against_the_schema_of_its_version(manifest):
    from jsonschema import Draft4Validator

    schema = _schema(manifest["manifestVersion"])
    errors = sorted(Draft4Validator(schema).iter_errors(manifest), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    assert manifest["$schema"].endswith(
        f"/v{manifest['manifestVersion']}/MicrosoftTeams.schema.json"
    )


def test_manifest_content_is_also_valid_for_the_newest_schema(manifest):
    """Moving to the newest manifest version later needs no content change."""
    from jsonschema import Draft4Validator

    newest = max(
        SCHEMAS.glob("MicrosoftTeams.schema.v*.json"),
        key=lambda p: tuple(int(n) for n in p.stem.split(".v")[1].split(".")),
    )
    version = newest.stem.split(".v")[1]
    upgraded = {**manifest, "manifestVersion": version}
    upgraded["$schema"] = upgraded["$schema"].replace(manifest["manifestVersion"], version)
    errors = list(Draft4Validator(json.loads(newest.read_text())).iter_errors(upgraded))
    assert not errors, [e.message for e in errors]


def test_bot_id_and_scopes(manifest):
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team"}
    lists = {
        tuple(c["scopes"]): [cmd["title"] for cmd in c["commands"]] for c in bot["commandLists"]
    }
    assert "report" in lists[("personal",)] and "help" in lists[("personal",)]
    assert "set supervisor channel" in lists[("team",)]


def test_app_id_is_a_stable_guid_different_from_the_bot_id(manifest, tmp_path):
    result = run_app(
        "teams-package", "--output", str(tmp_path / "again.zip"), env={"MicrosoftAppId": APP_ID}
    )
    again = json.loads(zipfile.ZipFile(tmp_path / "again.zip").read("manifest.json"))
    assert result.returncode == 0 and again["id"] == manifest["id"] != APP_ID


@pytest.mark.parametrize(("name", "size"), [("color.png", 192), ("outline.png", 32)])
def test_icons_are_pngs_of_the_required_size(package, manifest, name, size):
    assert name in manifest["icons"].values()
    data = package.read(name)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour_type = struct.unpack(">IIBB", data[16:26])
    assert (width, height, depth, colour_type) == (size, size, 8, 6)  # RGBA


def test_outline_icon_is_white_on_transparent(package):
    import zlib

    data = package.read("outline.png")
    raw = zlib.decompress(_idat(data))
    stride = 1 + 32 * 4
    pixels = [
        raw[r * stride + 1 + c * 4 : r * stride + 5 + c * 4] for r in range(32) for c in range(32)
    ]
    assert {p[3] for p in pixels} == {0, 255}  # some opaque, some transparent
    assert all(p[:3] == b"\xff\xff\xff" for p in pixels if p[3])  # every visible pixel white


def test_without_an_app_id_it_says_what_to_set(tmp_path):
    result = run_app("teams-package", "--output", str(tmp_path / "x.zip"))
    assert result.returncode == 2
    assert "MicrosoftAppId" in result.stderr.decode()
    assert not (tmp_path / "x.zip").exists()


def _idat(png: bytes) -> bytes:
    pos, chunks = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            chunks += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return chunks
