"""The app package's two icons, drawn as RGBA pixels and written as PNG with the standard
library (no image library to install): a 192×192 full-colour icon and the 32×32 outline icon
Teams requires to be white on a transparent background."""

from __future__ import annotations

import struct
import zlib

ACCENT = (0x1F, 0x4E, 0x79)  # the manifest's accentColor, #1F4E79
WHITE = (255, 255, 255)
# A 5×7 pixel font, just the letters we draw.
_GLYPHS = {
    "E": ("11111", "10000", "10000", "11110", "10000", "10000", "11111"),
    "D": ("11110", "10001", "10001", "10001", "10001", "10001", "11110"),
    "C": ("01111", "10000", "10000", "10000", "10000", "10000", "01111"),
}

Pixels = list[list[tuple[int, int, int, int]]]


def color_icon(size: int = 192) -> bytes:
    """White "EDC" on a rounded accent-coloured square."""
    pixels = _canvas(size)
    radius = size // 6
    for y in range(size):
        for x in range(size):
            if _inside_rounded(x, y, size, radius):
                pixels[y][x] = (*ACCENT, 255)
    _text(pixels, "EDC", scale=size // 24, color=WHITE)
    return png(pixels)


def outline_icon(size: int = 32) -> bytes:
    """A white rounded frame with a white "E", everything else fully transparent."""
    pixels = _canvas(size)
    radius = size // 5
    for y in range(size):
        for x in range(size):
            outer = _inside_rounded(x, y, size, radius)
            inner = _inside_rounded(x - 2, y - 2, size - 4, radius - 2)
            if outer and not inner:
                pixels[y][x] = (*WHITE, 255)
    _text(pixels, "E", scale=size // 10, color=WHITE)
    return png(pixels)


def png(pixels: Pixels) -> bytes:
    """RGBA rows → a PNG file (colour type 6, 8 bits, no filtering)."""
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _canvas(size: int) -> Pixels:
    return [[(0, 0, 0, 0)] * size for _ in range(size)]


def _inside_rounded(x: int, y: int, size: int, radius: int) -> bool:
    if not (0 <= x < size and 0 <= y < size):
        return False
    cx = min(max(x, radius), size - 1 - radius)
    cy = min(max(y, radius), size - 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def _text(pixels: Pixels, text: str, *, scale: int, color: tuple[int, int, int]) -> None:
    size = len(pixels)
    width = (len(text) * 6 - 1) * scale
    left, top = (size - width) // 2, (size - 7 * scale) // 2
    for i, letter in enumerate(text):
        for row, bits in enumerate(_GLYPHS[letter]):
            for col, bit in enumerate(bits):
                if bit == "1":
                    for dy in range(scale):
                        for dx in range(scale):
                            x, y = left + (i * 6 + col) * scale + dx, top + row * scale + dy
                            pixels[y][x] = (*color, 255)
