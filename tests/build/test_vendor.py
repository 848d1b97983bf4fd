"""Vendored map assets: the pinned manifest, integrity checks and the installed files (offline)."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from reindus.build import vendor

ROOT = Path(__file__).resolve().parents[2]


def test_manifest_is_pinned_https_sha512():
    names = [p.name for p in vendor.PACKAGES]
    assert names == ["leaflet", "leaflet.markercluster"]
    for p in vendor.PACKAGES:
        assert p.tarball_url.startswith("https://registry.npmjs.org/")
        assert p.integrity.startswith("sha512-") and len(base64.b64decode(p.integrity[7:])) == 64
        assert all(".." not in f for f in p.files)
    for _, url in vendor.MAP_JS + vendor.MAP_CSS + vendor.CLUSTER_JS + vendor.CLUSTER_CSS:
        assert url.startswith("/app/static/vendor/")


def _fake_tarball(package: vendor.Package) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for member in package.files:
            data = f"/* {member} */".encode()
            info = tarfile.TarInfo(f"package/{member}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_install_checks_integrity_and_is_idempotent(tmp_path, monkeypatch):
    tarballs = {p.tarball_url: _fake_tarball(p) for p in vendor.PACKAGES}
    fakes = tuple(
        vendor.Package(
            p.name,
            p.version,
            "sha512-" + base64.b64encode(hashlib.sha512(tarballs[p.tarball_url]).digest()).decode(),
            p.files,
        )
        for p in vendor.PACKAGES
    )
    monkeypatch.setattr(vendor, "PACKAGES", fakes)
    calls = []

    def fetch(url):
        calls.append(url)
        return tarballs[url]

    assert vendor.install(tmp_path, fetch=fetch, log=lambda *_: None) == ["leaflet", "leaflet.markercluster"]
    assert (tmp_path / "leaflet/1.9.3/leaflet.js").read_text() == "/* dist/leaflet.js */"
    assert vendor.missing(tmp_path) == []
    assert vendor.install(tmp_path, fetch=fetch, log=lambda *_: None) == []  # nothing downloaded again
    assert len(calls) == 2
    (tmp_path / "leaflet/1.9.3/leaflet.js").write_text("tampered")
    assert vendor.missing(tmp_path) == ["leaflet"]


def test_tampered_tarball_is_refused(tmp_path):
    with pytest.raises(vendor.VendorError, match="integrity"):
        vendor.install(tmp_path, fetch=lambda url: b"not the tarball", log=lambda *_: None)
    assert not (tmp_path / "leaflet").exists()


def test_installed_assets_when_present():
    root = ROOT / "static" / "vendor"
    if not (root / vendor.MANIFEST).exists():
        pytest.skip(
            "static/vendor absent : lancez `make install` (python -m reindus.build.vendor static/vendor)"
        )
    assert vendor.missing(root) == []
    assert (root / "leaflet/1.9.3/leaflet.js").stat().st_size > 100_000
