"""Item bank and versioned instrument definitions, with their loader and validator."""

from allypath.instrument.definition import (
    CONSTRUCT_KINDS,
    NOT_APPLICABLE,
    SCORED_KINDS,
    Column,
    Construct,
    Instrument,
    Item,
    Option,
    Scale,
)
from allypath.instrument.loader import (
    DEFAULT_INSTRUMENT,
    PACKAGED_INSTRUMENTS,
    instrument_for_columns,
    load_instrument,
    validate_instrument_file,
)

__all__ = [
    "CONSTRUCT_KINDS",
    "DEFAULT_INSTRUMENT",
    "NOT_APPLICABLE",
    "PACKAGED_INSTRUMENTS",
    "SCORED_KINDS",
    "Column",
    "Construct",
    "Instrument",
    "Item",
    "Option",
    "Scale",
    "instrument_for_columns",
    "load_instrument",
    "validate_instrument_file",
]
