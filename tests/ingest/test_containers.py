"""The zip INSEE publishes is extracted to the work folder only after checking it has the room: the
national stock unzips to several gigabytes, and a full disk must stop the import before it starts."""

from __future__ import annotations

import shutil
from collections import namedtuple

import pytest

from reindus.ingest import containers
from tests.fixtures.sirene import ESTABLISHMENT_2024, establishment, write_zip

Usage = namedtuple("Usage", "total used free")


def test_a_zip_is_not_extracted_into_a_folder_without_room_for_it(tmp_path, monkeypatch):
    path = write_zip(tmp_path / "StockEtablissement_utf8.zip", [establishment()], ESTABLISHMENT_2024)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: Usage(10**12, 10**12 - 10**8, 10**8))
    with pytest.raises(containers.ContainerError) as caught:
        containers.prepare(path, work)
    assert caught.value.message.startswith(
        "espace disque insuffisant pour décompresser « StockEtablissement_utf8.csv » : il faut 0,5 Go, "
        "0,1 Go libres dans"
    )
    assert "TMPDIR" in caught.value.message and list(work.iterdir()) == []  # nothing written
    monkeypatch.undo()
    assert containers.prepare(path, work).description.endswith(
        "dans une archive zip (StockEtablissement_utf8.csv)"
    )
