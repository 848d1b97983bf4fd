"""The map's JavaScript and CSS, served by the app itself (no CDN at run time).

folium points Leaflet and its plugins at CDNs, and streamlit-folium loads whatever the map's elements
declare. The supplier map declares only the files below, under `/app/static/vendor/…` (Streamlit's
static serving of ./static, `enableStaticServing = true`), and drops what folium would add by default
but the map does not use (jQuery, Bootstrap, Font Awesome, awesome-markers).

`python -m reindus.build.vendor static/vendor` (run by `make install`) downloads the pinned npm tarballs over
HTTPS with urllib (a fresh machine has no npm), checks each against the sha512 integrity the npm
registry published for that version, and extracts only the files listed here. It is idempotent: files
already present with the expected content are left alone, and nothing is downloaded then.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

STATIC_URL = "/app/static/vendor"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # "sha512-<base64>", as in the registry's dist.integrity
    files: tuple[str, ...]  # paths inside the tarball's package/ folder, kept relative to dist/

    @property
    def tarball_url(self) -> str:
        base = self.name.rsplit("/", 1)[-1]
        return f"https://registry.npmjs.org/{self.name}/-/{base}-{self.version}.tgz"

    @property
    def folder(self) -> str:
        return f"{self.name.replace('/', '__')}/{self.version}"

    def target(self, member: str) -> str:
        """Where a tarball file lands under the vendor folder: dist/ is dropped, LICENSE kept."""
        return f"{self.folder}/{member.removeprefix('dist/')}"

    def url(self, member: str) -> str:
        return f"{STATIC_URL}/{self.target(member)}"


LEAFLET = Package(
    "leaflet",
    "1.9.3",
    "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
    (
        "dist/leaflet.js",
        "dist/leaflet.css",
        "dist/images/layers.png",
        "dist/images/layers-2x.png",
        "dist/images/marker-icon.png",
        "dist/images/marker-icon-2x.png",
        "dist/images/marker-shadow.png",
        "LICENSE",
    ),
)
MARKERCLUSTER = Package(
    "leaflet.markercluster",
    "1.5.3",
    "sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA==",
    (
        "dist/leaflet.markercluster.js",
        "dist/MarkerCluster.css",
        "dist/MarkerCluster.Default.css",
        "MIT-LICENCE.txt",
    ),
)
PACKAGES: tuple[Package, ...] = (LEAFLET, MARKERCLUSTER)

# What the supplier map declares (folium's (name, url) pairs), all served by the app.
MAP_JS: list[tuple[str, str]] = [("leaflet", LEAFLET.url("dist/leaflet.js"))]
MAP_CSS: list[tuple[str, str]] = [("leaflet_css", LEAFLET.url("dist/leaflet.css"))]
CLUSTER_JS: list[tuple[str, str]] = [("markerclusterjs", MARKERCLUSTER.url("dist/leaflet.markercluster.js"))]
CLUSTER_CSS: list[tuple[str, str]] = [
    ("markerclustercss", MARKERCLUSTER.url("dist/MarkerCluster.css")),
    ("markerclusterdefaultcss", MARKERCLUSTER.url("dist/MarkerCluster.Default.css")),
]


class VendorError(RuntimeError):
    """A download or a check failed; nothing half-written is left in place."""


def check_integrity(data: bytes, integrity: str) -> None:
    algo, _, expected = integrity.partition("-")
    if algo != "sha512":
        raise VendorError(f"unsupported integrity algorithm {algo!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise VendorError(f"integrity mismatch: expected sha512-{expected}, got sha512-{actual}")


def _download(url: str, timeout: float = 60.0) -> bytes:
    if not url.startswith("https://"):
        raise VendorError(f"refusing a non-HTTPS download: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "reindus-vendor"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def extract(package: Package, data: bytes) -> dict[str, bytes]:
    """The listed files of a verified tarball, by their target path."""
    check_integrity(data, package.integrity)
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in package.files:
            info = tar.getmember(f"package/{member}")
            if not info.isfile():
                raise VendorError(f"{package.name}: {member} is not a regular file")
            handle = tar.extractfile(info)
            assert handle is not None
            out[package.target(member)] = handle.read()
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_path(root: Path) -> Path:
    return root / MANIFEST


def read_manifest(root: Path) -> dict:
    path = manifest_path(root)
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def is_installed(root: Path, package: Package, manifest: dict | None = None) -> bool:
    """The package's files are all present with the content recorded when they were verified."""
    manifest = read_manifest(root) if manifest is None else manifest
    entry = manifest.get(package.name)
    if not entry or entry.get("version") != package.version or entry.get("integrity") != package.integrity:
        return False
    files = entry.get("files", {})
    for member in package.files:
        target = package.target(member)
        path = root / target
        if target not in files or not path.is_file() or _sha256(path.read_bytes()) != files[target]:
            return False
    return True


def missing(root: str | Path) -> list[str]:
    """Names of the packages not (correctly) installed under `root`."""
    root = Path(root)
    manifest = read_manifest(root)
    return [p.name for p in PACKAGES if not is_installed(root, p, manifest)]


def install(root: str | Path, *, fetch=_download, log=print) -> list[str]:
    """Install every package under `root`; returns the names actually downloaded."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(root)
    fetched = []
    for package in PACKAGES:
        if is_installed(root, package, manifest):
            continue
        log(f"vendor: {package.name}@{package.version} ← {package.tarball_url}")
        files = extract(package, fetch(package.tarball_url))
        for target, content in files.items():
            path = root / target
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".part")
            tmp.write_bytes(content)
            tmp.replace(path)
        manifest[package.name] = {
            "version": package.version,
            "integrity": package.integrity,
            "tarball": package.tarball_url,
            "files": {target: _sha256(content) for target, content in files.items()},
        }
        tmp = manifest_path(root).with_suffix(".part")
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(manifest_path(root))
        fetched.append(package.name)
    return fetched


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0] if argv else "static/vendor")
    try:
        fetched = install(root)
    except (OSError, VendorError, KeyError, tarfile.TarError) as exc:
        print(f"vendor: échec — {exc}", file=sys.stderr)
        return 1
    print(f"vendor: {', '.join(fetched) if fetched else 'déjà à jour'} ({root})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
