"""The vocabulary file: spellings in every language, loud failures for unknown keys."""

import pytest

from pipeline.errors import VocabularyError
from pipeline.vocab import Vocabulary, default_vocabulary, load_vocabulary

VOCAB = default_vocabulary()


@pytest.mark.parametrize(
    ("line", "field", "rest"),
    [
        (
            "Action Plan: Mongolia, First Action Plan, 2014-16",
            "action_plan",
            "Mongolia, First Action Plan, 2014-16",
        ),
        ("Action Plan Cycle: 2014", "action_plan_cycle", "2014"),
        ("Status:", "status", ""),
        ("Support Institution(s): NA", "support_institutions", "NA"),
        ("Ambition (see definition): Low", "ambition", "Low"),
        (
            "Plan de ACCION: Plan de Acción de Ghana 2024-2028 (diciembre)",
            "action_plan",
            "Plan de Acción de Ghana 2024-2028 (diciembre)",
        ),
        ("Ciclo del Plan de Acción: 2023", "action_plan_cycle", "2023"),
        ("Institución(es) de apoyo: Comisión", "support_institutions", "Comisión"),
        (
            "Relevante para los valores de OGP: pendiente de revisión del IRM",
            "ogp_values",
            "pendiente de revisión del IRM",
        ),
        (
            "Ambición (consulta: definición): Pendiente de revisión del IRM",
            "ambition",
            "Pendiente de revisión del IRM",
        ),
        ("Finalización: Revisión pendiente de IRM", "completion", "Revisión pendiente de IRM"),
        ("Institutions involved:", "institutions_involved", ""),
        ("Commitment Start: Feb 2024", "commitment_start", "Feb 2024"),
        ("Lead Institution", "lead_institution", ""),
        # a glossary tooltip run into the label ("Action PlanAction plans are ...:")
        (
            "Action PlanAction plans are at the core of a member's participation…: Action plan – X",
            "action_plan",
            "Action plan – X",
        ),
    ],
)
def test_label_lines_in_english_and_spanish(line, field, rest):
    found = VOCAB.match_label_line(line)
    assert found is not None
    assert (found.field, found.rest) == (field, rest)


@pytest.mark.parametrize(
    "prose",
    [
        "Status quo or problem addressed by the commitment: The government",
        "Objective: To improve compliance",
        "Statuses: many",
        "Action plans are great",
    ],
)
def test_prose_is_not_a_known_label(prose):
    assert VOCAB.match_label_line(prose) is None


def test_headings_with_info_icon_and_member_lists():
    assert VOCAB.heading("Design i") == "design"
    assert VOCAB.heading("Implementación i") == "implementation"
    assert VOCAB.heading("De un vistazo") == "at_a_glance"
    assert VOCAB.heading("Mongolia's Commitments") == "member_commitments"
    assert VOCAB.heading_member("Mongolia's Commitments") == "Mongolia"
    assert VOCAB.heading("Commitments") == "member_commitments"
    assert VOCAB.heading("The commitment") is None
    assert VOCAB.split_glued_heading("Public ParticipationIRM Review") == (
        "Public Participation",
        "IRM Review",
    )
    assert VOCAB.split_glued_heading("Open Data") is None


def test_unknown_vocabulary_keys_fail_loudly_and_name_what_they_missed():
    with pytest.raises(VocabularyError, match=r"no value vocabulary 'colour'.*completion"):
        VOCAB.category("colour", "red")
    with pytest.raises(VocabularyError, match="no label 'colour'"):
        VOCAB.section_of("colour")


def test_a_malformed_vocabulary_file_is_a_clear_error(tmp_path):
    broken = tmp_path / "vocabulary.toml"
    broken.write_text("[meta]\nversion = 1\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="malformed"):
        load_vocabulary(broken)
    broken.write_text("not toml = = =", encoding="utf-8")
    with pytest.raises(VocabularyError, match="cannot read"):
        load_vocabulary(broken)


def test_a_new_spelling_is_a_data_change(tmp_path):
    import tomllib
    from importlib import resources

    text = resources.files("pipeline").joinpath("vocabulary.toml").read_text(encoding="utf-8")
    text = text.replace(
        'spellings = ["Completion",', 'spellings = ["Degree of completion", "Completion",'
    )
    custom = Vocabulary(tomllib.loads(text))
    found = custom.match_label_line("Degree of completion: Limited")
    assert found is not None and found.field == "completion"
    assert VOCAB.match_label_line("Degree of completion: Limited") is None
