"""What a source file really is, whatever its name says, and which encoding its text is in.

A file named `.csv` may be a workbook, an old `.xls`, a web page saved from a browser, UTF-16 text (Excel's "Unicode
Text"), or text in the code page of the Windows machine that wrote it. `what_is` reads the first bytes (magic
numbers, byte-order marks, the pattern of NUL bytes UTF-16 leaves); `scan` reads the whole file once for its
checksum and for what the loader must know before DuckDB reads it (non-ASCII bytes, control bytes, quotes, spaces,
line count); `decode_legacy` reads text that is not UTF-8 line by line, so one line saved in another encoding does
not turn every accent of the file into mojibake, and chooses between Windows-1252 and Windows-1250 by which one
gives letters that fit where they stand (`Bihać`, not `Bihaæ`; `Genève`, not `Genčve`).
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 1 << 22
# Bytes a plain CSV is made of; anything else is non-ASCII or a control byte.
_PLAIN = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_HIGH = bytes(range(0x80, 0x100))
_LOW = bytes(range(0x80))
# The code pages Excel writes "CSV" in on Windows in the network's regions that use the Latin alphabet.
LEGACY_ENCODINGS = ("cp1252", "cp1250", "cp1251", "cp1256")
# The code pages of other scripts: a file in one of them reads as words of that script alone.
SCRIPT_ENCODINGS = {"cp1251": ("\u0400", "\u04ff"), "cp1256": ("\u0600", "\u06ff")}  # Cyrillic, Arabic
ENCODING_NAMES = {"cp1252": "Windows-1252 (Western European)", "cp1250": "Windows-1250 (Central European)",
                  "cp1251": "Windows-1251 (Cyrillic)", "cp1256": "Windows-1256 (Arabic)",
                  "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "utf-32": "UTF-32"}


@dataclass(frozen=True)
class Kind:
    """What the first bytes say a file is: `text` (with the encoding a BOM or NUL pattern fixes, if any) or not."""

    kind: str  # text, empty, xlsx, xls, ods, zip, parquet, html, pdf, spreadsheet-xml
    encoding: str | None = None

    def refusal(self, path: Path) -> str | None:
        """What to tell the person when a file given as delimited text is something else; None for text."""
        stem = path.stem
        return {
            "xlsx": f"is an Excel workbook (.xlsx) saved under a .{_suffix(path)} name; rename it {stem}.xlsx",
            "xls": "is an old Excel 97-2003 workbook (.xls), or a password-protected one; open it in Excel and save "
                   "it as Excel Workbook (.xlsx) without a password",
            "ods": "is an OpenDocument spreadsheet (.ods); save it as Excel Workbook (.xlsx) or CSV UTF-8",
            "zip": "is a zip archive, not CSV; unpack it and use the files inside",
            "parquet": f"is a Parquet file saved under a .{_suffix(path)} name; rename it {stem}.parquet",
            "html": "is a web page (HTML), not CSV, as a browser saves a page; download or export the data itself "
                    "as CSV or Excel Workbook (.xlsx)",
            "pdf": "is a PDF document, not data; export the table as CSV or Excel Workbook (.xlsx)",
            "spreadsheet-xml": "is an Excel 2003 XML spreadsheet; open it in Excel and save it as Excel Workbook "
                               "(.xlsx)",
        }.get(self.kind)


def _suffix(path: Path) -> str:
    return path.suffix.lower().lstrip(".") or "csv"


def what_is(path: Path) -> Kind:
    """Identify a file by its first bytes: magic numbers, byte-order marks, NUL patterns, markup."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        return Kind("empty")
    if head.startswith(b"PK\x03\x04"):
        return Kind(_zip_kind(path))
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Kind("xls")  # OLE2: .xls, or an encrypted .xlsx, which Excel wraps the same way
    if head.startswith(b"PAR1"):
        return Kind("parquet")
    if head.startswith(b"%PDF"):
        return Kind("pdf")
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return Kind("text", encoding)
    # UTF-16 without a BOM: ASCII text leaves a NUL in every other byte.
    sample = head[: len(head) - len(head) % 2]
    if sample and sample.count(0) * 3 >= len(sample):
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        if odd * 4 >= len(sample) // 2 * 3:
            return Kind("text", "utf-16-le")
        if even * 4 >= len(sample) // 2 * 3:
            return Kind("text", "utf-16-be")
    markup = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if markup.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<meta")):
        return Kind("html")
    if markup.startswith(b"<?xml"):
        return Kind("spreadsheet-xml" if b"office:spreadsheet" in markup else "html" if b"<html" in markup
                    else "text")
    return Kind("text")


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return "zip"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    return "zip"


@dataclass
class Scan:
    """What one pass over a file's bytes found (`scan`)."""

    sha256: str
    size: int
    non_ascii: bool = False
    control_bytes: set[int] = field(default_factory=set)
    has_quote: bool = False
    has_space: bool = False
    lines: int = 0  # physical lines up to the last one holding anything (blank lines at the end do not count)
    invisible: bool = False  # UTF-8 bytes of a zero-width character, a BOM past the start, or a Unicode space
    mojibake: bool = False  # UTF-8 bytes of a character mojibake starts with (Ã, Â, Ä, Å, Ð, Ñ, â€)


# The UTF-8 bytes of cells.INVISIBLE and cells.SPACES, and of the first characters of mojibake (`Ã¼`, `â€™`, `Ã©`).
# Searched among the non-ASCII bytes of a chunk only.
_INVISIBLE_BYTES = tuple(ch.encode() for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad\u00a0\u2000\u2001\u2002"
                         "\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000")
_MOJIBAKE_BYTES = (*(ch.encode() for ch in "ÃÂÄÅÐÑ"), "â€".encode())


def scan(path: Path) -> Scan:
    """Read `path` once: its sha256, and the facts about its bytes that decide how it is loaded. Every test here is
    a C-speed pass over the bytes (`translate`, `count`, `in`), so the scan costs a small multiple of hashing the
    file (bench/README.md)."""
    digest = hashlib.sha256()
    found = Scan("", 0)
    tail = b""
    high_tail = b""
    newlines = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            odd = chunk.translate(None, _PLAIN)
            if odd:
                controls = odd.translate(None, _HIGH)
                found.control_bytes |= set(controls)
                if len(controls) < len(odd):
                    found.non_ascii = True
                    # the non-ASCII bytes alone (usually a few) are still whole UTF-8 characters, in order
                    high = odd.translate(None, _LOW)
                    probe = high_tail + high if found.size else high.removeprefix(codecs.BOM_UTF8)
                    found.invisible = found.invisible or any(b in probe for b in _INVISIBLE_BYTES)
                    found.mojibake = found.mojibake or any(b in probe for b in _MOJIBAKE_BYTES)
                    high_tail = high[-3:]
            found.has_quote = found.has_quote or b'"' in chunk
            found.has_space = found.has_space or b" " in chunk
            newlines += chunk.count(b"\n")
            found.size += len(chunk)
            tail = (tail + chunk)[-4096:]
    found.sha256 = digest.hexdigest()
    content = tail.rstrip(b"\r\n")
    trailing = tail[len(content):].count(b"\n")  # 1 for a file ending as usual, more after blank lines
    found.lines = newlines - max(trailing - 1, 0) + (0 if trailing or not tail else 1)
    return found


def is_utf8(path: Path) -> bool:
    """True when the whole file decodes as UTF-8 (read in chunks: the file may be gigabytes)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


@dataclass
class Decoded:
    """Text decoded line by line: the text, the code page of the lines that are not UTF-8, and those lines."""

    text: str
    legacy: str
    legacy_lines: list[tuple[int, str]]  # (line number, the line as read) of lines not in UTF-8
    utf8_lines: int  # lines with non-ASCII characters that are UTF-8


def decode_legacy(data: bytes) -> Decoded:
    """Decode a file that is not all UTF-8, line by line.

    Lines that are valid UTF-8 stay UTF-8; the others are read in the Windows code page that gives the more
    plausible letters (see `pick_encoding`). A file with both kinds has mixed encodings (a line pasted from
    another file); the caller reports the lines that were not UTF-8.
    """
    lines = data.split(b"\n")
    legacy_indexes, utf8_lines = [], 0
    decoded: list[str | None] = []
    for index, line in enumerate(lines):
        if line.isascii():
            decoded.append(line.decode("ascii"))
            continue
        try:
            decoded.append(line.decode("utf-8"))
            utf8_lines += 1
        except UnicodeDecodeError:
            decoded.append(None)
            legacy_indexes.append(index)
    encoding = pick_encoding([lines[i] for i in legacy_indexes])
    for index in legacy_indexes:
        decoded[index] = _decode_with_latin1_gaps(lines[index], encoding)
    return Decoded("\n".join(decoded), encoding,  # type: ignore[arg-type]
                   [(i + 1, decoded[i]) for i in legacy_indexes], utf8_lines)  # type: ignore[misc]


def _decode_with_latin1_gaps(line: bytes, encoding: str) -> str:
    # Windows code pages leave a few bytes undefined; Latin-1 maps every byte (to a control character, which the
    # loader's checks then report).
    try:
        return line.decode(encoding)
    except UnicodeDecodeError:
        return "".join(bytes([b]).decode(encoding, errors="ignore") or chr(b) for b in line)


# Letters as a consonant or a vowel, for judging whether a decoded letter fits between its neighbours.
# Accented vowels that do come before another vowel (Portuguese São, Guimarães; Romanian Brăila, Rădăuți).
_VOWEL_PAIRS = {"ã": "oe", "õ": "e", "ă": "iu"}
_VOWELS = set("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœăąęěőűůĺŕ")


def _is_vowel(ch: str) -> bool:
    return ch.lower() in _VOWELS


def plausibility(text: str) -> int:
    """How well the non-ASCII letters of `text` fit where they stand; higher is more plausible.

    Only the characters on which Windows-1252 and Windows-1250 differ are judged: a symbol inside a word
    (`Gda¹sk` for Gdańsk), a capital after a small letter (`ŁódŸ`), a vowel between two vowels or before one, or a
    consonant between two consonants (`Bihaæ`, `Èapljina`, `Genčve`), an `ñ` not before a vowel or an `ń` before
    one (Spanish and Polish spelling).
    """
    score = 0
    for index, ch in enumerate(text):
        if ch.isascii() or ch not in _DIFFERING:
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        in_word = before.isalpha() or after.isalpha()
        if not ch.isalpha():
            score -= 6 if in_word else 1
            continue
        if ch.isupper() and before.isalpha() and before.islower():
            score -= 4
        if ch in "ñÑ" and not _is_vowel(after):
            score -= 3
        if ch in "ńŃ" and _is_vowel(after):
            score -= 3
        if _is_vowel(ch) and _is_vowel(after) and after.lower() not in _VOWEL_PAIRS.get(ch.lower(), "y"):
            score -= 2  # an accented vowel before a vowel: Èapljina, Panèevo, Pøerov
        if before.isalpha() and after.isalpha():
            same = _is_vowel(before) == _is_vowel(ch) == _is_vowel(after)
            score -= 2 if same else 0
        elif before.isalpha() and not after.isalpha() and _is_vowel(before) and _is_vowel(ch):
            score -= 2  # a word ending in two vowels: Bihaæ, Nikšiæ
        elif before.isalpha() and not after.isalpha() and not _is_vowel(before) and not _is_vowel(ch):
            score -= 1  # a word ending in two consonants: Tromsř
        score += 1 if ch.lower() in _COMMON else 0
    return score


# Characters Windows-1252 and Windows-1250 decode differently, and the letters common in names of places.
_DIFFERING = {bytes([b]).decode(enc, errors="ignore") for b in range(0x80, 0x100) for enc in ("cp1252", "cp1250")
              if bytes([b]).decode("cp1252", errors="ignore") != bytes([b]).decode("cp1250", errors="ignore")} - {""}
SCRIPT_SHARE = 0.9  # of the non-ASCII letters in words of one script, for its code page
_COMMON = set("èàçêñøåæœčćđšžłńśźżřěňůőűăşţ")


def script_share(text: str, first: str, last: str) -> float:
    """The share of the non-ASCII letters of `text` that stand in words written wholly in the script from `first`
    to `last` (a Unicode block) and read as words of it: near 1 for Arabic read as Windows-1256; near 0 for French
    read so ("Rйseau": a Cyrillic letter inside a Latin word). A word whose case turns upper after a lower letter
    is not read as one: Arabic's letters read as Windows-1251 are Cyrillic of both cases ("ЪгшЗд" for عمّان)."""
    letters = in_script = 0
    for word in re.findall(r"[^\W\d_]+", text):
        foreign = sum(not ch.isascii() for ch in word)
        letters += foreign
        mixed = any(a.islower() and b.isupper() for a, b in itertools.pairwise(word))
        if not mixed and all(first <= ch <= last for ch in word):
            in_script += foreign
    return in_script / letters if letters else 0.0


def pick_encoding(lines: list[bytes]) -> str:
    """The Windows code page (of LEGACY_ENCODINGS) whose reading of `lines` is the most plausible; 1252 on a tie.

    Arabic (1256) or Cyrillic (1251) when nearly every non-ASCII letter then stands in a word of that script alone
    (Arabic bytes read as 1250 gave "ÚăřÇä" for عمّان, with no warning); else 1252 or 1250 by the letters' fit.
    """
    if not lines:
        return LEGACY_ENCODINGS[0]
    data = b"\n".join(lines)
    shares = {enc: script_share(_decode_with_latin1_gaps(data, enc), *block) for enc, block in SCRIPT_ENCODINGS.items()}
    best = max(shares, key=shares.__getitem__)
    if shares[best] >= SCRIPT_SHARE:
        return best
    latin = ("cp1252", "cp1250")
    scores = {enc: plausibility(_decode_with_latin1_gaps(data, enc)) for enc in latin}
    return max(latin, key=lambda enc: (scores[enc], enc == latin[0]))
