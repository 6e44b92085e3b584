"""Uploads that unpack past their bounds are refused before any parser reads them (issue 14, point 7).

The issue's bomb: a 17.7 MB .xlsx holding 209 MB of XML and a million rows, which the HRIS import
read for 9.7 s and +440 MB before refusing it. Bound: refused within 2 s and 100 MB.
"""

from __future__ import annotations

import resource
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from allypath.errors import DataError
from allypath.web.orgs.importing import import_hris_upload
from allypath.web.orgs.models import Employee
from allypath.web.uploads import check_upload

pytestmark = [pytest.mark.db, pytest.mark.django_db]

ROWS = 1_000_000

_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
    'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="people" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>",
}


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write_workbook(path: Path, rows: int) -> Path:
    """An HRIS workbook of ``rows`` people, its sheet streamed into the zip (never held whole)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = "".join(
                _cell(f"{c}1", h)
                for c, h in zip("ABCD", ("employee_id", "unit", "level", "region"), strict=True)
            )
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                b'2006/main"><sheetData><row r="1">' + head.encode() + b"</row>"
            )
            batch = []
            for n in range(2, rows + 2):
                batch.append(
                    f'<row r="{n}">{_cell(f"A{n}", f"E{n:07d}")}{_cell(f"B{n}", f"Sales/Unit{n % 97}")}'
                    f"{_cell(f'C{n}', 'Staff')}{_cell(f'D{n}', 'EMEA')}</row>"
                )
                if len(batch) == 20_000:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            sheet.write("".join(batch).encode() + b"</sheetData></worksheet>")
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(tmp_path_factory.mktemp("bomb") / "people.xlsx", ROWS)


def _chunks(path: Path) -> object:
    with path.open("rb") as handle:
        while piece := handle.read(1 << 16):
            yield piece


def test_the_issues_workbook_bomb_is_refused_within_2_s_and_100_mb(bomb, acme):
    with zipfile.ZipFile(bomb) as archive:
        unpacked = sum(m.file_size for m in archive.infolist())
    size = bomb.stat().st_size
    assert size > 10_000_000 and unpacked > 200_000_000  # the shape of the issue's file
    people_before = Employee.objects.filter(org=acme).count()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(DataError, match="too large once unpacked") as refused:
        import_hris_upload(acme, "people.xlsx", _chunks(bomb))
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    print(
        f"\nbomb: {size / 1e6:.1f} MB file, {unpacked / 1e6:.0f} MB unpacked: refused in {seconds:.2f} s, "
        f"traced peak {peak / 1e6:.1f} MB, RSS high-water +{rss_growth / 1e6:.1f} MB"
    )
    assert seconds < 2.0 and peak < 100e6 and rss_growth < 100e6
    assert refused.value.file == "people.xlsx"
    assert "ALLYPATH_MAX_UNPACKED_BYTES" in str(refused.value)
    assert Employee.objects.filter(org=acme).count() == people_before


def test_declared_sizes_that_lie_are_refused(tmp_path, settings):
    """A forged zip directory (small declared sizes) passes the first check and fails the inflating one."""
    settings.ALLYPATH_MAX_UNPACKED_BYTES = 1_000_000
    path = write_workbook(tmp_path / "forged.xlsx", 30_000)
    with zipfile.ZipFile(path) as archive:
        real = sum(m.file_size for m in archive.infolist())
    assert real > 1_000_000
    data = bytearray(path.read_bytes())
    # rewrite every uncompressed size in the central directory to 1 byte
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        data[offset + 24 : offset + 28] = (1).to_bytes(4, "little")
        offset = data.find(b"PK\x01\x02", offset + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match=r"too large once unpacked|not a readable workbook") as refused:
        check_upload(path, "forged.xlsx")
    assert refused.value.file == "forged.xlsx"


@override_settings(ALLYPATH_MAX_UPLOAD_ROWS=1000)
def test_row_caps_on_workbooks_and_text_files(tmp_path):
    check_upload(write_workbook(tmp_path / "ok.xlsx", 1000), "ok.xlsx")
    with pytest.raises(DataError, match="more than 1,000 rows"):
        check_upload(write_workbook(tmp_path / "big.xlsx", 1001), "big.xlsx")
    lines = ["employee_id,unit"] + [f"E{i},Sales" for i in range(1001)]
    (tmp_path / "big.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match="more than 1,000 rows"):
        check_upload(tmp_path / "big.csv", "big.csv")


def test_the_console_says_so_naming_the_file(client, login, alice, acme, tmp_path, settings):
    settings.ALLYPATH_MAX_UNPACKED_BYTES = 1_000_000
    workbook = write_workbook(tmp_path / "hris.xlsx", 20_000).read_bytes()
    login(alice)
    r = client.post(f"/console/{acme.slug}/import/", {"file": SimpleUploadedFile("hris.xlsx", workbook)})
    html = r.content.decode()
    assert r.status_code == 422 and "hris.xlsx" in html and "too large once unpacked" in html
