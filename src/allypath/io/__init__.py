"""Importers and exporters: survey-tool exports in, the wide response format out (docs/architecture.md).

Read any export into a :class:`SourceTable` (original columns, labels, value labels, missing codes),
map it onto the instrument with a reviewed YAML mapping, and write wide CSV/Parquet, SPSS, XLSX and
the codebook::

    from allypath.io import read_any, detect_mapping, save_mapping, apply_mapping, write_wide

    source = read_any("qualtrics_export.csv")
    save_mapping(detect_mapping(source, instrument), "mapping.yaml")  # a person reviews it
    wide = apply_mapping(source, "mapping.yaml")
    write_wide(wide, "responses.parquet")
"""

from allypath.io._source import COLUMN_TYPES, ColumnType, SourceColumn, SourceTable
from allypath.io.apply import apply_mapping
from allypath.io.codebook import codebook_rows, write_codebook
from allypath.io.formats import FORMATS, detect_format, read_any
from allypath.io.googleforms import read_google_forms, split_choices
from allypath.io.hris import HRIS_COLUMNS, HrisTable, read_hris
from allypath.io.limesurvey import read_limesurvey
from allypath.io.mapping import (
    ItemMapping,
    Mapping,
    dump_mapping,
    load_mapping,
    save_mapping,
    value_key,
)
from allypath.io.match import detect_mapping
from allypath.io.qualtrics import read_qualtrics
from allypath.io.spss import read_spss, write_spss
from allypath.io.surveymonkey import read_surveymonkey
from allypath.io.wide import read_csv, read_parquet, read_wide_arrow, write_wide, write_wide_arrow
from allypath.io.xlsx import read_xlsx, write_xlsx

__all__ = [
    "COLUMN_TYPES",
    "FORMATS",
    "HRIS_COLUMNS",
    "ColumnType",
    "HrisTable",
    "ItemMapping",
    "Mapping",
    "SourceColumn",
    "SourceTable",
    "apply_mapping",
    "codebook_rows",
    "detect_format",
    "detect_mapping",
    "dump_mapping",
    "load_mapping",
    "read_any",
    "read_csv",
    "read_google_forms",
    "read_hris",
    "read_limesurvey",
    "read_parquet",
    "read_qualtrics",
    "read_spss",
    "read_surveymonkey",
    "read_wide_arrow",
    "read_xlsx",
    "save_mapping",
    "split_choices",
    "value_key",
    "write_codebook",
    "write_spss",
    "write_wide",
    "write_wide_arrow",
    "write_xlsx",
]
