"""What the organisations app announces, so that other apps can act without it importing them."""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["wave_closed"]

#: Sent inside the transaction that closes a wave (``wave=``): the survey app scrambles the physical
#: order of its responses then, so that nothing more can be learnt from the order they came in.
wave_closed = Signal()
