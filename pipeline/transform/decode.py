"""Page bytes to text the way a browser decodes them (the WHATWG Encoding Standard, reduced to
what a commitment page can carry): a byte order mark first, then the HTTP charset, then a
``<meta charset>`` or ``http-equiv`` declaration in the first 1024 bytes, else UTF-8 with
replacement characters. Labels map to encodings as browsers map them: ``iso-8859-1``,
``latin1`` and ``ascii`` all mean windows-1252. Pure: no I/O.
"""

from __future__ import annotations

import codecs
import re

_PRESCAN_BYTES = 1024  # the Encoding Standard's prescan window for <meta>
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
# WHATWG label -> Python codec. Labels not listed are ignored, as a browser ignores them.
_LABELS: dict[str, str] = {}
for _codec, _labels in {
    "utf-8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "windows-1252": (
        "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 "
        "iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252"
    ),
    "utf-16-le": "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le",
    "utf-16-be": "unicodefffe utf-16be",
    "iso-8859-2": "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 l2 latin2",
    "iso-8859-15": "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9 latin9",
    "cp1250": "cp1250 windows-1250 x-cp1250",
    "cp1251": "cp1251 windows-1251 x-cp1251",
    "cp1253": "cp1253 windows-1253 x-cp1253",
    "cp1254": "cp1254 csisolatin5 iso-8859-9 iso8859-9 iso88599 l5 latin5 windows-1254",
    "cp1256": "cp1256 windows-1256 x-cp1256",
    "koi8-r": "cskoi8r koi koi8 koi8-r koi8_r",
    "shift_jis": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "euc_jp": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "gb18030": "gb18030 chinese csgb2312 gb2312 gbk x-gbk",
    "big5": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "euc_kr": "cseuckr csksc56011987 euc-kr korean ks_c_5601-1987 windows-949",
}.items():
    _LABELS.update(dict.fromkeys(_labels.split(), _codec))


def _windows_1252_table() -> str:
    # Python's cp1252 leaves five bytes undefined; the Encoding Standard maps them to the C1
    # control characters of the same number, so every byte decodes.
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


_WINDOWS_1252 = _windows_1252_table()
_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?([^\s"';>]+)""", re.IGNORECASE)
_COMMENT = re.compile(rb"<!--.*?(?:-->|$)", re.DOTALL)
_META = re.compile(rb"<meta(?=[\s/])([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(rb"""([^\s/>=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")


def encoding_for_label(label: str | bytes | None) -> str | None:
    """The codec a browser uses for an encoding label, or None for an unknown label."""
    if label is None:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", errors="replace")
    return _LABELS.get(label.strip().lower())


def _http_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    found = _CHARSET_PARAM.search(content_type.encode("latin-1", errors="replace"))
    return encoding_for_label(found[1]) if found else None


def _meta_charset(head: bytes) -> str | None:
    """The Encoding Standard's prescan, reduced: the first <meta> that names a known
    charset, directly or through http-equiv="Content-Type"."""
    for meta in _META.finditer(_COMMENT.sub(b"", head)):
        attrs: dict[bytes, bytes] = {}
        for name, value in _ATTR.findall(meta[1]):
            attrs.setdefault(name.lower(), value.strip(b"\"'"))
        label = attrs.get(b"charset")
        if label is None and attrs.get(b"http-equiv", b"").lower() == b"content-type":
            found = _CHARSET_PARAM.search(attrs.get(b"content", b""))
            label = found[1] if found else None
        codec = encoding_for_label(label)
        if codec is not None:
            # A page cannot declare itself UTF-16 in ASCII bytes; browsers read it as UTF-8.
            return "utf-8" if codec.startswith("utf-16") else codec
    return None


def sniff_encoding(body: bytes, content_type: str | None = None) -> tuple[str, int]:
    """The codec a browser would use for these bytes, and how many BOM bytes to skip."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec, len(bom)
    found = _http_charset(content_type) or _meta_charset(body[:_PRESCAN_BYTES])
    return found or "utf-8", 0


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Page bytes as text; never raises (undecodable bytes become U+FFFD)."""
    codec, skip = sniff_encoding(body, content_type)
    data = body[skip:] if skip else body
    if codec == "windows-1252":
        return codecs.charmap_decode(data, "strict", _WINDOWS_1252)[0]
    return data.decode(codec, errors="replace")
