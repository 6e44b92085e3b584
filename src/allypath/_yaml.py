"""YAML that refuses a key given twice in one mapping, for every file a person writes by hand.

PyYAML keeps the last of two equal keys without a word: a mapping with ``Disagree: 2`` and, further
down, ``Disagree: 4`` imported every "Disagree" as 4, and an instrument with ``scale:`` twice passed
its check. Keys equal by value clash too (``1`` and ``1.0``). The error carries the line of the
second key, which the callers put in their messages.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode

__all__ = ["UniqueKeyLoader"]


class UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that raises on a key given twice in one mapping."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # ``<<`` merges another mapping in; its keys may repeat by design
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # an unhashable key: SafeLoader's own error names it
            if first is not None:
                raise ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"the key {key!r} is given twice (first on line {first + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)
