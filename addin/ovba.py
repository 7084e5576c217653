"""A VBA project written source-only ([MS-OVBA]), for the add-in's xl/vbaProject.bin.

Why source-only: a project carries each module's source and, optionally, compiled p-code and a performance cache.
Excel recompiles from source when `_VBA_PROJECT.Version` is 0xFFFF ("MUST be 0xFFFF on write", MS-OVBA 2.3.4.1,
and "the version number MUST be set to 0xFFFF so that performance caches are ignored", 1.6). Writing no p-code at
all means nothing stale can disagree with the source, so scanners see no "VBA stomping" (source and p-code that
differ, a malware trick). xlwings' own released templates carry modules exactly like this (MODULEOFFSET 0).

Pieces, each from the spec section named:
- compress / decompress: the RLE-LZ77 of 2.4.1 (4096-byte chunks, copy tokens whose offset/length split depends
  on the position in the chunk);
- encrypt / decrypt: the Data Encryption of 2.4.3, used for the PROJECT stream's CMG, DPB and GC lines;
- the `dir` stream records of 2.3.4.2 (project information, references, modules);
- the PROJECT (2.3.1) and PROJECTwm (2.3.3) streams, and `_VBA_PROJECT` (2.3.4.1).
"""

from __future__ import annotations

import random
import struct
import uuid
from dataclasses import dataclass

from . import cfb

CHUNK = 4096
CODE_PAGE = 1252
ENCODING = "cp1252"
LCID_EN_US = 0x0409

# The references an Excel add-in's project carries besides the built-in VBA and Excel libraries: OLE Automation and
# the Office library, which defines IRibbonControl (the ribbon callback's argument type). The libid strings are the
# ones Excel writes ([MS-OVBA] 2.1.1.8 LibidReference); Excel resolves them by GUID and version on Windows and Mac.
REFERENCES = (
    ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"),
    ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\\Program Files\\Common Files\\Microsoft Shared"
               "\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library"),
)
HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
# VB_Base of a document module for the workbook and for a worksheet, and of a class module (MS-OVBA 2.3.1.x and
# what Excel writes); Excel links document modules to the workbook.xml codeName attributes by name.
BASE_WORKBOOK = "0{00020819-0000-0000-C000-000000000046}"
BASE_WORKSHEET = "0{00020820-0000-0000-C000-000000000046}"
BASE_CLASS = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"


# --- 2.4.1 compression ------------------------------------------------------------------------------------------
def _split(position: int) -> tuple[int, int]:
    """(bit count of the offset, maximum length) for a copy token at `position` bytes into a chunk (2.4.1.3.19.1)."""
    bit_count = 4
    while (1 << bit_count) < position:
        bit_count += 1
    return bit_count, (0xFFFF >> bit_count) + 3


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    position = 0
    heads: dict[bytes, list[int]] = {}
    while position < len(chunk):
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if position >= len(chunk):
                break
            bit_count, max_length = _split(position)
            best_length, best_offset = 0, 0
            key = chunk[position:position + 3]
            if len(key) == 3:
                limit = min(max_length, len(chunk) - position)
                for candidate in reversed(heads.get(key, [])[-256:]):
                    length = 3
                    while length < limit and chunk[candidate + length] == chunk[position + length]:
                        length += 1
                    if length > best_length:
                        best_length, best_offset = length, position - candidate
                        if length == limit:
                            break
            if best_length >= 3:
                token = ((best_offset - 1) << (16 - bit_count)) | (best_length - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_length
            else:
                out.append(chunk[position])
                step = 1
            for p in range(position, position + step):
                if p + 3 <= len(chunk):
                    heads.setdefault(chunk[p:p + 3], []).append(p)
            position += step
        out[flag_index] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer (2.4.1.1): signature 0x01, then one chunk per 4096 bytes of input."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= CHUNK:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
        else:  # incompressible: a raw chunk holds exactly 4096 bytes (2.4.1.3.10 pads the last one)
            out += struct.pack("<H", 0x3000 | (CHUNK + 2 - 3)) + chunk + b"\0" * (CHUNK - len(chunk))
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """The inverse of `compress`, for any conforming container (2.4.1.3.1)."""
    if not data or data[0] != 0x01:
        raise ValueError("not a compressed VBA container (signature byte is not 0x01)")
    out = bytearray()
    position = 1
    while position < len(data):
        header = struct.unpack_from("<H", data, position)[0]
        size = (header & 0x0FFF) + 3
        if ((header >> 12) & 0b111) != 0b011:
            raise ValueError(f"bad chunk signature at byte {position}")
        end = min(position + size, len(data))
        position += 2
        chunk_start = len(out)
        if not header & 0x8000:
            out += data[position:position + CHUNK]
            position += CHUNK
            continue
        while position < end:
            flags = data[position]
            position += 1
            for bit in range(8):
                if position >= end:
                    break
                if flags & (1 << bit):
                    token = struct.unpack_from("<H", data, position)[0]
                    position += 2
                    bit_count, _ = _split(len(out) - chunk_start)
                    length = (token & (0xFFFF >> bit_count)) + 3
                    offset = (token >> (16 - bit_count)) + 1
                    for _ in range(length):
                        out.append(out[-offset])
                else:
                    out.append(data[position])
                    position += 1
    return bytes(out)


# --- 2.4.3 data encryption (CMG, DPB, GC) ------------------------------------------------------------------------
def encrypt(project_id: str, data: bytes, seed: int | None = None) -> bytes:
    """Obfuscate `data` as 2.4.3.2 says: the project key is the byte sum of the project id string. The random
    bytes come from `seed` when one is given (reproducible builds), else from the system."""
    rng = random.Random(seed) if seed is not None else random.SystemRandom()
    seed = rng.randrange(256)
    version = 2
    project_key = sum(project_id.encode(ENCODING)) & 0xFF
    version_enc = seed ^ version
    project_key_enc = seed ^ project_key
    unencrypted_1, encrypted_1, encrypted_2 = project_key, project_key_enc, version_enc
    out = bytearray([seed, version_enc, project_key_enc])
    ignored = [rng.randrange(256) for _ in range((seed & 6) // 2)]
    for byte in ignored + list(struct.pack("<I", len(data))) + list(data):
        byte_enc = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(byte_enc)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte_enc, byte
    return bytes(out)


def decrypt(encrypted: bytes) -> bytes:
    """The data `encrypt` obfuscated (2.4.3.3)."""
    seed, version_enc, project_key_enc = encrypted[0], encrypted[1], encrypted[2]
    if seed ^ version_enc != 2:
        raise ValueError("not VBA Data Encryption version 2")
    project_key = seed ^ project_key_enc
    unencrypted_1, encrypted_1, encrypted_2 = project_key, project_key_enc, version_enc
    plain = bytearray()
    for byte_enc in encrypted[3:]:
        byte = byte_enc ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        plain.append(byte)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack_from("<I", plain, ignored)[0]
    return bytes(plain[ignored + 4:ignored + 4 + length])


# --- modules ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Module:
    """One module as stored: its name, kind ("standard", "class" or "document") and source text, Attribute lines
    included, exactly as an exported .bas file holds it."""

    name: str
    kind: str
    source: str

    def stored(self) -> bytes:
        """The source as the module stream holds it: CRLF line ends, the project's code page."""
        text = self.source.replace("\r\n", "\n").replace("\n", "\r\n")
        return text.encode(ENCODING)


def document_module(name: str, base: str) -> Module:
    """A document module (ThisWorkbook, a sheet) with the attributes Excel gives an empty one."""
    lines = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"',
             "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
             "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
             "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
    return Module(name, "document", "\r\n".join(lines) + "\r\n")


def class_module(exported: str) -> Module:
    """A class module from its exported .cls text: the VERSION/BEGIN..END header is a file-format wrapper the
    VBA editor drops on import, and it adds VB_Base, VB_TemplateDerived and VB_Customizable after the standard
    attributes (as Excel stores a class)."""
    lines = exported.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        end = lines.index("END")
        lines = lines[end + 1:]
    attributes, body = [], []
    for index, line in enumerate(lines):
        if line.startswith("Attribute VB_"):
            attributes.append(line)
        else:
            body = lines[index:]
            break
    name = attributes[0].split("=", 1)[1].strip().strip('"')
    standard = [a for a in attributes if a.split("=")[0].strip() in (
        "Attribute VB_GlobalNameSpace", "Attribute VB_Creatable", "Attribute VB_PredeclaredId",
        "Attribute VB_Exposed")]
    others = [a for a in attributes[1:] if a not in standard]
    stored = ([attributes[0], f'Attribute VB_Base = "{BASE_CLASS}"'] + standard +
              ["Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False"] + others + body)
    return Module(name, "class", "\r\n".join(stored))


# --- the dir stream (2.3.4.2) -------------------------------------------------------------------------------------
def _record(record_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(payload)) + payload


def _text(record_id: int, unicode_id: int, text: str) -> bytes:
    return _record(record_id, text.encode(ENCODING)) + _record(unicode_id, text.encode("utf-16-le"))


def dir_stream(project_name: str, modules: list[Module]) -> bytes:
    """The decompressed `dir` stream: project information, references, then one record set per module."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND: 32-bit Windows, as Excel and xlwings write
    out += _record(0x0002, struct.pack("<I", LCID_EN_US))  # PROJECTLCID
    out += _record(0x0014, struct.pack("<I", LCID_EN_US))  # PROJECTLCIDINVOKE
    out += _record(0x0003, struct.pack("<H", CODE_PAGE))  # PROJECTCODEPAGE
    out += _record(0x0004, project_name.encode(ENCODING))  # PROJECTNAME
    out += _text(0x0005, 0x0040, "")  # PROJECTDOCSTRING
    out += _text(0x0006, 0x003D, "")  # PROJECTHELPFILEPATH (path 1, then path 2)
    out += _record(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION: Reserved (4), major, minor
    out += _text(0x000C, 0x003C, "")  # PROJECTCONSTANTS
    for name, libid in REFERENCES:
        out += _text(0x0016, 0x003E, name)  # REFERENCENAME
        encoded = libid.encode(ENCODING)
        out += _record(0x000D, struct.pack("<I", len(encoded)) + encoded + struct.pack("<IH", 0, 0))
    out += _record(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        out += _text(0x0019, 0x0047, module.name)  # MODULENAME (+ unicode)
        out += _text(0x001A, 0x0032, module.name)  # MODULESTREAMNAME (+ unicode)
        out += _text(0x001C, 0x0048, "")  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: the source starts the stream, no p-code
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += _record(0x0021 if module.kind == "standard" else 0x0022, b"")  # MODULETYPE
        out += _record(0x002B, b"")  # terminator
    out += _record(0x0010, b"")  # end of the dir stream
    return bytes(out)


def project_stream(project_id: str, project_name: str, modules: list[Module], seed: int | None = None) -> bytes:
    """The PROJECT stream (2.3.1): which module is which kind, the name, and the unprotected, visible state."""
    lines = [f'ID="{project_id}"']
    for module in modules:
        if module.kind == "document":
            lines.append(f"Document={module.name}/&H00000000")
        elif module.kind == "class":
            lines.append(f"Class={module.name}")
        else:
            lines.append(f"Module={module.name}")
    lines += [f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{encrypt(project_id, bytes(4), seed).hex().upper()}"',  # not protected
              f'DPB="{encrypt(project_id, bytes(1), seed).hex().upper()}"',  # no password
              f'GC="{encrypt(project_id, bytes([0xFF]), seed).hex().upper()}"',  # visible
              "", "[Host Extender Info]", HOST_EXTENDER, ""]
    return ("\r\n".join(lines) + "\r\n").encode(ENCODING)


def project_wm(modules: list[Module]) -> bytes:
    """PROJECTwm (2.3.3): each module name in the code page and in UTF-16, then a 0x0000 terminator."""
    out = bytearray()
    for module in modules:
        out += module.name.encode(ENCODING) + b"\0" + module.name.encode("utf-16-le") + b"\0\0"
    return bytes(out + b"\0\0")


def vba_project_bin(project_name: str, modules: list[Module], project_id: str | None = None,
                    seed: int | None = None) -> bytes:
    """The whole vbaProject.bin: a compound file with PROJECT, PROJECTwm and the VBA storage."""
    names = [m.name.casefold() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError("two modules share a name")
    project_id = project_id or "{" + str(uuid.uuid4()).upper() + "}"
    vba = {"_VBA_PROJECT": bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x01, 0x00]),  # Version 0xFFFF, no cache
           "dir": compress(dir_stream(project_name, modules))}
    for module in modules:
        vba[module.name] = compress(module.stored())
    return cfb.build({"PROJECT": project_stream(project_id, project_name, modules, seed),
                      "PROJECTwm": project_wm(modules), "VBA": vba})
