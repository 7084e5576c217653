"""Finding and rendering templates: the agent's own folder first, file by file, then the built-in ones.

Every render goes through one Jinja environment: sandboxed (a template cannot reach Python internals) and
autoescaping (docxtpl's default is off, and then `John & Mary <Smith>` breaks the document or injects Word markup,
see ../shared/reference/letters_and_email.md §A1), with StrictUndefined so a misspelt field stops with the file's
name instead of printing nothing. Values are only ever data: `{{ }}` or `{% %}` typed in a cell is printed as typed,
never run. Plain-text email bodies are rendered without escaping (there is no markup to protect) but in the same
sandbox.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import UsageError

LETTER_SUFFIX = ".docx"
TEXT_SUFFIX = ".txt"
HTML_SUFFIX = ".html"
TEMPLATE_NAMES = ("d1_intro", "d3_cma", "d4_meeting", "d5_options", "d6_questions", "d7_recap", "nurture",
                  "reengage")
DEFAULT_TEMPLATE_FOR_STEP = {"D1": "d1_intro", "D3": "d3_cma", "D4": "d4_meeting", "D5": "d5_options",
                             "D6": "d6_questions", "D7": "d7_recap", "N": "nurture", "R": "reengage"}


class TemplateProblem(UsageError):
    """A template cannot be used as it is."""


def builtin_folder(kind: str) -> Path:
    """workbook_templates/letters or workbook_templates/emails, where the package installed them."""
    folder = resources.files("workbook_templates") / kind
    return Path(str(folder))


@dataclass(frozen=True)
class TemplateSource:
    name: str
    path: Path
    own: bool  # from the agent's Template Folder

    @property
    def label(self) -> str:
        return f"{'your template' if self.own else 'the built-in template'} {self.path}"


class TemplateFinder:
    """Looks a template name up in the agent's folder (Settings: Template Folder), then the built-in folders."""

    def __init__(self, own_folder: str | Path | None = None, workbook: str | Path | None = None) -> None:
        self.own: Path | None = None
        if own_folder:
            folder = Path(str(own_folder)).expanduser()
            if not folder.is_absolute() and workbook is not None and not str(workbook).startswith("gsheet:"):
                folder = Path(workbook).resolve().parent / folder
            if not folder.is_dir():
                raise UsageError(f"Settings: Template Folder {own_folder!r} is not a folder I can find "
                                 f"({folder}); fix the path or leave it blank to use the built-in templates.")
            self.own = folder

    def find(self, name: str, suffix: str) -> TemplateSource | None:
        file = name + suffix
        if self.own is not None and (self.own / file).is_file():
            return TemplateSource(name, self.own / file, True)
        kind = "letters" if suffix == LETTER_SUFFIX else "emails"
        builtin = builtin_folder(kind) / file
        return TemplateSource(name, builtin, False) if builtin.is_file() else None

    def template_for(self, step_code: str, plan_template: str | None) -> str | None:
        """The template name for a step: the Plan sheet's Template when such a file exists, else the default."""
        candidate = (plan_template or "").strip()
        if candidate:
            stem = candidate[: -len(LETTER_SUFFIX)] if candidate.lower().endswith(LETTER_SUFFIX) else candidate
            if self.find(stem, LETTER_SUFFIX) or self.find(stem, TEXT_SUFFIX):
                return stem
        return DEFAULT_TEMPLATE_FOR_STEP.get(step_code)


@lru_cache(maxsize=2)
def environment(autoescape: bool):
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Sandbox(ImmutableSandboxedEnvironment):
        """Compiles each distinct template source once: docxtpl hands over the same XML for every lead of a batch,
        and compiling it is a third of the time a letter takes."""

        compiled: dict[str, object] = {}

        def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's signature
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            template = self.compiled.get(source)
            if template is None:
                if len(self.compiled) > 256:
                    self.compiled.clear()
                template = self.compiled[source] = super().from_string(source)
            return template

    sandbox = Sandbox(autoescape=autoescape, undefined=StrictUndefined, trim_blocks=not autoescape,
                      lstrip_blocks=not autoescape, keep_trailing_newline=False)
    sandbox.compiled = {}
    return sandbox


def _explain(error: Exception, source: TemplateSource) -> TemplateProblem:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    where = source.label
    if isinstance(error, TemplateSyntaxError):
        near = getattr(error, "docx_context", None)
        context = f" near: {' | '.join(str(x) for x in near)}" if near else ""
        return TemplateProblem(f"{where} has a mistake in a {{% %}} or {{{{ }}}} tag ({error.message}){context}. "
                               "Fix it in Word (each tag inside one pair of braces, {%p ...%} tags on their own "
                               "line), or delete the file to use the built-in one.")
    if isinstance(error, UndefinedError):
        return TemplateProblem(f"{where} uses a field I do not have ({error.message}). Check the spelling against "
                               "the fields listed in the README (Letters and email), or delete the file to use the "
                               "built-in one.")
    if isinstance(error, SecurityError):
        return TemplateProblem(f"{where} tries something templates may not do ({error}); remove that tag.")
    return TemplateProblem(f"{where} could not be rendered: {error}")


class LetterTemplate:
    """A .docx template, loaded once and rendered per lead."""

    def __init__(self, source: TemplateSource) -> None:
        self.source = source
        self._bytes = source.path.read_bytes()

    def render(self, context: dict, logo: str | None = None) -> bytes:
        from docxtpl import DocxTemplate, InlineImage
        from docx.shared import Mm

        template = DocxTemplate(io.BytesIO(self._bytes))
        agent = dict(context["agent"])
        agent["logo"] = InlineImage(template, logo, height=Mm(14)) if logo else ""
        try:
            template.render({**context, "agent": agent}, jinja_env=environment(True))
        except Exception as error:  # noqa: BLE001 - every template error becomes one message naming the file
            raise _explain(error, self.source) from error
        out = io.BytesIO()
        template.save(out)
        return out.getvalue()


class EmailTemplate:
    """An email template: NAME.txt (first line 'Subject: ...', then the body) and optionally NAME.html (the body)."""

    def __init__(self, text: TemplateSource, html: TemplateSource | None) -> None:
        self.text_source = text
        self.html_source = html
        raw = text.path.read_text(encoding="utf-8-sig")
        first, _, body = raw.partition("\n")
        if not first.lower().startswith("subject:"):
            raise TemplateProblem(f"{text.label} must start with a line 'Subject: ...', then the body.")
        try:
            self._subject = environment(False).from_string(first[len("subject:"):].strip())
            self._text = environment(False).from_string(body.lstrip("\n"))
            self._html = environment(True).from_string(html.path.read_text(encoding="utf-8-sig")) if html else None
        except Exception as error:  # noqa: BLE001
            raise _explain(error, text) from error

    def render(self, context: dict) -> tuple[str, str, str | None]:
        """(subject, plain text, HTML or None)."""
        try:
            subject = " ".join(self._subject.render(context).split())
            text = _tidy(self._text.render(context))
        except Exception as error:  # noqa: BLE001
            raise _explain(error, self.text_source) from error
        html = None
        if self._html is not None:
            try:
                html = self._html.render(context)
            except Exception as error:  # noqa: BLE001
                raise _explain(error, self.html_source) from error  # type: ignore[arg-type]
        return subject, text, html


def _tidy(text: str) -> str:
    """At most one blank line in a row; no trailing spaces."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out) + "\n"
