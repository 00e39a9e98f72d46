"""The advisor's engine: rule model, loader, evaluator and checks. Pure Python, no Django.

Everything else (pages, API, commands) is a thin shell around these names.
"""

from .check import Report, rulebook_check
from .document import advice_document, domain_document, domain_summary_document
from .evaluate import Advice, AnswerError, answers_canonical, answers_parse, evaluate, question_next, unsure_alternatives
from .loader import rulebook_load
from .model import Domain, RuleBook
from .problems import Problem, RuleBookError

__all__ = [
    "Advice",
    "AnswerError",
    "Domain",
    "Problem",
    "Report",
    "RuleBook",
    "RuleBookError",
    "advice_document",
    "answers_canonical",
    "answers_parse",
    "domain_document",
    "domain_summary_document",
    "evaluate",
    "question_next",
    "rulebook_check",
    "rulebook_load",
    "unsure_alternatives",
]
