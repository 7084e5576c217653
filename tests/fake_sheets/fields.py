"""Field masks ("fields=" on reads, "fields" in update requests): 'a.b,c(d,e)', 'a/b', '*'."""

from __future__ import annotations


def parse_mask(text: str) -> dict:
    """The mask as a tree of dicts; an empty dict means "this whole field"."""
    tree: dict = {}
    pos = 0

    def parse_list(node: dict, closing: str | None) -> None:
        nonlocal pos
        while pos < len(text):
            parse_path(node)
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            if closing and pos < len(text) and text[pos] == closing:
                pos += 1
                return
            if pos < len(text) and text[pos] != ",":
                raise ValueError(f"bad field mask {text!r} at {pos}")

    def parse_path(node: dict) -> None:
        nonlocal pos
        while True:
            start = pos
            while pos < len(text) and text[pos] not in ".,/()":
                pos += 1
            name = text[start:pos].strip()
            if not name:
                raise ValueError(f"bad field mask {text!r}")
            child = node.setdefault(name, {})
            if pos < len(text) and text[pos] in "./":
                pos += 1
                node = child
                continue
            if pos < len(text) and text[pos] == "(":
                pos += 1
                parse_list(child, ")")
            return

    if text.strip():
        parse_list(tree, None)
    return tree


def apply_mask(value, tree: dict):
    if not tree or "*" in tree and len(tree) == 1:
        return value
    if isinstance(value, list):
        return [apply_mask(v, tree) for v in value]
    if isinstance(value, dict):
        return {k: apply_mask(v, tree[k] if k in tree else {}) for k, v in value.items() if k in tree or "*" in tree}
    return value


def trim_grid(resource: dict) -> dict:
    """After masking, rows of cells lose trailing empty cells and trailing empty rows, as Google's answers do."""
    for sheet in resource.get("sheets", []):
        for data in sheet.get("data", []) or []:
            rows = data.get("rowData")
            if rows is None:
                continue
            for row in rows:
                values = row.get("values")
                if values is None:
                    continue
                while values and not values[-1]:
                    values.pop()
                if not values:
                    del row["values"]
            while rows and not rows[-1]:
                rows.pop()
            if not rows:
                del data["rowData"]
    return resource
