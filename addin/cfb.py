"""A writer for Compound File Binary files ([MS-CFB], version 3), the container a vbaProject.bin lives in.

Only what a VBA project needs: a tree of storages and streams written once. Streams under 4096 bytes go to the
mini stream (64-byte sectors), larger ones to 512-byte sectors; one FAT, a mini FAT and the directory describe
them. The siblings under each storage form a red-black tree ordered as [MS-CFB] 2.6.4 says (shorter names first,
then by upper-cased UTF-16 code units). Times and CLSIDs are zero, so the same input gives the same bytes.
Verified in tests by olefile and oletools, two independent readers, and by LibreOffice's VBA import.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
ENTRIES_PER_SECTOR = SECTOR // 128
IDS_PER_SECTOR = SECTOR // 4
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
HEADER_DIFAT_SLOTS = 109
TYPE_STORAGE, TYPE_STREAM, TYPE_ROOT = 1, 2, 5
RED, BLACK = 0, 1


@dataclass
class Node:
    name: str
    data: bytes | None = None  # None for a storage
    children: list["Node"] = field(default_factory=list)

    @property
    def is_storage(self) -> bool:
        return self.data is None


def sort_key(name: str) -> tuple[int, list[int]]:
    """[MS-CFB] 2.6.4: compare lengths first, then the upper-cased names code unit by code unit."""
    units = name.upper().encode("utf-16-le")
    return (len(units) // 2, list(struct.unpack(f"<{len(units) // 2}H", units)))


def build(tree: dict[str, object]) -> bytes:
    """The compound file for a nested dict: a str key maps to bytes (a stream) or to a dict (a storage)."""
    root = Node("Root Entry", None, _nodes(tree))
    return _Writer(root).write()


def _nodes(tree: dict[str, object]) -> list[Node]:
    nodes = []
    for name, value in tree.items():
        if len(name) > 31:
            raise ValueError(f"compound file names have at most 31 characters: {name!r}")
        if isinstance(value, dict):
            nodes.append(Node(name, None, _nodes(value)))
        else:
            nodes.append(Node(name, bytes(value)))  # type: ignore[arg-type]
    return nodes


class _Writer:
    def __init__(self, root: Node) -> None:
        self.root = root
        self.entries: list[Node] = []
        self.links: dict[int, tuple[int, int, int, int]] = {}  # id -> (left, right, child, color)
        self._number(root)

    def _number(self, node: Node) -> int:
        index = len(self.entries)
        self.entries.append(node)
        self.links[index] = (NOSTREAM, NOSTREAM, NOSTREAM, BLACK)
        if node.is_storage:
            ids = [self._number(child) for child in node.children]
            ordered = sorted(ids, key=lambda i: sort_key(self.entries[i].name))
            names = [self.entries[i].name.upper() for i in ordered]
            if len(set(names)) != len(names):
                raise ValueError(f"duplicate names under {node.name!r}")
            child = self._tree(ordered, 0, self._depth_limit(len(ordered)))
            left, right, _, color = self.links[index]
            self.links[index] = (left, right, child, color)
        return index

    @staticmethod
    def _depth_limit(count: int) -> int:
        """The deepest level a balanced tree of `count` nodes fills completely (0-based; -1 for none)."""
        height = count.bit_length() - 1  # depth of the deepest nodes
        perfect = (count + 1) & count == 0
        return height if perfect else height - 1

    def _tree(self, ids: list[int], depth: int, complete: int) -> int:
        """A balanced binary search tree over sorted ids; the nodes below the last complete level are red, which
        keeps every path's count of black nodes equal (a valid red-black tree)."""
        if not ids:
            return NOSTREAM
        middle = len(ids) // 2
        node = ids[middle]
        left = self._tree(ids[:middle], depth + 1, complete)
        right = self._tree(ids[middle + 1:], depth + 1, complete)
        _, _, child, _ = self.links[node]
        self.links[node] = (left, right, child, RED if depth > complete else BLACK)
        return node

    def write(self) -> bytes:
        streams = [i for i, n in enumerate(self.entries) if not n.is_storage]
        mini = [i for i in streams if len(self.entries[i].data or b"") < MINI_CUTOFF]
        big = [i for i in streams if i not in mini]

        # the mini stream: small streams in 64-byte sectors, chained by the mini FAT
        mini_stream = bytearray()
        mini_fat: list[int] = []
        starts: dict[int, int] = {}
        for i in mini:
            data = self.entries[i].data or b""
            if not data:
                starts[i] = ENDOFCHAIN
                continue
            count = -(-len(data) // MINI_SECTOR)
            first = len(mini_fat)
            starts[i] = first
            mini_fat.extend(range(first + 1, first + count))
            mini_fat.append(ENDOFCHAIN)
            mini_stream += data + b"\0" * (count * MINI_SECTOR - len(data))

        # sector plan: FAT, mini FAT, directory, mini stream, big streams
        def sectors(size: int) -> int:
            return -(-size // SECTOR)

        mini_fat_sectors = sectors(len(mini_fat) * 4)
        directory_sectors = sectors(len(self.entries) * 128)
        mini_stream_sectors = sectors(len(mini_stream))
        big_sectors = [sectors(len(self.entries[i].data or b"")) for i in big]
        payload = mini_fat_sectors + directory_sectors + mini_stream_sectors + sum(big_sectors)
        fat_sectors = 1
        while fat_sectors * IDS_PER_SECTOR < payload + fat_sectors:
            fat_sectors += 1
        if fat_sectors > HEADER_DIFAT_SLOTS:
            raise ValueError("compound file too large for this writer (it writes no DIFAT sectors)")

        fat: list[int] = [FATSECT] * fat_sectors
        next_sector = fat_sectors

        def chain(count: int) -> int:
            nonlocal next_sector
            if count == 0:
                return ENDOFCHAIN
            first = next_sector
            fat.extend(range(first + 1, first + count))
            fat.append(ENDOFCHAIN)
            next_sector += count
            return first

        mini_fat_start = chain(mini_fat_sectors)
        directory_start = chain(directory_sectors)
        mini_stream_start = chain(mini_stream_sectors)
        for i, count in zip(big, big_sectors):
            starts[i] = chain(count)
        fat.extend([FREESECT] * (fat_sectors * IDS_PER_SECTOR - len(fat)))

        header = bytearray(SECTOR)
        struct.pack_into("<8s16sHHHHH6sIIIIIIIII", header, 0, SIGNATURE, b"\0" * 16, 0x003E, 0x0003, 0xFFFE,
                         9, 6, b"\0" * 6, 0, fat_sectors, directory_start, 0, MINI_CUTOFF,
                         mini_fat_start, mini_fat_sectors, ENDOFCHAIN, 0)
        difat = list(range(fat_sectors)) + [FREESECT] * (HEADER_DIFAT_SLOTS - fat_sectors)
        struct.pack_into(f"<{HEADER_DIFAT_SLOTS}I", header, 76, *difat)

        body = bytearray()
        body += struct.pack(f"<{len(fat)}I", *fat)
        body += _padded(struct.pack(f"<{len(mini_fat)}I", *mini_fat), mini_fat_sectors)
        directory = bytearray()
        for index, node in enumerate(self.entries):
            left, right, child, color = self.links[index]
            if index == 0:
                kind, start, size = TYPE_ROOT, mini_stream_start, len(mini_stream)
            elif node.is_storage:
                kind, start, size = TYPE_STORAGE, 0, 0
            else:
                kind, start, size = TYPE_STREAM, starts[index], len(node.data or b"")
            directory += _entry(node.name, kind, color, left, right, child, start, size)
        while len(directory) < directory_sectors * SECTOR:
            directory += _entry("", 0, RED, NOSTREAM, NOSTREAM, NOSTREAM, 0, 0)
        body += directory
        body += _padded(bytes(mini_stream), mini_stream_sectors)
        for i, count in zip(big, big_sectors):
            body += _padded(self.entries[i].data or b"", count)
        return bytes(header) + bytes(body)


def _padded(data: bytes, sector_count: int) -> bytes:
    return data + b"\0" * (sector_count * SECTOR - len(data))


def _entry(name: str, kind: int, color: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
    encoded = name.encode("utf-16-le")
    name_field = encoded + b"\0" * (64 - len(encoded))
    name_length = len(encoded) + 2 if name else 0
    return struct.pack("<64sHBBIII16sIQQIQ", name_field, name_length, kind, color, left, right, child,
                       b"\0" * 16, 0, 0, 0, start, size)
