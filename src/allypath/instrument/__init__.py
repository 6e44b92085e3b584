"""Item bank and versioned instrument definitions, with their loader and validator."""

from allypath.instrument.definition import (
    CONSTRUCT_KINDS,
    SCORED_KINDS,
    Column,
    Construct,
    Instrument,
    Item,
    Option,
    Scale,
)
from allypath.instrument.loader import DEFAULT_INSTRUMENT, load_instrument, validate_instrument_file

__all__ = [
    "CONSTRUCT_KINDS",
    "DEFAULT_INSTRUMENT",
    "SCORED_KINDS",
    "Column",
    "Construct",
    "Instrument",
    "Item",
    "Option",
    "Scale",
    "load_instrument",
    "validate_instrument_file",
]
