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


def kinds(html):
    return [(line.kind, line.text) for line in page_text(html).lines]


def test_graphics_are_read_by_their_accessible_name_where_they_show_a_value():
    html = """<body><main><h1>T (MN0001) <img src="s.svg" alt="Starred"></h1>
    <p>Status: <img src="a.svg" alt="Active"></p>
    <p>Completion: <span role="meter" aria-valuetext="Substantial">75%</span></p>
    <p>Ambition: <svg role="img"><title>High</title></svg> <img src="x.svg" alt=""></p>
    <p>Hidden: <img alt="secret" hidden><svg aria-hidden="true"><title>no</title></svg></p>
    <p>Share <a href="/x" aria-label="Share on X"><svg role="img" aria-label="X"></svg></a></p>
    <p><a href="/c/1/"><span role="img" aria-label="Starred commitment">★</span> Title</a></p>
    <p>Done: <progress value="3" max="4" aria-label="Complete">3 of 4</progress></p>
    </main></body>"""
    assert texts(html) == [
        "T (MN0001)",
        "Status: Active",
        "Completion: Substantial",
        "Ambition: High",
        "Hidden:",
        "Share",
        "Starred commitment Title",
        "Done: Complete",
    ]


def test_headings_carry_their_rank_from_the_tag_or_aria_level():
    html = """<body><h1>T (MN0001)</h1><h3>Design</h3><div role="heading" aria-level="4">A</div>
    <span role="heading">B</span><div role="heading" aria-level="٣">C</div><p>text</p></body>"""
    lines = page_text(html).lines
    assert [(line.text, line.kind, line.level) for line in lines] == [
        ("T (MN0001)", "heading", 1),
        ("Design", "heading", 3),
        ("A", "heading", 4),
        ("B", "heading", 2),  # ARIA's default level
        ("C", "heading", 2),  # not an ASCII number: the default
        ("text", "text", 7),
    ]


def test_aria_roles_and_label_output_give_label_and_value_cells():
    html = """<body><div role="row"><span role="rowheader">Status</span>
    <span role="cell">Active</span></div>
    <div><div role="term">Verifiable</div><div role="definition"></div></div>
    <p><label>Completion</label> <output>Complete</output></p></body>"""
    assert kinds(html) == [
        ("label", "Status"),
        ("value", "Active"),
        ("label", "Verifiable"),
        ("value", ""),
        ("label", "Completion"),
        ("value", "Complete"),
    ]


def test_landmarks_and_labelled_regions_break_sections_and_the_page_footer_ends_the_page():
    html = """<body><main><h1>T (MN0001)</h1><p>one</p><aside><p>side</p></aside>
    <section aria-label="Related"><p>two</p></section><section><p>three</p></section>
    <article><footer><p>article footer</p></footer></article></main>
    <footer><p>Open Government Partnership</p></footer><p>after</p></body>"""
    assert kinds(html)[1:] == [
        ("text", "one"),
        ("break", ""),  # the aside
        ("break", ""),  # a labelled region starts
        ("text", "two"),
        ("break", ""),  # and ends
        ("text", "three"),
        ("break", ""),  # a footer inside an article is that article's
    ]  # outside <main> nothing is read; in the body the page footer would end it
    body = kinds(html.replace("<main>", "<div>").replace("</main>", "</div>"))
    assert body[-2:] == [("end", ""), ("text", "after")]


def test_form_labels_and_hidden_popovers_are_not_content():
    html = """<body><h1>T (MN0001)</h1><div><label>Search for:</label> <input type="search"></div>
    <p><label for="e">Email:</label><input id="e"></p>
    <p><label>Status</label> <output>Active</output></p>
    <div popover>tip</div><p style="display:none">x</p><p style="color: red">shown</p></body>"""
    assert texts(html) == ["T (MN0001)", "Status", "Active", "shown"]


def test_a_line_keeps_its_text_node_boundaries_and_loses_a_glued_info_icon():
    html = """<body><h1>T (MN0001)</h1><h3>Design<span aria-hidden="true">i</span></h3>
    <h3>Implementation ⓘ</h3><p><strong>Status</strong> Active</p><p><a>A</a><a>B</a></p></body>"""
    lines = page_text(html).lines
    assert [line.text for line in lines] == [
        "T (MN0001)",
        "Design",
        "Implementation",
        "Status Active",
        "AB",
    ]
    assert [p for p in lines[3].pieces if p.strip()] == ["Status", " Active"]
    assert [p for p in lines[4].pieces if p] == ["A", "B"]
