"""Files for the attachment tests: real bytes of each kind, and where the store keeps them."""

import struct
import zlib
from pathlib import Path

from purchases import filestore

# An ISO media file whose brands say HEIC: recognised, stored, but no browser draws it.
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
HTML_AS_PNG = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def tiny_png(width: int = 2, height: int = 2, square: int = 1) -> bytes:
    """A real PNG that a browser can draw: a blue and red chequerboard of `square`-pixel
    squares."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    def pixel(x: int, y: int) -> bytes:
        return b"\xdc\x26\x26" if (x // square + y // square) % 2 else b"\x25\x63\xeb"

    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def stored_path(uploads_dir: Path, sha256: str) -> Path:
    """Where the default storage keeps a file (the store names it; tests look on the disk)."""
    return uploads_dir / filestore.storage_name(sha256)


def files_on_disk(uploads_dir: Path) -> list[Path]:
    return sorted(path for path in uploads_dir.rglob("*") if path.is_file())
