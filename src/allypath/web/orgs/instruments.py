"""Which instrument a wave uses: the packaged instrument, by id and version, in a form and languages."""

from __future__ import annotations

from allypath.instrument import Instrument, load_instrument

__all__ = ["available_instrument", "check_wave_instrument", "wave_instrument"]


def available_instrument() -> Instrument:
    """The instrument this installation serves (the packaged, validated one)."""
    return load_instrument()


def check_wave_instrument(
    instrument_id: str, version: str, form: str, languages: object
) -> tuple[str, str] | None:
    """(field, problem) when a wave's instrument settings cannot be served, else None."""
    inst = available_instrument()
    if (instrument_id, version) != (inst.id, inst.version):
        return "instrument_version", (
            f"instrument {instrument_id} {version} is not installed; this server has {inst.id} {inst.version}"
        )
    if form not in ("full", "short"):
        return "form", "the form is full or short"
    if not isinstance(languages, list) or not languages:
        return "languages", "choose at least one language"
    unknown = [lang for lang in languages if lang not in inst.languages]
    if unknown:
        return (
            "languages",
            f"{', '.join(map(str, unknown))} not offered; the instrument has {', '.join(inst.languages)}",
        )
    return None


def wave_instrument(instrument_id: str, version: str) -> Instrument:
    """The full instrument a launched wave was frozen with; refuses to serve another version."""
    inst = available_instrument()
    if (instrument_id, version) != (inst.id, inst.version):
        from allypath.errors import ConfigurationError

        raise ConfigurationError(
            f"the wave uses instrument {instrument_id} {version} but this server has {inst.id} {inst.version}"
        )
    return inst
