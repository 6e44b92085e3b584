"""Read a WITHOUT ROWID table's rows straight from an SQLite file's pages, as a host could: where each
row's bytes lie (its page, its place in the page, its first overflow page), never the order SQL gives.

Only what the host tests need: index b-tree pages (kinds 2 and 10, which WITHOUT ROWID tables use),
and a text primary key in the first column (the responses' hex ids). The format:
https://www.sqlite.org/fileformat2.html (b-tree pages, cell payload and overflow).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

INTERIOR, LEAF = 2, 10


@dataclass(frozen=True)
class StoredRow:
    key: str
    page: int
    offset: int  # where its cell starts in the page (cells are written from the page's end down)
    overflow: int  # its first overflow page (0: none)


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for n in range(9):
        byte = data[at + n]
        if n == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + n + 1
    raise AssertionError("unreachable")


def stored_rows(path: Path, table: str) -> list[StoredRow]:
    """Every row of ``table`` (a WITHOUT ROWID table) as its bytes lie in the file at ``path``."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    data = path.read_bytes()
    page_size = int.from_bytes(data[16:18], "big") or 65536
    usable = page_size - data[20]
    most_local = (usable - 12) * 64 // 255 - 23  # index b-tree cells keep at most this much in the page
    least_local = (usable - 12) * 32 // 255 - 23
    rows: list[StoredRow] = []

    def visit(number: int) -> None:
        base = (number - 1) * page_size
        header = base + (100 if number == 1 else 0)
        kind = data[header]
        assert kind in (INTERIOR, LEAF), f"page {number} of {table} is not an index b-tree page"
        cells = int.from_bytes(data[header + 3 : header + 5], "big")
        pointers = header + (12 if kind == INTERIOR else 8)
        for cell in range(cells):
            offset = int.from_bytes(data[pointers + 2 * cell : pointers + 2 * cell + 2], "big")
            at = base + offset
            if kind == INTERIOR:
                visit(int.from_bytes(data[at : at + 4], "big"))
                at += 4
            size, at = _varint(data, at)
            local = size
            if size > most_local:
                local = least_local + (size - least_local) % (usable - 4)
                local = local if local <= most_local else least_local
            payload = data[at : at + local]
            overflow = int.from_bytes(data[at + local : at + local + 4], "big") if size > most_local else 0
            header_size, at_type = _varint(payload, 0)
            serial, _ = _varint(payload, at_type)
            key = payload[header_size : header_size + (serial - 13) // 2].decode()
            rows.append(StoredRow(key, number, offset, overflow))
        if kind == INTERIOR:
            visit(int.from_bytes(data[header + 8 : header + 12], "big"))

    visit(int(root))
    return rows


def physical_order(path: Path, table: str, keys: set[str]) -> list[str]:
    """The rows among ``keys`` in the order their bytes suggest they arrived: by first overflow page
    (appended as rows come), then page, then place in the page (written from the end down)."""
    rows = [r for r in stored_rows(path, table) if r.key in keys]
    assert {r.key for r in rows} == keys, "rows missing from the raw pages"
    return [r.key for r in sorted(rows, key=lambda r: (r.overflow, r.page, -r.offset))]
