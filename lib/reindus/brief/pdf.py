"""The « Brief de la région » as a PDF: A4, one page per section, vector charts, embedded fonts.

ReportLab draws everything itself (text, tables, charts as PDF vector paths): no browser, no image of a
chart, text that can be selected and searched. The fonts are the Bitstream Vera TTFs that ReportLab
ships, embedded (subset) in the file, so the PDF looks the same on every machine.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import reportlab
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from reindus.brief.content import DEFINITIONS, BriefContent
from reindus.programme.kpi_definitions import NOT_MEASURABLE, format_value
from reindus.programme.regions import partners
from reindus.reference.programme import LATE_TOLERANCE_DAYS
from reindus.sourcing import gaps as gap_rules
from reindus.text import formats

FONT, BOLD = "ReindusVera", "ReindusVera-Bold"
PAGE_W, PAGE_H = A4
MARGIN = 16 * mm
WIDTH = PAGE_W - 2 * MARGIN
INK, GREY, LIGHT = colors.HexColor("#1f2937"), colors.HexColor("#6b7280"), colors.HexColor("#e5e7eb")
WATERMARK = "démo"
SECTIONS: tuple[str, ...] = (
    "Chiffres clés",
    "Les régions du programme côte à côte",
    "Avancement face au rétroplanning",
    "Fournisseurs retenus : région, France, étranger",
    "Capacités manquantes de la région",
)
# Characters babel and the labels use that Vera lacks, and what stands in for them.
SUBSTITUTES = {"\u202f": "\u00a0", "\u2192": "\u2013", "\u2212": "-", "\u2011": "-"}


@cache
def _fonts() -> frozenset[int]:
    """Register the embedded fonts once; the code points they can draw."""
    folder = Path(reportlab.__file__).parent / "fonts"
    regular = TTFont(FONT, str(folder / "Vera.ttf"))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    return frozenset(regular.face.charToGlyph)


def text(value: object) -> str:
    """Plain text the embedded font can draw: narrow no-break spaces become no-break spaces, missing
    letters fall back to their base letter (« Ł » would be « L »), anything else to « ? »."""
    drawable = _fonts()
    out = []
    for ch in str(value):
        ch = SUBSTITUTES.get(ch, ch)
        if ord(ch) in drawable or ch in "\n\t":
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch)[:1]
        out.append(base if base and ord(base) in drawable else "?")
    return "".join(out)


def para(value: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text(value)), style)


def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5, textColor=INK, alignment=TA_LEFT)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=20, leading=24, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=14, textColor=GREY),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=15, leading=19, spaceAfter=6),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=BOLD, fontSize=8.5, leading=10.5),
        # soft hyphens (U+00AD) in a narrow column's heading are where a long word may break
        "header": ParagraphStyle(
            "header", parent=base, fontName=BOLD, fontSize=7.2, leading=8.8, embeddedHyphenation=1
        ),
        "definition": ParagraphStyle("definition", parent=base, fontSize=7.2, leading=8.8, textColor=GREY),
        "source": ParagraphStyle(
            "source", parent=base, fontSize=7.5, leading=9.5, textColor=GREY, spaceBefore=6
        ),
    }


def _table(
    rows: list[list],
    widths: list[float],
    header_rows: int = 1,
    highlight: int | None = None,
    padding: float = 6,
) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, header_rows - 1), 0.8, INK),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.3, LIGHT),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
    ]
    if highlight is not None:
        style.append(("BACKGROUND", (0, highlight), (-1, highlight), colors.HexColor("#f3f4f6")))
    table.setStyle(TableStyle(style))
    return table


def _layout(rows: list[list], widths: list[float]) -> Table:
    """A borderless table that places charts side by side (in the embedded font, like every table)."""
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _drawing(width: float, height: float) -> Drawing:
    """A drawing that starts in the embedded font (ReportLab's default, Helvetica, is not embedded)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT
    return drawing


def _bar_chart(
    title: str,
    names: list[str],
    values: list[float],
    kind: str,
    width: float,
    height: float = 150,
    fmt=None,
    colour_of=None,
) -> Drawing:
    """One definition, one bar per category in its region colour (grey for a category that is not a
    region: `colour_of(name)`), the French value above each bar; a missing value reads « — »."""
    drawing = _drawing(width, height)
    if title:
        drawing.add(String(0, height - 10, text(title), fontName=BOLD, fontSize=8.5, fillColor=INK))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 34, 18, width - 40, height - (40 if title else 28)
    clean = [0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]
    chart.data = [clean]
    top = max(clean) if clean and max(clean) > 0 else 1.0
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, top * 1.25
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = FONT, 6.5
    chart.valueAxis.labelTextFormat = lambda v: text(_axis(v, kind))
    chart.valueAxis.strokeColor = GREY
    chart.valueAxis.gridStrokeColor, chart.valueAxis.visibleGrid = LIGHT, True
    chart.categoryAxis.categoryNames = [text(n) for n in names]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = FONT, 6
    chart.categoryAxis.labels.angle = 0
    chart.categoryAxis.strokeColor = GREY
    chart.barWidth, chart.groupSpacing = 10, 8
    for i, name in enumerate(names):
        chart.bars[(0, i)].fillColor = colors.HexColor(colour_of(name))
        chart.bars[(0, i)].strokeColor = None
    chart.barLabelFormat = "values"
    fmt = fmt or (lambda v: format_value(v, kind, NOT_MEASURABLE))
    chart.barLabelArray = [[text(fmt(v)) for v in values]]
    chart.barLabels.fontName, chart.barLabels.fontSize = FONT, 6.5
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return drawing


def _axis(value: float, kind: str) -> str:
    if kind == "ratio":
        return formats.percent(value)
    if kind == "euros":
        return f"{formats.number(value / 1e6, 1)} M€" if value >= 1e6 else formats.number(value)
    return formats.number(value)


ARTICLES = frozenset({"la", "le", "les"})


def _region_colour(content: BriefContent) -> colors.Color:
    return colors.HexColor(content.programme.colour(content.region_code))


NUMBERS = {1: "La", 2: "Les deux", 3: "Les trois", 4: "Les quatre", 5: "Les cinq", 6: "Les six"}


def _regions_phrase(content: BriefContent) -> str:
    """« Les quatre régions du programme » (as many as the store lists)."""
    n = len(content.programme)
    if n == 1:
        return "La région du programme"
    return f"{NUMBERS.get(n, f'Les {n}')} régions du programme"


def _short(region: str) -> str:
    """The usual abbreviation of a region, so that every label fits under a small chart: the initials of a
    compound name (« Île-de-France » IDF, « Provence-Alpes-Côte d'Azur » PACA, « Pays de la Loire » PDL),
    the first three letters of a single word (« Normandie » NOR)."""
    words = [w.removeprefix("d'").removeprefix("d’") for w in re.split(r"[-\s]+", region) if w]
    words = [w for w in words if w.lower() not in ARTICLES]
    plain = [unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode() for w in words]
    if len(plain) == 1:
        return plain[0][:3].upper()
    return "".join(w[:1] for w in plain).upper()


# --- sections ----------------------------------------------------------------------------------------


def _headlines(content: BriefContent, s: dict) -> list:
    prev = f"Édition {content.previous_edition}" if content.previous_edition else "Édition précédente"
    rows = [
        [
            para("Indicateur", s["cell_bold"]),
            para(f"Édition {content.edition}", s["cell_bold"]),
            para(prev, s["cell_bold"]),
            para("Écart", s["cell_bold"]),
            para("Définition", s["cell_bold"]),
        ]
    ]
    for h in content.headlines:
        definition = h.definition.definition + (f" Ici : {h.note}." if h.note else "")
        rows.append(
            [
                para(h.definition.label, s["cell"]),
                para(h.value, s["cell_bold"]),
                para(h.previous or "—", s["cell"]),
                para(h.delta or "—", s["cell"]),
                para(definition, s["definition"]),
            ]
        )
    intro = (
        f"Les chiffres de la région {content.region} pour l'édition {content.edition} de l'Accélérateur de "
        "Relocalisations. Prévisions déclarées à la sélection, décisions des financeurs et constats "
        "enregistrés ensuite sont présentés séparément et ne s'additionnent jamais. Un constat que personne "
        "n'a enregistré est « non renseigné », jamais zéro."
    )
    if content.previous_edition is None:
        intro += " Première édition de la région : pas d'écart à une édition précédente."
    widths = [0.19 * WIDTH, 0.14 * WIDTH, 0.13 * WIDTH, 0.15 * WIDTH, 0.39 * WIDTH]
    return [
        para(intro, s["body"]),
        Spacer(1, 6),
        _table(rows, widths),
        para(
            content.store_source()
            + (
                f" ; écarts avec l'édition {content.previous_edition}, même région."
                if content.previous_edition
                else "."
            ),
            s["source"],
        ),
    ]


SIDE_COLUMNS: tuple[str, ...] = (
    "projects",
    "jobs",
    "jobs_observed_end",
    "funding_granted",
    "success_rate",
    "share_in_region",
    "days_to_concretisation",
)


def _name_cell(name: str, style: ParagraphStyle) -> Paragraph:
    """A region's name in a narrow header: a long compound name breaks after a hyphen, not mid-word."""
    cut = name.find("-", len(name) // 3)
    if len(name) <= 16 or cut < 0:
        return para(name, style)
    return Paragraph(escape(text(name[: cut + 1])) + "<br/>" + escape(text(name[cut + 1 :])), style)


def _compact(value: float | None, definition) -> str:
    """A bar's label: euros in millions (« 1,7 M€ ») so that four labels fit side by side."""
    if definition.kind == "euros" and value is not None and not math.isnan(value) and value >= 1e5:
        return f"{formats.number(value / 1e6, 1)}\u00a0M€"
    return definition.format(value)


def _regions(content: BriefContent, s: dict) -> list:
    table = content.regions
    regions = list(table["region"])
    mine = regions.index(content.region) + 1 if content.region in regions else None
    header = [para("Indicateur", s["header"])] + [_name_cell(r, s["header"]) for r in regions]
    rows = [header]
    for key in SIDE_COLUMNS:
        definition = DEFINITIONS[key]
        rows.append(
            [para(definition.label, s["cell"])]
            + [
                para(definition.format(v), s["cell_bold"] if i + 1 == mine else s["cell"])
                for i, v in enumerate(table[key])
            ]
        )
    widths = [0.28 * WIDTH] + [0.72 * WIDTH / len(regions)] * len(regions)
    grid = _table(rows, widths)
    if mine is not None:
        grid.setStyle(TableStyle([("BACKGROUND", (mine, 0), (mine, -1), colors.HexColor("#f3f4f6"))]))
    names = [_short(r) for r in regions]
    cells = []
    chart_w = WIDTH / 3
    for key in ("jobs", "funding_granted", "share_in_region"):
        definition = DEFINITIONS[key]
        drawing = _bar_chart(
            "",
            regions,
            list(table[key]),
            definition.kind,
            chart_w - 6,
            fmt=lambda v, d=definition: _compact(v, d),
            colour_of=content.programme.colour_by_name,
        )
        drawing.contents[-1].categoryAxis.categoryNames = [text(n) for n in names]
        cells.append([para(definition.label, s["cell_bold"]), drawing])
    definitions = " ".join(f"{DEFINITIONS[c].label} : {DEFINITIONS[c].definition}" for c in SIDE_COLUMNS)
    return [
        para(
            f"{_regions_phrase(content)} pour l'édition {content.edition}, la région {content.region} en gras. "
            "Chaque graphique porte un seul indicateur.",
            s["body"],
        ),
        Spacer(1, 6),
        grid,
        Spacer(1, 10),
        _layout([cells], [chart_w] * 3),
        para(" ; ".join(f"{_short(r)} : {r}" for r in regions) + ".", s["definition"]),
        Spacer(1, 4),
        para(definitions, s["definition"]),
        para(content.store_source() + f", {_regions_phrase(content).lower()}.", s["source"]),
    ]


def _progress(content: BriefContent, s: dict) -> list:
    counts = content.progress
    labels = list(counts["progress_label"])
    values = [float(v) for v in counts["projects"]]
    status = _drawing(WIDTH / 2, 170)
    status.add(String(0, 160, text("Projets par état d'avancement"), fontName=BOLD, fontSize=8.5))
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 70, 10, WIDTH / 2 - 100, 135
    chart.data = [values]
    chart.categoryAxis.categoryNames = [text(label) for label in labels]
    chart.categoryAxis.reverseDirection = True
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = FONT, 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, max(values + [1]) * 1.2
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = FONT, 6.5
    chart.valueAxis.labelTextFormat = lambda v: text(formats.number(v))
    chart.bars[0].fillColor, chart.bars[0].strokeColor = _region_colour(content), None
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[text(formats.number(v)) for v in values]]
    chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.nudge = FONT, 7, 8
    status.add(chart)

    stages = content.stages
    stage_values = [float(v) for v in stages["projects"]]
    positions = _drawing(WIDTH / 2, 170)
    positions.add(
        String(0, 160, text("Projets par étape en cours (abandonnés exclus)"), fontName=BOLD, fontSize=8.5)
    )
    chart2 = HorizontalBarChart()
    chart2.x, chart2.y, chart2.width, chart2.height = 110, 10, WIDTH / 2 - 135, 135
    chart2.data = [stage_values]
    chart2.categoryAxis.categoryNames = [text(label) for label in stages["current_stage"]]
    chart2.categoryAxis.reverseDirection = True
    chart2.categoryAxis.labels.fontName, chart2.categoryAxis.labels.fontSize = FONT, 6.5
    chart2.valueAxis.valueMin, chart2.valueAxis.valueMax = 0, max(stage_values + [1]) * 1.2
    chart2.valueAxis.labels.fontName, chart2.valueAxis.labels.fontSize = FONT, 6.5
    chart2.valueAxis.labelTextFormat = lambda v: text(formats.number(v))
    chart2.bars[0].fillColor, chart2.bars[0].strokeColor = _region_colour(content), None
    chart2.barLabelFormat = "values"
    chart2.barLabelArray = [[text(formats.number(v)) for v in stage_values]]
    chart2.barLabels.fontName, chart2.barLabels.fontSize, chart2.barLabels.nudge = FONT, 7, 8
    positions.add(chart2)

    rows = [[para("État", s["cell_bold"]), para("Projets", s["cell_bold"])]]
    rows += [
        [para(label, s["cell"]), para(formats.number(v), s["cell"])]
        for label, v in zip(labels, values, strict=True)
    ]
    total = sum(values)
    rows.append([para("Total", s["cell_bold"]), para(formats.number(total), s["cell_bold"])])
    pace = content.pace_days
    pace_text = (
        "non mesurable (aucune étape échue)"
        if pace is None or math.isnan(pace)
        else f"{formats.number(abs(pace))} jour(s) {'de retard' if pace > 0 else 'd’avance'} en moyenne"
    )
    return [
        para(
            f"Les {formats.number(total)} projets de l'édition {content.edition} en {content.region} face au "
            f"rétroplanning commun du programme, au {formats.day(content.as_of)}. Écart moyen aux dates prévues "
            f"des étapes : {pace_text}.",
            s["body"],
        ),
        Spacer(1, 8),
        _layout([[status, positions]], [WIDTH / 2] * 2),
        Spacer(1, 8),
        _table(rows, [0.3 * WIDTH, 0.15 * WIDTH]),
        para(
            f"En retard : une étape achevée, ou encore ouverte, plus de {LATE_TOLERANCE_DAYS} jours après sa fin "
            "prévue. À risque : une étape ouverte au-delà de sa fin prévue, ou pas commencée plus de "
            f"{LATE_TOLERANCE_DAYS} jours après son début prévu. Terminé et abandonné : statut enregistré par le "
            "conseiller. Écart moyen : moyenne des écarts mesurables des étapes (négatif = en avance).",
            s["definition"],
        ),
        para(content.store_source() + " ; dates prévues du rétroplanning commun.", s["source"]),
    ]


def _suppliers(content: BriefContent, s: dict) -> list:
    o = content.origin
    categories = ["Dans la région", "Ailleurs en France", "À l'étranger"]
    shares = [o["share_in_region"], o["share_in_france"], o["share_abroad"]]
    counts = [o["retained_in_region"], o["retained_in_france"], o["retained_abroad"]]
    drawing = _bar_chart(
        "Part des fournisseurs retenus",
        [content.region] * 3,
        shares,
        "ratio",
        WIDTH * 0.55,
        190,
        colour_of=content.programme.colour_by_name,
    )
    drawing.contents[-1].categoryAxis.categoryNames = categories
    drawing.contents[-1].barWidth = 40
    rows = [
        [
            para("Origine", s["cell_bold"]),
            para("Retenus", s["cell_bold"]),
            para("Part", s["cell_bold"]),
        ]
    ]
    for label, n, share in zip(categories, counts, shares, strict=True):
        rows.append(
            [
                para(label, s["cell"]),
                para(formats.number(n), s["cell"]),
                para(format_value(share, "ratio", NOT_MEASURABLE), s["cell"]),
            ]
        )
    rows.append(
        [
            para("Total", s["cell_bold"]),
            para(formats.number(o["suppliers_retained"]), s["cell_bold"]),
            para("", s["cell"]),
        ]
    )
    others = [
        [para("Région", s["cell_bold"]), para(DEFINITIONS["share_in_region"].label, s["cell_bold"])]
    ] + [
        [
            para(r.region, s["cell_bold"] if r.region == content.region else s["cell"]),
            para(format_value(r.share_in_region, "ratio", NOT_MEASURABLE), s["cell"]),
        ]
        for r in content.regions.itertuples(index=False)
    ]
    return [
        para(
            "Le programme cherche des fournisseurs dans la région d'abord, puis en France. Où sont établis les "
            f"fournisseurs retenus par les projets de l'édition {content.edition} en {content.region} :",
            s["body"],
        ),
        Spacer(1, 6),
        _layout(
            [[drawing, _table(rows, [0.17 * WIDTH, 0.12 * WIDTH, 0.1 * WIDTH])]], [WIDTH * 0.58, WIDTH * 0.42]
        ),
        Spacer(1, 10),
        para(f"Pour comparer, {_regions_phrase(content).lower()} (édition {content.edition}) :", s["body"]),
        Spacer(1, 4),
        _table(others, [0.3 * WIDTH, 0.35 * WIDTH]),
        para(
            "Fournisseur retenu : entrée de la présélection d'un maillon au statut « retenu ». Dans la région : "
            "établi dans la région du projet ; ailleurs en France : établi dans une autre région ; à "
            "l'étranger : pays d'établissement hors de France. Parts : sur l'ensemble des fournisseurs retenus.",
            s["definition"],
        ),
        para(content.store_source() + ".", s["source"]),
    ]


def _trend(row) -> str:
    """« 2019 : 78 ; 2024 : 85 (+9 %) » (the screen's arrow is not in the embedded font)."""
    if row["trend_first_year"] is None or pd.isna(row["trend_first_year"]):
        return "—"
    change = row["trend"]
    pct = "" if pd.isna(change) else f" ({'+' if change >= 0 else '-'}{formats.percent(abs(change))})"
    return (
        f"{int(row['trend_first_year'])} : {formats.number(row['trend_establishments_first'])} ; "
        f"{int(row['trend_last_year'])} : {formats.number(row['trend_establishments_last'])}{pct}"
    )


def _gaps(content: BriefContent, s: dict) -> list:
    g = content.gaps
    names = gap_rules.departement_names()
    intro = (
        f"Les activités (codes NAF) dont les chaînes de valeur des projets de l'édition {content.edition} ont "
        f"besoin et pour lesquelles la région {content.region} n'a pas fourni de fournisseur qualifié : des "
        "pistes de réindustrialisation pour ses équipes de développement économique. Classement par nombre "
        "de projets sans fournisseur régional qualifié."
    )
    if g.empty:
        return [
            para(intro, s["body"]),
            Spacer(1, 8),
            para("Aucune : chaque besoin a trouvé un fournisseur qualifié dans la région.", s["body"]),
        ]
    header = [
        "N°",
        "Activité (NAF)",
        "Projets sans four\u00adnis\u00adseur régional, sur ceux qui en ont besoin",
        "Établis\u00adse\u00adments actifs en région",
        "Établis\u00adse\u00adments actifs en France",
        "Salariés de la division en région",
        "Établis\u00adse\u00adments de la division, évolution",
        "Départements les plus proches hors région : établissements, distance",
    ]
    rows = [[para(h, s["header"]) for h in header]]
    for _, r in g.iterrows():
        nearest = (
            "; ".join(
                f"{names.get(code, code)} ({code}) : {formats.number(n)} établ., {formats.number(km)} km"
                for code, n, km in r["nearest"]
            )
            or "aucun"
        )
        jobs = (
            "—"
            if r["region_salaried_jobs"] is None
            or (isinstance(r["region_salaried_jobs"], float) and math.isnan(r["region_salaried_jobs"]))
            else formats.number(r["region_salaried_jobs"])
        )
        rows.append(
            [
                para(formats.number(r["rank"]), s["cell"]),
                para(f"{r['activity']} – {r['label']}", s["definition"]),
                para(
                    f"{formats.number(r['projects_lacking'])} sur {formats.number(r['projects_needing'])}",
                    s["cell"],
                ),
                para(formats.number(r["region_establishments"]), s["cell"]),
                para(formats.number(r["france_establishments"]), s["cell"]),
                para(jobs, s["cell"]),
                para(_trend(r), s["definition"]),
                para(nearest, s["definition"]),
            ]
        )
    widths = [0.04, 0.2, 0.11, 0.09, 0.09, 0.09, 0.13, 0.25]
    more = (
        f" Les {content.gaps_total} activités manquantes sont dans l'export de la page « Industrie régionale »."
        if content.gaps_total > len(g)
        else ""
    )
    return [
        para(intro + more, s["body"]),
        Spacer(1, 6),
        _table(rows, [w * WIDTH for w in widths], padding=3),
        para(gap_rules.DEFINITION, s["definition"]),
        para(
            f"{content.gaps_sources} ; {content.store_source().removeprefix('Source : ')} pour les besoins des "
            "projets. Salariés : dernière année de la série ; évolution : première et dernière années.",
            s["source"],
        ),
    ]


# --- the document ------------------------------------------------------------------------------------


def _decorate(content: BriefContent, generated: date):
    def on_page(canvas, doc) -> None:
        canvas.saveState()
        if content.is_demo:
            canvas.setFillColor(colors.Color(0.85, 0.2, 0.2, alpha=0.12))
            canvas.setFont(BOLD, 120)
            canvas.translate(PAGE_W / 2, PAGE_H / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, -40, text(WATERMARK))
            canvas.rotate(-35)
            canvas.translate(-PAGE_W / 2, -PAGE_H / 2)
        canvas.setFillColor(GREY)
        canvas.setFont(FONT, 7.5)
        canvas.drawString(
            MARGIN, PAGE_H - 10 * mm, text(f"Brief de la région {content.region} — édition {content.edition}")
        )
        if content.is_demo:
            canvas.setFillColor(colors.HexColor("#b91c1c"))
            canvas.drawRightString(
                PAGE_W - MARGIN,
                PAGE_H - 10 * mm,
                text("Données de démonstration (source « démo ») : chiffres fictifs"),
            )
        canvas.setFillColor(GREY)
        # two lines: the partners' names grow with the programme's regions
        canvas.drawString(
            MARGIN, 11.5 * mm, text(f"Accélérateur de Relocalisations — {partners(content.programme)}")
        )
        canvas.drawString(MARGIN, 8 * mm, text(f"Généré le {formats.day(generated)}"))
        canvas.drawRightString(PAGE_W - MARGIN, 8 * mm, text(f"page {doc.page} sur {len(SECTIONS)}"))
        canvas.restoreState()

    return on_page


def render(content: BriefContent, generated: date | None = None) -> bytes:
    """The PDF of `content`, one A4 page per section of SECTIONS."""
    generated = generated or date.today()
    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=text(f"Brief de la région {content.region} — édition {content.edition}"),
        author="Accélérateur de Relocalisations",
        subject=text("Chiffres clés, régions, avancement, fournisseurs et capacités manquantes"),
        lang="fr-FR",
        # The canvas's own starting font would otherwise add a non-embedded Helvetica to every page.
        initialFontName=FONT,
    )
    builders = (_headlines, _regions, _progress, _suppliers, _gaps)
    story: list = [
        para(f"Brief de la région {content.region}", s["title"]),
        para(
            f"Édition {content.edition} — état au {formats.day(content.as_of)}"
            + (" — données de démonstration" if content.is_demo else ""),
            s["subtitle"],
        ),
        Spacer(1, 8),
    ]
    for i, (title, build) in enumerate(zip(SECTIONS, builders, strict=True)):
        if i:
            story.append(PageBreak())
        story.append(KeepTogether([para(title, s["h1"])]))
        story.extend(build(content, s))
    decorate = _decorate(content, generated)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
