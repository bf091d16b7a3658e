"""Page bytes to text as a browser decodes them: BOM, then the HTTP charset, then a
<meta charset> in the first 1024 bytes, then UTF-8 with replacement characters."""

from __future__ import annotations

import codecs

import pytest

from pipeline.transform.decode import decode_html, encoding_for_label, sniff_encoding

TEXT = "Institución líder: Ministerio de Información – “Plan d’action”"


def _page(meta: str, text: str = TEXT, encoding: str = "utf-8") -> bytes:
    html = (
        f"<!DOCTYPE html><html><head>{meta}<title>x</title></head><body><p>{text}</p></body></html>"
    )
    return html.encode(encoding, errors="xmlcharrefreplace")


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("utf-8", "utf-8"),
        (" UTF8 ", "utf-8"),
        ("windows-1252", "windows-1252"),
        ("ISO-8859-1", "windows-1252"),  # browsers read latin-1 declarations as windows-1252
        ("latin1", "windows-1252"),
        ("us-ascii", "windows-1252"),
        ("utf-16", "utf-16-le"),
        ("iso-8859-2", "iso-8859-2"),
        ("no-such-charset", None),
        (None, None),
    ],
)
def test_labels_map_to_encodings_as_in_a_browser(label: str | None, codec: str | None) -> None:
    assert encoding_for_label(label) == codec


def test_a_meta_charset_declares_windows_1252() -> None:
    body = _page('<meta charset="windows-1252">', encoding="cp1252")
    assert body.count(b"\x93") == 1 and b"\xf3" in body  # “ and ó as single bytes
    assert TEXT in decode_html(body)


def test_an_iso_8859_1_declaration_decodes_windows_1252_bytes() -> None:
    body = _page(
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
        encoding="cp1252",
    )
    assert TEXT in decode_html(body)  # 0x93 is “, not an ISO-8859-1 control character


def test_the_http_charset_wins_over_the_page_declaration() -> None:
    body = _page('<meta charset="utf-8">', encoding="cp1252")
    assert TEXT in decode_html(body, "text/html; charset=windows-1252")
    assert TEXT in decode_html(body, 'text/html; charset="Windows-1252"')
    assert TEXT not in decode_html(body)  # the (wrong) meta alone gives UTF-8 replacements


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ],
)
def test_a_byte_order_mark_wins_over_everything(bom: bytes, encoding: str) -> None:
    body = bom + _page('<meta charset="windows-1252">', encoding=encoding)
    codec, skip = sniff_encoding(body, "text/html; charset=windows-1252")
    assert (codec, skip) == (encoding, len(bom))
    text = decode_html(body, "text/html; charset=windows-1252")
    assert TEXT in text and not text.startswith("\ufeff")


def test_a_page_cannot_declare_itself_utf_16_in_ascii() -> None:
    assert sniff_encoding(_page('<meta charset="utf-16">')) == ("utf-8", 0)


def test_declarations_in_comments_or_past_1024_bytes_are_not_read() -> None:
    hidden = _page('<!-- <meta charset="windows-1252"> -->', encoding="utf-8")
    assert sniff_encoding(hidden) == ("utf-8", 0)
    late = b"<html><head>" + b" " * 1100 + b'<meta charset="windows-1252"></head></html>'
    assert sniff_encoding(late) == ("utf-8", 0)


def test_an_unknown_label_falls_through_to_the_next_rule() -> None:
    body = _page('<meta charset="x-klingon"><meta charset="windows-1252">', encoding="cp1252")
    assert sniff_encoding(body, "text/html; charset=bogus")[0] == "windows-1252"


def test_every_byte_decodes_and_nothing_raises() -> None:
    every_byte = bytes(range(256))
    assert len(decode_html(b'<meta charset="windows-1252">' + every_byte)) == 29 + 256
    assert "\ufffd" in decode_html(b"<p>\xff\xfe broken \xc3</p>" + b"\x00")
    assert decode_html(codecs.BOM_UTF16_LE + b"<\x00p\x00>") == "<p\ufffd"  # odd last byte
