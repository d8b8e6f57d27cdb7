"""Modelo: choose the model, context size, threads and GPU layers; show what the engine reports."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from legalprompt.termsafe import term_safe
from legalprompt.tui.screens.base import BaseScreen
from legalprompt.tui.numbers import br_num


def model_choices() -> list[tuple[str, str]]:
    from legalprompt.engine import bundled
    from legalprompt.engine.models import local_models

    out = [(f"{name} (embutido)", name) for name in bundled.BUNDLED if bundled.is_installed(name)]
    out += [(f"{r.name} ({r.source})", str(r.path)) for r in local_models()]
    return out


class ModelScreen(BaseScreen):
    MODE = "modelo"

    def compose(self):
        s = self.app.settings
        yield self.nav()
        with Horizontal(id="model-main"):
            with Vertical(id="model-form"):
                yield Label("Modelo", classes="pane-title")
                choices = model_choices()
                values = [v for _, v in choices]
                current = s.model if s.model in values else None
                if current is None and not s.model and choices:
                    current = choices[0][1]
                yield Select(choices, value=current if current else Select.NULL, allow_blank=True,
                             prompt="escolha", id="model-choice", compact=True)
                yield Label("ou caminho de um .gguf", classes="field-title")
                yield Input(value=s.model if s.model and s.model not in values else "", id="model-path",
                            placeholder="/caminho/modelo.gguf", compact=True)
                with Horizontal(classes="field-row"):
                    yield Label("Contexto", classes="field-label")
                    yield Input(str(s.n_ctx), id="model-nctx", type="integer", compact=True)
                with Horizontal(classes="field-row"):
                    yield Label("Threads", classes="field-label")
                    yield Input("" if s.threads is None else str(s.threads), id="model-threads", type="integer",
                                placeholder="núcleos físicos", compact=True)
                with Horizontal(classes="field-row"):
                    yield Label("Camadas GPU", classes="field-label")
                    yield Input(str(s.gpu_layers), id="model-gpu", placeholder="auto, all, N ou 0", compact=True)
                yield Button("Carregar", id="model-load", variant="primary", compact=True)
            with Vertical(id="model-info-box"):
                yield Label("O que o motor informa", classes="pane-title")
                with VerticalScroll():
                    yield Static("", id="model-info")
        yield from self.bottom()

    def on_mount(self) -> None:
        self.watch(self.app, "model_status", self._show_info, init=True)

    def _show_info(self, status: str = "") -> None:
        box = self.query_one("#model-info", Static)
        drafts = self.app.drafts  # the engine that generates (its own process, or in this one in tests)
        if drafts is None:
            box.update({"loading": "carregando o modelo…", "error": self.app.model_message}.get(
                status, "nenhum modelo carregado"))
            return
        i = drafts.info
        gpu = ("sim" if i["gpu_offload_supported"] else
               "não — esta instalação do llama.cpp é só CPU; para usar uma GPU NVIDIA reinstale o "
               "llama-cpp-python com CMAKE_ARGS=\"-DGGML_CUDA=on\"")
        lines = [
            f"nome: {i['name']}", f"arquivo: {i['path']}", f"arquitetura: {i['architecture']}",
            f"camadas: {i['layers']}", f"formato do prompt: {'chat' if i['prompt_format'] == 'chat' else 'simples'}",
            f"contexto: {i['n_ctx']} tokens", f"threads: {i['threads']}",
            f"camadas na GPU: {i['gpu_layers']}", f"este llama.cpp pode usar GPU: {gpu}",
            f"carregado em {br_num(i['load_s'], 2)} s",
        ]
        lines += [f"aviso: {w}" for w in drafts.warnings]
        box.update(Text(term_safe("\n".join(lines))))  # names and paths come from files

    @on(Button.Pressed, "#model-load")
    def _load(self) -> None:
        path = self.query_one("#model-path", Input).value.strip()
        choice = self.query_one("#model-choice", Select).value
        model = path or (None if choice is Select.NULL else str(choice))
        overrides = {"model": model}
        for field, key in (("#model-nctx", "n_ctx"), ("#model-threads", "threads")):
            raw = self.query_one(field, Input).value.strip()
            if raw:
                try:
                    overrides[key] = int(raw)
                except ValueError:
                    self.notify(f"valor inválido em {key}: '{raw}' (use um número inteiro)", severity="error")
                    return
            elif key == "threads":
                overrides[key] = None
        overrides["gpu_layers"] = self.query_one("#model-gpu", Input).value.strip() or "auto"
        from legalprompt.engine.params import LoadOptions
        from legalprompt.errors import LegalPromptError

        try:
            LoadOptions(n_ctx=overrides.get("n_ctx", 4096), n_threads=overrides.get("threads"),
                        gpu_layers=overrides["gpu_layers"]).validate()
        except LegalPromptError as exc:
            self.notify(exc.message, severity="error")
            return
        self.app.reload_engine(**overrides)
