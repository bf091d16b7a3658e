"""Words and phrases for synthetic commitments: titles, institutions, description prose, and
the label/value vocabularies of each template era and interface language, as the reference
renderings show them."""

from __future__ import annotations

import random

VERBS = (
    "Strengthen", "Improve", "Open", "Publish", "Establish", "Develop", "Expand", "Create",
    "Digitise", "Monitor", "Institutionalise", "Promote", "Implement", "Reform", "Launch",
)  # fmt: skip
OBJECTS = (
    "public procurement data", "citizen feedback mechanisms", "beneficial ownership registers",
    "open budget information", "right to information requests", "local development funds",
    "asset declarations of officials", "public service delivery", "extractive industry contracts",
    "lobbying transparency", "participatory budgeting", "whistleblower protection",
    "open justice data", "climate finance reporting", "health sector accountability",
    "education grants", "land registries", "legislative openness", "e-petitions",
    "social protection programmes", "water and sanitation services", "youth participation",
)  # fmt: skip
QUALIFIERS = (
    "", " at the local level", " through an online portal", " with civil society",
    " in the regions", " for marginalised groups", " across ministries", " in public companies",
)  # fmt: skip
INSTITUTIONS = (
    "Ministry of Finance", "Ministry of Justice", "Cabinet Office", "Office of the President",
    "Public Procurement Agency", "National Audit Office", "Anti-Corruption Commission",
    "Ministry of Health", "Ministry of Education", "Statistics Office", "City Council",
    "Department of Digital Services", "Ombudsman", "National Assembly", "Open Data Unit",
)  # fmt: skip
CSOS = (
    "Transparency Coalition", "Open Knowledge Network", "Citizens' Budget Watch",
    "Media Freedom Foundation", "Youth Accountability Forum", "Women in Governance Network",
    "Local Democracy Institute", "Right to Know Alliance",
)  # fmt: skip
QUESTIONS = (
    "What is the public problem that the commitment will address?",
    "What is the commitment?",
    "How will the commitment contribute to solve the public problem?",
    "Why is this commitment relevant to OGP values?",
    "Additional information",
)
SENTENCES = (
    "Citizens find it hard to learn how public money is planned, spent and audited.",
    "Data are published late, in formats that cannot be reused, and without context.",
    "The commitment builds on the previous action plan and on work by civil society.",
    "A working group of officials and civil society will meet every quarter to review progress.",
    "The portal will publish records in open formats and update them every month.",
    "Training will reach officials in every region before the end of the plan.",
    "Feedback received from citizens will be answered publicly within thirty days.",
    "The reform requires amendments to secondary legislation and new guidance.",
    "Progress will be reported in the self-assessment and discussed in public hearings.",
    "Local governments will pilot the approach before it is rolled out nationally.",
)  # fmt: skip

# Policy-area taxonomies: the older one (T1/T2 crawls) and the newer one (T3/T4).
OLD_AREAS = (
    "E-Government", "Open Contracting and Procurement", "Fiscal Transparency", "Capacity Building",
    "Public Participation", "Access to Information", "Legislation & Regulation",
    "Anti-Corruption Institutions", "Public Service Delivery", "Open Data", "Records Management",
    "Right to Information", "Private Sector", "Subnational",
)  # fmt: skip
NEW_AREAS = (
    "Anti Corruption and Integrity", "Open Contracting", "Digital Transformation",
    "Fiscal Openness", "Public Participation", "Access to Information", "Public Procurement",
    "Beneficial Ownership", "Inclusion", "Open Data", "Health", "Education", "Justice",
    "Environment and Climate", "Publication of Budget/Fiscal Information", "Regulation",
)  # fmt: skip
SPANISH_AREAS = (
    "Acceso a la información", "Anticorrupción e integridad", "Formaciones", "Regulación",
    "Derecho de información",
)  # fmt: skip
OGP_VALUES = ("Access to Information", "Civic Participation", "Public Accountability", "Technology")
EARLY_RESULTS = ("Did Not Change", "Marginal", "Major", "Outstanding")
COMPLETION = ("Not Started", "Limited", "Substantial", "Complete")
SPANISH_PENDING = (
    "Revisión de IRM pendiente", "revisión pendiente de IRM", "pendiente de revisión de IRM",
    "pendiente de revisión del IRM", "Pendiente de revisión del IRM", "Revisión pendiente de IRM",
)  # fmt: skip
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Headings and labels per interface language (keys are the English forms).
LABELS = {
    "en": {},
    "es": {
        "At-a-Glance": "De un vistazo", "Policy Areas": "Áreas de política",
        "IRM Review": "Revisión de IRM", "Design": "Diseño", "Implementation": "Implementación",
        "Action Plan": "Plan de ACCION", "Action Plan Cycle": "Ciclo del Plan de Acción",
        "Lead Institution": "Institución líder",
        "Support Institution(s)": "Institución(es) de apoyo",
        "IRM Report": "Informe de IRM", "Early Results": "Primeros resultados",
        "Verifiable": "Verificable",
        "Relevant to OGP Values": "Relevante para los valores de OGP",
        "Ambition (see definition)": "Ambición (consulta: definición)",
        "Completion": "Finalización",
        "Overview": "Resumen", "Institutions": "Instituciones", "Description": "Descripción",
        "Commitments": "Compromisos",
    },
}  # fmt: skip


# Assessed values on Spanish pages: spellings the vocabulary knows (aliases and missing codes).
VALUES_ES = {
    "Yes": "Sí", "No": "No", "High": "Alta", "Low": "Baja", "No Data": "Sin datos",
    "Did Not Change": "No cambió", "Marginal": "Marginal", "Major": "Mayor",
    "Outstanding": "Excepcional", "No IRM Data": "Sin datos del IRM", "Not Started": "No iniciado",
    "Limited": "Limitado", "Substantial": "Sustancial", "Complete": "Completo", "": "",
}  # fmt: skip


def commitment_title(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(QUALIFIERS)}"


def institutions(rng: random.Random, count: int) -> list[str]:
    return rng.sample(INSTITUTIONS, min(count, len(INSTITUTIONS)))


def paragraphs(rng: random.Random) -> list[str]:
    """Description prose under the action-plan template's questions."""
    out = []
    for question in QUESTIONS[: rng.randint(2, len(QUESTIONS))]:
        body = " ".join(rng.sample(SENTENCES, rng.randint(2, 4)))
        out.append(f"{question} {body}" if rng.random() < 0.5 else f"{question}\n{body}")
    return out
