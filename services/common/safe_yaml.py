"""A YAML SafeLoader with bounds: no anchored lists or mappings, few aliases, limited nesting
and size.

Aliases of lists and mappings are how a 400-byte file expands to gigabytes ("billion laughs"),
so an anchor is allowed on a plain value only (PyYAML itself writes `&id001` when the same date
appears twice), and a file may hold at most YAML_MAX_ALIASES aliases.
"""

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent, CollectionStartEvent

from services.common import limits


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader refusing anchored collections, many aliases, deep nesting and big streams."""

    def __init__(self, stream):
        size = len(stream) if isinstance(stream, str | bytes) else 0
        if size > limits.YAML_MAX_BYTES:
            raise yaml.YAMLError(f"file larger than {limits.YAML_MAX_BYTES // 1024} KB")
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, CollectionStartEvent) and event.anchor:
            raise ComposerError(
                None, None, "anchors (&) on lists or mappings are not allowed", event.start_mark
            )
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > limits.YAML_MAX_ALIASES:
                raise ComposerError(
                    None, None, f"more than {limits.YAML_MAX_ALIASES} aliases (*)", event.start_mark
                )
        self._depth += 1
        try:
            if self._depth > limits.YAML_MAX_DEPTH:
                raise ComposerError(
                    None, None, f"nested deeper than {limits.YAML_MAX_DEPTH}", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
