"""A YAML SafeLoader with bounds: no anchors or aliases, limited nesting and size.

Aliases are how a 400-byte file expands to gigabytes ("billion laughs"); content files never
need them (the exporter writes none), so they are refused outright.
"""

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent

from services.common import limits


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader refusing aliases, anchors, nesting beyond YAML_MAX_DEPTH and big streams."""

    def __init__(self, stream):
        size = len(stream) if isinstance(stream, str | bytes) else 0
        if size > limits.YAML_MAX_BYTES:
            raise yaml.YAMLError(f"file larger than {limits.YAML_MAX_BYTES // 1024} KB")
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise ComposerError(
                None, None, "anchors and aliases (&, *) are not allowed", event.start_mark
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
