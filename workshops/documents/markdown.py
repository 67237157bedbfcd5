"""A decision record as MADR 4.0 Markdown, with our risk and cost sections after MADR's."""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from patterns.wire import as_dict, as_dicts, as_list, as_text
from workshops.models import Decision, Risk, StatusChange
from workshops.selectors import decision_figures
from workshops.snapshot import dimension_value_label, recorded_rationale

# The headings MADR 4.0 defines, in its order; ours follow them.
CONTEXT = "Context and Problem Statement"
DRIVERS = "Decision Drivers"
OPTIONS = "Considered Options"
OUTCOME = "Decision Outcome"
CONSEQUENCES = "Consequences"
CONFIRMATION = "Confirmation"
PROS_AND_CONS = "Pros and Cons of the Options"
MORE_INFORMATION = "More Information"
RISKS = "Risks"
TCO = "Three-Year Total Cost of Ownership"
CONSENT = "Consent"
ROOM = "What the Room Said"

DIMENSIONS = (
    ("trigger", "Trigger"),
    ("granularity", "Granularity"),
    ("consistency", "Consistency"),
    ("failure", "Failure handling"),
)
RAISED_BY = dict(Risk.RaisedBy.choices)
STATUSES = dict(Decision.Status.choices)


@dataclass(frozen=True)
class RecordLink:
    """Another decision the record points to: its MADR file, beside this one in the
    repository (see madr_file_name)."""

    title: str
    file_name: str
    status: str = ""


def record_link(decision: Decision) -> RecordLink:
    return RecordLink(
        title=decision.title, file_name=madr_file_name(decision), status=decision.status
    )


# Long enough for a title's words, short enough for every file system and a readable list.
MADR_SLUG_LENGTH = 60


def madr_file_name(decision: Decision) -> str:
    """The decision's file as MADR names it, `0003-nightly-inventory-sync.md`: the team's
    number for it, then its title in kebab case (ASCII; "decision" when nothing is left)."""
    slug = slugify(decision.title)
    if len(slug) > MADR_SLUG_LENGTH:
        head = slug[: MADR_SLUG_LENGTH + 1]
        # Whole words: up to the last dash that fits.
        slug = head.rsplit("-", 1)[0] if "-" in head else slug[:MADR_SLUG_LENGTH]
    slug = slug.strip("-_")
    return f"{decision.number:04d}-{slug or 'decision'}.md"


# --- Escaping --------------------------------------------------------------------------------
# The record is user text in a Markdown frame: every piece of it is escaped so that it reads as
# typed and can never open a heading, list, table column, code block, link or HTML element.

_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# One pass, so that the backslash this adds is never escaped again.
_INLINE = re.compile(r"[\\`*\[\]|~]")
# "_" inside a word never emphasises (CommonMark), so snake_case stays readable.
_LONE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# What starts a block at the beginning of a line, and only that (CommonMark): a heading, a
# list item, a thematic break or setext underline, an ordered item ("1. " but not "0.02%").
# "#" always: markdownlint takes "#word" for a heading missing its space.
_TRAILING_PUNCTUATION = re.compile(r"[.,;:!。，；：！]$")
_BLOCK_START = re.compile(r"#|[-+=](?=[-+=\s]|$)|\d{1,9}(?=[.)](?:\s|$))")


# A web address people typed becomes an autolink, <https://…>: clickable, and no bare URL
# (markdownlint's MD034). It stops at what could leave the brackets or a table cell, and
# leaves out the punctuation that ends the sentence around it.
_WEB_ADDRESS = re.compile(r"https?://[^\s<>|\\`\"]+", re.IGNORECASE)
_SENTENCE_END = ".,;:!?'*_~"
# What GitHub would link without brackets (an e-mail address, www.…): it stays text, one
# backslash breaking the link, which markdownlint would call a bare URL.
_BARE_LINK = re.compile(r"(?<=[\w.+-])@(?=[\w-]+\.)|(?<![^\s(])(?i:www)(?=\.)")


def _escape_inline(text: str) -> str:
    parts, at = [], 0
    for match in _WEB_ADDRESS.finditer(text):
        address = match.group().rstrip(_SENTENCE_END)
        while address.endswith(")") and address.count("(") < address.count(")"):
            address = address[:-1].rstrip(_SENTENCE_END)
        if len(address) <= len("https://"):
            continue
        parts += [_escape_text(text[at : match.start()]), f"<{address}>"]
        at = match.start() + len(address)
    return "".join([*parts, _escape_text(text[at:])])


def _escape_text(text: str) -> str:
    text = _ENTITY.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(lambda match: "\\" + match.group(), text)
    text = _LONE_UNDERSCORE.sub(r"\\_", text)
    return _BARE_LINK.sub(_break_link, text)


def _break_link(match: re.Match[str]) -> str:
    return "\\@" if match.group() == "@" else match.group() + "\\"  # fiona\@…, www\.…


def _block_safe(line: str) -> str:
    """The escaped line, which cannot start a block whatever its first characters are."""
    line = line.lstrip()  # four spaces would start a code block
    start = _BLOCK_START.match(line)
    if start is None:
        return line
    # Before a marker character, or, for an ordered item, between its number and "." or ")".
    at = start.end() if line[0].isdigit() else 0
    return line[:at] + "\\" + line[at:]


def md_inline(value: Any) -> str:
    """User text on one line (a bullet, a sentence, a heading), escaped."""
    return _block_safe(_escape_inline(" ".join(as_text(value).split())))


def md_paragraph(value: Any) -> str:
    """User text that keeps its line and paragraph breaks, every line escaped."""
    lines: list[str] = []
    for raw in as_text(value).splitlines():
        line = _block_safe(_escape_inline(" ".join(raw.split())))
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n")


def md_cell(value: Any) -> str:
    """User text in a table cell: one line, its pipes escaped so it stays in its column."""
    return _escape_inline(" ".join(as_text(value).split())) or "—"


def _heading(level: int, value: Any) -> str:
    # A trailing "#" would be read as the heading's closing sequence: escape every one.
    text = _escape_inline(" ".join(as_text(value).split())).replace("#", "\\#")
    # Trailing punctuation is a lint error in a heading (MD026) unless it is a character
    # reference: it still reads "Why Kafka?".
    text = _TRAILING_PUNCTUATION.sub(lambda match: f"&#{ord(match[0])};", text)
    return f"{'#' * level} {text}"


def yaml_quoted(value: Any) -> str:
    """A YAML double-quoted scalar (also a JSON string) holding exactly `value`."""
    out = ['"']
    for char in as_text(value):
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\n\t\r":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}[char])
        elif (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF
            or char in "\u2028\u2029\ufeff\ufffe\uffff"
        ):
            # Not printable in YAML, or a line break to YAML 1.1 readers.
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


# --- Figures and pieces of the snapshot, read defensively (see workshops.snapshot) ------------


def _number(value: Any, *, grouped: bool = False) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return as_text(value)
    text = f"{value:,.2f}" if grouped else f"{value:.2f}"
    return text.rstrip("0").rstrip(".")


def _money(value: Any) -> str:
    try:
        amount = Decimal(as_text(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return as_text(value)
    return f"${amount:,}"


def _label(workflow: Mapping[str, Any]) -> str:
    name = as_text(workflow.get("name")) or "Workflow"
    return f"Part: {name}" if workflow.get("is_part") else name


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"* {item}" for item in items)


def _table(header: Sequence[str], align: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table in markdownlint's "compact" style (MD060): one space either side of every cell,
    the delimiter row's too."""
    return "\n".join("| " + " | ".join(cells) + " |" for cells in (header, align, *rows))


# --- The document ------------------------------------------------------------------------------


def decision_to_markdown(
    decision: Decision,
    *,
    record_url: str,
    supersedes: RecordLink | None,
    successors: Sequence[RecordLink],
    changes: Sequence[StatusChange],
) -> str:
    """The record as MADR 4.0 (front matter, then MADR's sections in its order), followed by
    the risks and the three-year cost of every candidate. A hybrid's parts get sub-headings."""
    record = as_dict(decision.snapshot)
    workflows = as_dicts(record.get("workflows")) or [{}]
    hybrid = len(workflows) > 1
    parts = sum(1 for workflow in workflows if workflow.get("is_part"))

    def per_part(level: int, draw: Callable[[Mapping[str, Any], int], list[str]]) -> list[str]:
        """What `draw` says of each workflow: straight for one, under each name for a hybrid
        (where a workflow with nothing to say is left out)."""
        if not hybrid:
            return draw(workflows[0], level)
        blocks = []
        for workflow in workflows:
            drawn = [block for block in draw(workflow, level + 1) if block]
            if drawn:
                blocks += [_heading(level, _label(workflow)), *drawn]
        return blocks

    consequences = md_paragraph(record.get("consequences", decision.consequences))
    consequence_points = per_part(4, lambda wf, _level: _consequences(wf))
    blocks = [
        _front_matter(decision, as_dict(record.get("people"))),
        _heading(1, decision.title),
        _heading(2, CONTEXT),
        (
            f"A hybrid: the workflow is split into {parts} part{'' if parts == 1 else 's'}, "
            "each with its own profile, options and chosen pattern."
            if hybrid
            else ""
        ),
        *per_part(3, lambda wf, _level: [_context(wf)]),
        _heading(2, DRIVERS),
        *per_part(3, lambda wf, _level: [_drivers(wf)]),
        _heading(2, OPTIONS),
        *per_part(3, lambda wf, _level: [_options(wf)]),
        _heading(2, OUTCOME),
        *_outcome(decision, record, workflows),
        _heading(3, CONSEQUENCES),
        consequences,
        *consequence_points,
        "" if consequences or consequence_points else "No consequences recorded.",
        _heading(3, CONFIRMATION),
        *per_part(4, lambda wf, _level: _confirmation(wf)),
        _heading(2, PROS_AND_CONS),
        *per_part(3, _pros_and_cons),
        _heading(2, MORE_INFORMATION),
        *_more_information(decision, record, record_url, supersedes, successors, changes),
        # Ours, after MADR's sections, so that ADR tools find theirs where they expect them.
        *_consent(record),
        *([_heading(2, ROOM), *per_part(3, _room)] if any(map(_room_spoke, workflows)) else []),
        _heading(2, RISKS),
        *per_part(3, _risks),
        _heading(2, TCO),
        *per_part(3, lambda wf, _level: [_tco(wf)]),
    ]
    return "\n\n".join(block for block in blocks if block) + "\n"


def _front_matter(decision: Decision, people: Mapping[str, Any]) -> str:
    moment = decision.decided_at or decision.created_at
    day = timezone.localdate(moment) if moment else timezone.localdate()
    lines = ["---", f"status: {yaml_quoted(decision.status)}", f"date: {yaml_quoted(day)}"]
    for key, group in (
        ("decision-makers", "decision_makers"),
        ("consulted", "consulted"),
        ("informed", "informed"),
    ):
        names = [_person(person) for person in as_dicts(people.get(group))]
        if names:  # MADR's optional keys: left out when nobody is in the group
            lines.append(f"{key}: {yaml_quoted(', '.join(names))}")
    lines.append("---")
    return "\n".join(lines)


def _person(person: Mapping[str, Any]) -> str:
    name, role = as_text(person.get("name")), as_text(person.get("role"))
    return f"{name} ({role})" if role else name


def _context(workflow: Mapping[str, Any]) -> str:
    description = md_paragraph(workflow.get("description")) or "No description recorded."
    facts = [
        f"{label}: {md_inline(workflow.get(key))}"
        for key, label in (
            ("source_system", "Source"),
            ("target_system", "Target"),
            ("data_elements", "Data"),
            ("update_frequency", "Updates"),
        )
        if workflow.get(key)
    ]
    return "\n\n".join(filter(None, [description, _bullets(facts)]))


def _drivers(workflow: Mapping[str, Any]) -> str:
    profile, notes = as_dict(workflow.get("profile")), as_dict(workflow.get("notes"))
    items = []
    for key, label in DIMENSIONS:
        item = f"{label}: {md_inline(dimension_value_label(key, profile.get(key))) or 'not set'}"
        if notes.get(key):
            item += f" ({md_inline(notes[key])})"
        items.append(item)
    latency = as_dict(workflow.get("latency"))
    if latency.get("value"):
        amount = _number(latency["value"])
        unit = md_inline(latency.get("unit"))
        if amount == "1":
            unit = unit.removesuffix("s")  # "1 second", not "1 seconds"
        items.append(f"Maximum acceptable latency: {amount} {unit}")
    volume = as_dict(workflow.get("volume"))
    if volume.get("value") is not None:
        amount = _number(volume["value"], grouped=True)
        text = f"Volume: {amount} per {md_inline(volume.get('unit'))}"
        if workflow.get("growth_factor"):
            text += f", {_number(workflow['growth_factor'])}× in three years"
        items.append(text)
    compliance = [md_inline(regime) for regime in as_list(workflow.get("compliance"))]
    if compliance:
        items.append(f"Compliance: {', '.join(compliance)}")
    for key, label in (
        ("skill", "Team skill with distributed systems"),
        ("observability", "Observability maturity"),
        ("coupling", "Coupling between the systems"),
    ):
        if workflow.get(key):
            items.append(f"{label}: {md_inline(workflow[key])}")
    if workflow.get("consumers") is not None:
        items.append(f"Consumers: {md_inline(workflow['consumers'])}")
    for key in ("tolerance", "tolerance_warning"):
        if workflow.get(key):
            items.append(md_inline(workflow[key]))
    return _bullets(items)


def _option_names(workflow: Mapping[str, Any]) -> list[str]:
    names = [as_text(fit.get("name")) for fit in as_dicts(workflow.get("ranking"))]
    chosen = as_text(as_dict(workflow.get("chosen")).get("name"))
    if chosen and chosen not in names:
        names.append(chosen)
    return names


def _options(workflow: Mapping[str, Any]) -> str:
    names = _option_names(workflow)
    if not names:
        return "The workflow was not profiled far enough to rank the patterns."
    return _bullets(md_inline(name) for name in names)


def _outcome(
    decision: Decision, record: Mapping[str, Any], workflows: list[Mapping[str, Any]]
) -> list[str]:
    main = as_text(as_dict(workflows[0].get("chosen")).get("name")) if workflows else ""
    chosen = main or decision.chosen_pattern_name or "none"
    rationale = record.get("rationale", decision.rationale)
    blocks = [f'Chosen option: "{md_inline(chosen)}", because {_because(rationale)}']
    parts = [workflow for workflow in workflows if workflow.get("is_part")]
    if parts:
        blocks.append(
            "That is the whole workflow's option, the headline of this hybrid. "
            "Each part has its own chosen option, which applies to that part:"
        )
    for part in parts:
        name = md_inline(as_dict(part.get("chosen")).get("name")) or "none"
        blocks.append(_heading(3, _label(part)))
        blocks.append(
            f'Chosen option: "{name}", because {_because(recorded_rationale(record, part))}'
        )
    return blocks


def _because(rationale: Any) -> str:
    """The rest of "Chosen option: X, because …", ending in a full stop."""
    text = md_paragraph(rationale)
    if not text:
        return "no rationale was recorded."
    return text if text[-1] in ".!?" else text + "."


def _fit(workflow: Mapping[str, Any], slug: str) -> Mapping[str, Any]:
    return next((f for f in as_dicts(workflow.get("ranking")) if f.get("pattern") == slug), {})


def _candidate(workflow: Mapping[str, Any], slug: str) -> Mapping[str, Any]:
    return next((c for c in as_dicts(workflow.get("candidates")) if c.get("pattern") == slug), {})


def _arguments(fit: Mapping[str, Any]) -> list[str]:
    """The option's good, neutral and bad points from its fit, reasons and mismatches."""
    reasons = [as_text(reason) for reason in as_list(fit.get("reasons"))]
    mismatches = as_dicts(fit.get("mismatches"))
    feasible = bool(fit.get("feasible"))
    good, neutral, bad = [], [], []
    if reasons and feasible and not mismatches:
        good.append(reasons.pop(0))  # "... matches the profile on all four dimensions."
    elif reasons and not feasible:
        bad.append(reasons.pop(0))  # why it cannot be used
    neutral += reasons
    for mismatch in mismatches:
        dimension = as_text(mismatch.get("dimension")) or "profile"
        bad.append(f"the {dimension} does not match: {as_text(mismatch.get('explanation'))}")
    return (
        [f"Good, because {md_inline(text)}" for text in good]
        + [f"Neutral, because {md_inline(text)}" for text in neutral]
        + [f"Bad, because {md_inline(text)}" for text in bad]
    )


def _consequences(workflow: Mapping[str, Any]) -> list[str]:
    chosen = as_text(as_dict(workflow.get("chosen")).get("pattern"))
    if not chosen:
        return []
    fit, candidate = _fit(workflow, chosen), _candidate(workflow, chosen)
    items = []
    if chosen == workflow.get("recommended"):
        items.append(
            "Good, because it is the simplest pattern that satisfies all requirements, "
            "as the matching engine recommends."
        )
    if chosen == workflow.get("cheapest") and len(as_dicts(workflow.get("candidates"))) > 1:
        total = _money(as_dict(candidate.get("tco")).get("total"))
        items.append(
            f"Good, because it costs the least of the candidates over three years ({total})."
        )
    items += [item for item in _arguments(fit) if not item.startswith("Neutral")]
    for pitfall in as_dicts(candidate.get("pitfalls")):
        items.append(
            f"Bad, because of the pitfall “{md_inline(pitfall.get('title'))}”: "
            f"{md_inline(pitfall.get('reason'))} Mitigation: {md_inline(pitfall.get('mitigation'))}"
        )
    return [_bullets(items)] if items else []


def _confirmation(workflow: Mapping[str, Any]) -> list[str]:
    validation = as_dict(workflow.get("validation"))
    blocks = []
    if validation.get("data_subset"):
        blocks.append(f"Prototype on: {md_inline(validation['data_subset'])}")
    checks = as_dicts(validation.get("checks"))
    if checks:
        blocks.append(
            _bullets(
                f"{md_inline(check.get('name'))}: target {md_inline(check.get('target'))}, "
                f"measured {md_inline(check.get('measured'))} — "
                + {None: "pending", True: "pass", False: "fail"}.get(check.get("passed"), "pending")
                for check in checks
            )
        )
        blocks.append(f"Verdict: **{md_inline(validation.get('verdict')) or 'pending'}**")
    else:
        blocks.append("No prototype targets recorded.")
    if validation.get("projection"):
        blocks.append(md_paragraph(validation["projection"]))
    growth = as_dicts(workflow.get("growth"))
    if growth:
        blocks.append(
            _bullets(
                f"{md_inline(g.get('title'))}: {md_inline(g.get('explanation'))} "
                f"Mitigation: {md_inline(g.get('mitigation'))}"
                for g in growth
            )
        )
    if workflow.get("revisit_when"):
        blocks.append(md_paragraph(workflow["revisit_when"]))
    return blocks


def _pros_and_cons(workflow: Mapping[str, Any], level: int) -> list[str]:
    ranking = as_dicts(workflow.get("ranking"))
    if not ranking:
        return ["The workflow was not profiled far enough to rank the patterns."]
    chosen = as_dict(workflow.get("chosen")).get("pattern")
    blocks = []
    for fit in ranking:
        blocks.append(_heading(level, fit.get("name")))
        notes = [
            f"Fit {_number(fit.get('score'))}%, {'' if fit.get('feasible') else 'in'}feasible."
        ]
        if fit.get("pattern") == workflow.get("recommended"):
            notes.append("Recommended by the matching engine.")
        if fit.get("pattern") == chosen:
            notes.append("Chosen.")
        blocks.append(" ".join(notes))
        blocks.append(_bullets(_arguments(fit)))
    return blocks


def _more_information(
    decision: Decision,
    record: Mapping[str, Any],
    record_url: str,
    supersedes: RecordLink | None,
    successors: Sequence[RecordLink],
    changes: Sequence[StatusChange],
) -> list[str]:
    review = decision.review_date
    items = [
        (
            f"Review by {review.isoformat()}, or sooner if volumes or latency needs change."
            if isinstance(review, date)
            else "No review date set."
        )
    ]
    figures = decision_figures(decision) if decision.pk else {}
    items += [
        f"Figures noted on {note.noted_on.isoformat()} by {md_inline(note.author)}"
        + (f" ({md_inline(note.workflow_name)})" if note.workflow_name else "")
        + f": {', '.join(note.figures)}"
        + (f" — {md_inline(note.text)}" if note.text else "")
        + "."
        for note in figures.get("figure_notes", ())
    ]
    items += [
        f"Due for review: {md_inline(crossing.sentence)}."
        for crossing in figures.get("crossings", ())
    ]
    if supersedes is not None:
        items.append(f"Supersedes {_link(supersedes)}.")
    items += [f"Superseded by {_link(newer)}." for newer in successors]
    workshop = as_dict(record.get("workshop"))
    team = md_inline(record.get("team") or (decision.team.name if decision.team_id else ""))
    if workshop.get("title"):
        items.append(
            f"Recorded by team {team} in the workshop “{md_inline(workshop['title'])}”, "
            f"facilitated by {md_inline(workshop.get('facilitator')) or 'nobody recorded'}."
        )
    items.append(f"The record online: <{record_url}>")
    blocks = [_bullets(items)]
    if changes:
        blocks.append("Status history:")
        blocks.append(_bullets(_change_line(change) for change in changes))
    return blocks


# Link texts markdownlint refuses as not descriptive (MD059's defaults), compared as it does.
VAGUE_LINK_TEXTS = frozenset({"click here", "here", "link", "more"})


def _link(link: RecordLink) -> str:
    status = f" ({STATUSES.get(link.status, link.status).lower()})" if link.status else ""
    text = md_inline(link.title)
    if " ".join(re.sub(r"[\W_]+", " ", link.title).lower().split()) in VAGUE_LINK_TEXTS:
        text += f" (decision {link.file_name[:4]})"  # a decision called "More"
    return f"[{text}]({link.file_name}){status}"


def _change_line(change: StatusChange) -> str:
    moment = timezone.localtime(change.changed_at).strftime("%Y-%m-%d %H:%M %Z")
    move = STATUSES.get(change.to_status, change.to_status)
    if change.from_status:
        move = f"{STATUSES.get(change.from_status, change.from_status)} → {move}"
    line = f"{moment}: {move} by {md_inline(change.changed_by.get_username())}"
    return f"{line}: {md_inline(change.note)}" if change.note else line


def _risks(workflow: Mapping[str, Any], level: int) -> list[str]:
    candidates = as_dicts(workflow.get("candidates"))
    if not candidates:
        return ["No candidate patterns were analysed."]
    blocks = []
    for candidate in candidates:
        blocks.append(_heading(level, f"Risks of {as_text(candidate.get('name'))}"))
        risks = as_dicts(candidate.get("risks"))
        if risks:
            blocks.append(
                _table(
                    ("#", "Risk", "Likelihood × impact", "Raised by", "Mitigation"),
                    ("--:", "---", "---", "---", "---"),
                    (
                        (
                            md_cell(risk.get("rank")),
                            md_cell(risk.get("title")),
                            md_cell(
                                f"{as_text(risk.get('likelihood'))} × {as_text(risk.get('impact'))}"
                                f" = {as_text(risk.get('score'))}"
                            ),
                            md_cell(RAISED_BY.get(risk.get("raised_by"), risk.get("raised_by"))),
                            md_cell(risk.get("mitigation")),
                        )
                        for risk in risks
                    ),
                )
            )
        else:
            blocks.append("No risks recorded.")
        pitfalls = as_dicts(candidate.get("pitfalls"))
        if pitfalls:
            blocks.append("Known pitfalls:")
            blocks.append(
                _bullets(
                    f"**{md_inline(p.get('title'))}**: {md_inline(p.get('reason'))} "
                    f"Mitigation: {md_inline(p.get('mitigation'))}"
                    for p in pitfalls
                )
            )
    return blocks


def _tco(workflow: Mapping[str, Any]) -> str:
    candidates = as_dicts(workflow.get("candidates"))
    if not candidates:
        return "No costs recorded."
    rows = []
    for candidate in candidates:
        tco = as_dict(candidate.get("tco"))
        name = md_cell(candidate.get("name"))
        if candidate.get("pattern") == workflow.get("cheapest"):
            name += " (cheapest)"
        money = [md_cell(_money(tco.get(k))) for k in ("infrastructure", "training", "incidents")]
        rows.append((name, *money, md_cell(_money(tco.get("total")))))
    return _table(
        ("Option", "Infrastructure", "Training", "Incident response", "Total"),
        ("---", "--:", "--:", "--:", "--:"),
        rows,
    )


# --- What the room contributed: consent, delay answers, votes, proposed risks ------------------

CONSENT_VERBS = {"agree": "agrees", "abstain": "abstains", "object": "objects"}


def _consent(record: Mapping[str, Any]) -> list[str]:
    """Who agreed, abstained or objected to the proposed decision, and why."""
    items = []
    for entry in as_dicts(record.get("consent")):
        verb = CONSENT_VERBS.get(as_text(entry.get("answer")), md_inline(entry.get("answer")))
        item = f"{md_inline(_person(entry))} {verb}"
        reason = md_inline(entry.get("reason"))
        items.append(f"{item}: {reason}" if reason else f"{item}.")
    if not items:
        return []
    return [_heading(2, CONSENT), "What each decision-maker present answered:", _bullets(items)]


def _room_spoke(workflow: Mapping[str, Any]) -> bool:
    room = as_dict(workflow.get("room"))
    return bool(
        as_dict(room.get("delays")).get("respondents")
        or as_dict(room.get("votes")).get("cast")
        or as_dicts(room.get("proposed_risks"))
    )


def _room(workflow: Mapping[str, Any], _level: int) -> list[str]:
    if not _room_spoke(workflow):
        return []
    room = as_dict(workflow.get("room"))
    return [
        *_room_delays(as_dict(room.get("delays"))),
        *_room_votes(as_dict(room.get("votes"))),
        *_room_risks(as_dicts(room.get("proposed_risks"))),
    ]


def _answer_counts(counts: Any) -> str:
    return " · ".join(
        f"{as_text(answer)} {as_text(n)}" for answer, n in as_dict(counts).items() if n
    )


def _room_delays(delays: Mapping[str, Any]) -> list[str]:
    if not delays.get("respondents"):
        return []
    questions = as_dicts(delays.get("questions"))
    rows = [
        (
            md_cell(role.get("role")),
            *(md_cell(_answer_counts(counts)) for counts in as_list(role.get("counts"))),
        )
        for role in as_dicts(delays.get("roles"))
    ]
    rows.append(("**The room**", *(md_cell(q.get("group_answer")) for q in questions)))
    blocks = [
        f"**How late may the data be?** {md_inline(delays.get('respondents'))} answered.",
        _table(
            ("Role", *(md_cell(q.get("label")) for q in questions)),
            ("---",) * (len(questions) + 1),
            rows,
        ),
    ]
    if delays.get("tolerance"):
        blocks.append(md_paragraph(delays["tolerance"]))
    disagreements = [md_inline(sentence) for sentence in as_list(delays.get("disagreements"))]
    if disagreements:
        blocks += ["Where the roles disagree:", _bullets(disagreements)]
    return blocks


def _room_votes(votes: Mapping[str, Any]) -> list[str]:
    if not votes.get("cast"):
        return []
    lead = f"**Votes on the four dimensions:** {md_inline(votes.get('cast'))} cast."
    if not votes.get("revealed"):
        return [f"{lead} They were never revealed, so the record keeps them hidden too."]
    dimensions = as_dicts(votes.get("dimensions"))
    rows = []
    reasons = []
    for dimension in dimensions:
        spread = ", ".join(
            f"{as_text(c.get('label'))} {as_text(c.get('votes'))}"
            for c in as_dicts(dimension.get("counts"))
            if c.get("votes")
        )
        if dimension.get("split"):
            outcome = "split"
        elif dimension.get("majority"):
            outcome = f"majority: {as_text(dimension.get('majority_label'))}"
        else:
            outcome = "no votes"
        rows.append((md_cell(dimension.get("label")), md_cell(spread), md_cell(outcome)))
        for reason in as_dicts(dimension.get("reasons")):
            reasons.append(
                f"{md_inline(dimension.get('label'))}: “{md_inline(reason.get('reason'))}” — "
                f"{md_inline(_person(reason))}, for {md_inline(reason.get('value_label'))}"
            )
    blocks = [lead, _table(("Dimension", "Votes", "Outcome"), ("---", "---", "---"), rows)]
    if reasons:
        blocks += ["Why they voted so:", _bullets(reasons)]
    return blocks


def _room_risks(candidates: Sequence[Mapping[str, Any]]) -> list[str]:
    blocks = []
    for candidate in candidates:
        risks = as_dicts(candidate.get("risks"))
        if not risks:
            continue
        blocks.append(f"**Risks the room proposed for {md_inline(candidate.get('name'))}:**")
        blocks.append(
            _table(
                ("Risk", "Mitigation", "Raised by", "Dots"),
                ("---", "---", "---", "--:"),
                (
                    (
                        md_cell(risk.get("title")),
                        md_cell(risk.get("mitigation")),
                        md_cell(f"{as_text(risk.get('role'))} ({as_text(risk.get('proposer'))})"),
                        md_cell(risk.get("dots")),
                    )
                    for risk in risks
                ),
            )
        )
    return blocks


# --- A team's records as the folder MADR keeps in a repository ---------------------------------

# Where MADR keeps decisions in a repository (its own and its template's default).
MADR_FOLDER = "docs/decisions"


def decisions_to_madr_zip(
    decisions: Sequence[Decision], *, record_url: Callable[[str], str]
) -> bytes:
    """A team's decisions (with their status changes and superseded decisions read, see
    selectors.team_decision_records) as `docs/decisions/0001-….md` files, in a zip built in
    memory; `record_url` gives the absolute address of a path. Every name is the team's number
    and a slug (ASCII letters, digits, dashes): nothing a user typed can reach outside the
    folder."""
    successors: dict[int, list[Decision]] = defaultdict(list)
    for decision in decisions:
        if decision.supersedes_id:
            successors[decision.supersedes_id].append(decision)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for decision in decisions:
            text = decision_to_markdown(
                decision,
                record_url=record_url(decision.get_absolute_url()),
                supersedes=record_link(decision.supersedes) if decision.supersedes_id else None,
                successors=[record_link(newer) for newer in successors[decision.pk]],
                changes=list(decision.changes.all()),
            )
            entry = zipfile.ZipInfo(
                f"{MADR_FOLDER}/{madr_file_name(decision)}",
                # The record's own time, not the download's: unzipping twice changes nothing.
                date_time=timezone.localtime(decision.updated_at).timetuple()[:6],
            )
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16  # rw-r--r-- once unzipped
            archive.writestr(entry, text.encode("utf-8"))
    return buffer.getvalue()
