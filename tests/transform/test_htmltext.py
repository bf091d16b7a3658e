"""HTML to visible lines: what is content, what ends a line, what a cell holds."""

from pipeline.transform.htmltext import page_text


def texts(html):
    return [line.text for line in page_text(html).lines if line.kind not in ("break", "end")]


def test_hidden_tooltips_controls_and_scripts_are_not_text():
    html = """<html><body><h1>T (MN0001)</h1>
    <div>Design <button aria-label="info">i</button><div role="tooltip">The IRM assesses</div></div>
    <p>Ambition<span hidden>Ambition captures the potential</span> (see definition): High</p>
    <p style="display: none">secret</p><script>var x = "Status: Active";</script></body></html>"""
    assert texts(html) == ["T (MN0001)", "Design", "Ambition (see definition): High"]


def test_site_chrome_is_dropped_but_not_around_the_title():
    html = """<html><body><header><nav><a>Policy Areas</a><a>IRM Review</a></nav></header>
    <header class="entry"><p>Mongolia</p><h1>Title (MN0002)</h1></header>
    <aside><a>Other commitment (MN0003)</a></aside><p>Status: Active</p>
    <footer><p>Open Government Partnership</p></footer></body></html>"""
    assert texts(html) == ["Mongolia", "Title (MN0002)", "Status: Active"]


def test_block_elements_end_lines_inline_ones_do_not():
    html = """<body><div>outer <p>inner <a>link</a><strong>bold</strong></p> tail</div>
    <p>one<br>two</p><div><span>Public Participation</span><span>IRM Review</span></div></body>"""
    lines = page_text(html).lines
    assert [line.text for line in lines] == [
        "outer",
        "inner linkbold",
        "tail",
        "one",
        "two",
        "Public ParticipationIRM Review",
    ]
    assert [line.soft for line in lines][3:5] == [False, True]


def test_cells_know_their_kind_and_empty_value_cells_are_kept():
    html = """<body><dl><dt>Status:</dt><dd></dd><dt>Institutions involved:</dt>
    <dd><ul><li>A</li><li>B</li></ul></dd></dl>
    <table><tr><th>Verifiable</th><td>Yes</td></tr></table></body>"""
    lines = page_text(html).lines
    assert [(line.text, line.kind, line.in_item) for line in lines] == [
        ("Status:", "label", False),
        ("", "value", False),
        ("Institutions involved:", "label", False),
        ("A", "value", True),
        ("B", "value", True),
        ("Verifiable", "label", False),
        ("Yes", "value", False),
    ]
    assert lines[3].group == lines[4].group != lines[1].group


def test_html_between_two_lines_keeps_whole_lists_and_drops_markers():
    doc = page_text(
        "<body><section><h3>Description</h3><p>A <em>b</em></p><ul><li>c</li>"
        "<li>d</li></ul></section><h3>Commitments</h3></body>"
    )
    lines = doc.lines
    assert [line.text for line in lines] == ["Description", "A b", "c", "d", "Commitments"]
    assert doc.html_between(lines[1].block, lines[3].block) == (
        "<p>A <em>b</em></p><ul><li>c</li><li>d</li></ul>"
    )
    assert doc.html_between(lines[1].block, lines[1].block) == "<p>A <em>b</em></p>"
