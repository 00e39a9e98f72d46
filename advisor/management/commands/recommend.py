import json
import textwrap

from advisor.engine import AnswerError, advice_document, answers_parse, evaluate
from advisor.engine.evaluate import Advice
from advisor.engine.problems import printable
from advisor.rulebook import rulebook

from ._cli import AdvisorCommand


class Command(AdvisorCommand):
    help = (
        "Rank the candidates of DOMAIN for the given answers, with the reasons. Example: recommend database purpose=app data_shape=tables"
    )

    def add_arguments(self, parser):
        parser.add_argument("domain", help="a domain id, e.g. database")
        parser.add_argument("answers", nargs="*", metavar="question=choice", help="answers so far")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the API's JSON document instead")

    def handle(self, *args, domain: str, answers: list[str], as_json: bool = False, **options) -> None:
        book = rulebook()
        found = book.domain(domain)
        if found is None:
            self.fail(f"unknown domain '{domain}'; domains: {', '.join(d.id for d in book.domains)}")
        raw: dict[str, str] = {}
        for argument in answers:
            question, sep, choice = argument.partition("=")
            if not sep or not question or not choice:
                self.fail(f"'{argument}' is not question=choice")
            if question in raw:
                self.fail(f"question '{question}' is answered twice")
            raw[question] = choice
        try:
            parsed = answers_parse(found, raw)
        except AnswerError as error:
            self.fail(error.detail)
        advice = evaluate(found, parsed, rules_version=book.version)
        if as_json:
            self.stdout.write(json.dumps(advice_document(advice), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(advice_text(advice))


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


def advice_text(advice: Advice) -> str:
    """The advice as a person reads it in a terminal: ranking, reasons, why not, what is left to answer."""
    domain = advice.domain
    given = ", ".join(f"{q}={c}" for q, c in advice.answers) or "none yet"
    lines = [f"{domain.title} (rules version {advice.rules_version})", f"Answers: {given}"]
    if advice.next_question:
        question = advice.next_question
        choices = ", ".join(c.id for c in question.offered_choices)
        lines.append(f"Not complete. Next question: {question.id}={{{choices}}} — {question.text}")
    lines.append("")
    lines.append("Ranking:" if advice.complete else "Standing so far:")
    for rank, standing in enumerate(advice.recommendations, 1):
        candidate = standing.candidate
        lines.append(f"{rank:>2}. {candidate.name} [{candidate.id}] score {standing.score}")
        for reason in standing.reasons:
            sign = "+" if reason.effect == "favour" else "-"
            because = ", ".join(f"{q}={c}" for q, c in reason.answers)
            lines.append(f"      {sign}{reason.weight} {reason.rule} (because {because}; {reason.location})")
            lines.append(_wrap(reason.because, "          "))
        if rank == 1:
            lines.append(f"      docs: {candidate.docs}")
            lines.append(f"      cost: {candidate.cost}")
    if advice.ruled_out:
        lines += ["", "Ruled out:"]
        for standing in advice.ruled_out:
            lines.append(f"  - {standing.candidate.name} [{standing.candidate.id}]")
            for reason in standing.reasons:
                lines.append(f"      {reason.rule} ({reason.location})")
                lines.append(_wrap(reason.because, "          "))
    # Rule text comes from pull requests: nothing in it may drive the terminal (ESC, CR...).
    return "\n".join(printable(piece) for line in lines for piece in line.split("\n"))
