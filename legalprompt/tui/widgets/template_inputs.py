"""The template's own inputs as form fields, built from its front matter (type, default, description).

An empty field means "not given": the template's default applies, or, for templates that infer their
inputs from the document (ementa: ramo, classe), what the document says. So the default and the
description are shown as the field's hint, never typed in for the user."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Select

from legalprompt.termsafe import safe_label

_BOOL_CHOICES = [("sim", "sim"), ("não", "não")]


def hint(spec) -> str:
    """The placeholder of an input's field: its default and its description."""
    default = spec.default
    if isinstance(default, bool):
        default = "sim" if default else "não"
    parts = []
    if default not in (None, ""):
        parts.append(f"padrão: {default}")
    if spec.description:
        parts.append(spec.description)
    return " — ".join(parts) or ("obrigatório" if spec.required else "opcional")


class TemplateInputs(VerticalScroll, can_focus=False):
    """One row per input (the document input excluded). `values()` holds the filled fields only."""

    class Changed(Message):
        def __init__(self, template: str, values: dict[str, str]):
            super().__init__()
            self.template, self.values = template, values

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.template: str | None = None
        self.specs: dict[str, Any] = {}
        self._last: dict[str, str] = {}

    async def set_template(self, tpl, values: dict[str, str]) -> None:
        """Rebuild the fields for `tpl`, filled with `values` (what the user typed for it this session)."""
        specs = {k: s for k, s in tpl.meta.inputs.items() if k != tpl.meta.document_input}
        self.template, self.specs = None, {}
        await self.remove_children()
        rows = []
        for key, spec in specs.items():
            given = values.get(key, "")
            if spec.type == "bool" or spec.type == "choice":
                options = _BOOL_CHOICES if spec.type == "bool" else [(c, c) for c in spec.choices or []]
                valid = {v for _, v in options}
                field = Select(options, value=given if given in valid else Select.NULL, allow_blank=True,
                               prompt="padrão", id=f"input-{key}", compact=True, classes="template-input")
            else:
                field = Input(value=str(given), placeholder=hint(spec), id=f"input-{key}", compact=True,
                              classes="template-input",
                              type={"int": "integer", "float": "number"}.get(spec.type, "text"))
            field.tooltip = hint(spec)
            rows.append(Horizontal(Label(Text(safe_label(key)), classes="field-label"), field,
                                   classes="input-row"))
        if rows:
            await self.mount_all(rows)
        self.template, self.specs = tpl.name, specs
        self.display = bool(rows)
        self._last = self.values()

    def values(self) -> dict[str, str]:
        """The filled fields of the template shown (none while its fields are being rebuilt)."""
        out: dict[str, str] = {}
        for field in self.query(".template-input"):
            key = (field.id or "").removeprefix("input-")
            if key not in self.specs:
                continue
            if isinstance(field, Select):
                if field.value is not Select.NULL and field.value:
                    out[key] = str(field.value)
            else:
                raw = field.value.strip()
                if raw:
                    out[key] = raw
        return out

    def request_inputs(self, template: str) -> dict[str, Any]:
        """The values as `template` takes them (bool fields as True/False); none while the fields shown are
        another template's (being rebuilt)."""
        out: dict[str, Any] = {}
        if template != self.template:
            return out
        for key, raw in self.values().items():
            spec = self.specs.get(key)
            if spec is None:
                continue
            if spec.type == "float":
                raw = raw.replace(",", ".")
            out[key] = (raw == "sim") if spec.type == "bool" else raw
        return out

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._changed()

    def _changed(self) -> None:
        values = self.values()
        if self.template is not None and values != self._last:
            self._last = values
            self.post_message(self.Changed(self.template, values))
