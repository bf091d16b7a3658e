"""Value normalisers, checked against values as the reference renderings show them."""

from datetime import date

import pytest

from pipeline.records import MISSING_EMPTY, MISSING_UNRECOGNIZED
from pipeline.transform import values
from pipeline.vocab import default_vocabulary

VOCAB = default_vocabulary()
TECH = "Technology and Innovation for Transparency and Accountability"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Mongolia, First Action Plan, 2014-16", (2014, 2016)),
        ("United Kingdom – Third National Action Plan 2016-18", (2016, 2018)),
        ("Romania, Second Action Plan, 2014-2016", (2014, 2016)),
        ("Philippines – First National Action Plan – 2012-2013", (2012, 2013)),
        ("Ghana Action Plan 2024-2028 (December)", (2024, 2028)),
        ("Action plan – Kaduna State, Nigeria, 2024 – 2025", (2024, 2025)),
        ("Paris, France Action Plan 2019 – 2021", (2019, 2021)),
        ("Bulgaria Action Plan 2022-2024 (December)", (2022, 2024)),
        ("Plan de Acción de Ghana 2024-2028 (diciembre)", (2024, 2028)),
        ("Sekondi-Takoradi Action Plan 2017", (2017, None)),
        ("Not a plan", (None, None)),
    ],
)
def test_year_range_reads_every_title_format(title, expected):
    assert values.year_range(title) == expected


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("Major Major", "Major"),
        ("Did Not Change Did Not Change", "Did Not Change"),
        ("Marginal", "Marginal"),
        ("Yes Starred", "Yes Starred"),
        ("", ""),
    ],
)
def test_undouble_keeps_one_copy_of_a_repeated_value(shown, expected):
    assert values.undouble(shown) == expected


@pytest.mark.parametrize(
    ("shown", "found"),
    [
        (
            "Access to Information Civic Participation , Public Accountability",
            ("Access to Information", "Civic Participation", "Public Accountability"),
        ),
        (
            "Access to Information Civic Participation , Public Accountability , Technology",
            ("Access to Information", "Civic Participation", "Public Accountability", TECH),
        ),
        (
            "Access to Information , Public Accountability , Technology",
            ("Access to Information", "Public Accountability", TECH),
        ),
        ("Access to Information Technology", ("Access to Information", TECH)),
        ("Access to Information", ("Access to Information",)),
    ],
)
def test_ogp_values_are_phrases_not_comma_separated(shown, found):
    reading = values.ogp_values(VOCAB, shown)
    assert reading.values == found
    assert reading.relevant.value is True and reading.relevant.status == "known"
    assert reading.leftover == ""


def test_ogp_values_yes_missing_and_leftovers():
    assert values.ogp_values(VOCAB, "Yes").relevant.value is True
    assert values.ogp_values(VOCAB, "Yes").values == ()
    pending = values.ogp_values(VOCAB, "pendiente de revisión del IRM")
    assert (pending.relevant.value, pending.relevant.missing) == (None, "pending_irm_review")
    assert values.ogp_values(VOCAB, "Not Relevant").relevant.missing == "not_relevant"
    mixed = values.ogp_values(VOCAB, "Access to Information , Inclusion")
    assert mixed.values == ("Access to Information",)
    assert mixed.leftover == "inclusion" and mixed.relevant.status == "unknown"
    nothing = values.ogp_values(VOCAB, "Inclusion")
    assert nothing.relevant.missing == MISSING_UNRECOGNIZED and nothing.values == ()


@pytest.mark.parametrize(
    ("field", "shown", "value", "missing"),
    [
        ("early_results", "Marginal Marginal", "Marginal", None),
        ("early_results", "No IRM Data", None, "no_irm_data"),
        ("early_results", "NR", None, "nr"),
        ("early_results", "No early results to report yet", None, "no_early_results_yet"),
        ("early_results", "Spectacular", None, MISSING_UNRECOGNIZED),
        ("starred", "Yes Starred", True, None),
        ("starred", "No", False, None),
        ("verifiable", "Pending IRM Review", None, "pending_irm_review"),
        ("verifiable", "Verificable", None, MISSING_UNRECOGNIZED),
        ("ambition", "No Data", None, "no_data"),
        ("ambition", "High", "High", None),
        ("completion", "Completed", "Complete", None),
        ("completion", "Revisión pendiente de IRM", None, "pending_irm_review"),
        ("status", "", None, MISSING_EMPTY),
        ("status", "Inactive", "Inactive", None),
    ],
)
def test_closed_fields_give_a_value_or_a_missing_reason(field, shown, value, missing):
    reading = values.closed(VOCAB, field, shown)
    assert (reading.value, reading.missing) == (value, missing)


def test_month_year_dates_and_cycle_years():
    assert values.month(VOCAB, "Feb 2024").value == date(2024, 2, 1)
    assert values.month(VOCAB, "Dec 2025").value == date(2025, 12, 1)
    assert values.month(VOCAB, "Sometime 2025").missing == MISSING_UNRECOGNIZED
    assert values.year(VOCAB, "2014").value == 2014
    assert values.year(VOCAB, "twenty").missing == MISSING_UNRECOGNIZED


def test_institution_names_split_only_at_clear_separators():
    support = (
        "Cabinet Office; mySociety, Natural Resource Governance Institute, ONE, "
        "Publish What You Pay UK, The Open Data Institute, Transparency International UK"
    )
    assert values.split_names([support]) == [
        "Cabinet Office",
        "mySociety, Natural Resource Governance Institute, ONE, Publish What You Pay UK, "
        "The Open Data Institute, Transparency International UK",
    ]
    assert values.split_names(["Government, parliament, civil society organizations"]) == [
        "Government, parliament, civil society organizations"
    ]
    assert values.split_names(["A ○ B ● C;"]) == ["A", "B", "C"]
    assert values.split_names(["Ministry of Education", "Ministry of Health"]) == [
        "Ministry of Education",
        "Ministry of Health",
    ]


@pytest.mark.parametrize(
    ("shown", "titles"),
    [
        (
            "Bulgaria End-of-Term Report 2016-2018, Bulgaria Mid-Term Report 2016-2018",
            ["Bulgaria End-of-Term Report 2016-2018", "Bulgaria Mid-Term Report 2016-2018"],
        ),
        (
            "Ghana 2013-2014 End of Term Report, Ghana Progress Report 2013-2014",
            ["Ghana 2013-2014 End of Term Report", "Ghana Progress Report 2013-2014"],
        ),
        (
            "Romania End-of-Term Report 2014-2016, Romania Progress Report 2014-2015 – Public "
            "Comment Version",
            [
                "Romania End-of-Term Report 2014-2016",
                "Romania Progress Report 2014-2015 – Public Comment Version",
            ],
        ),
        (
            "Mongolia Results Report 2021-2023, Mongolia Action Plan Review 2021-2023",
            ["Mongolia Results Report 2021-2023", "Mongolia Action Plan Review 2021-2023"],
        ),
        (
            "Korea, Republic of Design Report 2019-2021",
            ["Korea, Republic of Design Report 2019-2021"],
        ),
    ],
)
def test_irm_report_titles_split_at_commas_that_start_a_new_title(shown, titles):
    assert values.split_report_titles([shown]) == titles


def test_policy_areas_split_at_commas_and_lines_without_repeats():
    assert values.split_policy_areas(["E-Government, E-petitions, Public Participation"]) == [
        "E-Government",
        "E-petitions",
        "Public Participation",
    ]
    assert values.split_policy_areas(["Open Data", "Health", "Open Data"]) == [
        "Open Data",
        "Health",
    ]
