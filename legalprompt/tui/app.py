"""The legalprompt Textual app: screens for drafting, limar, tokens, compare, history and model.

Generation runs in an engine process of its own (`engine.worker.DraftWorker`, reached as `app.drafts`): a
crash, a kill or the out-of-memory killer there leaves the app up with everything on screen, Esc can stop a
prompt evaluation at once, and the app's redraws do not share an interpreter lock with the generation loop.
In this process the app keeps only the model's vocabulary (`app.engine`, loaded with vocab_only: megabytes)
for prompts and token counts. Both are loaded in a thread after the first screen paints, so the app opens at
once; every screen watches `model_status` and enables what needs the model when it is ready. Tests may adopt
one shared in-process engine instead (`use_engine`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.reactive import reactive
from textual.screen import Screen

from legalprompt.config import Settings, load_settings
from legalprompt.errors import LegalPromptError
from legalprompt.termsafe import term_safe
from legalprompt.tui.case import Case
from legalprompt.tui.numbers import br_num
from legalprompt.tui.screens.compare import CompareScreen
from legalprompt.tui.screens.draft import DraftScreen
from legalprompt.tui.screens.export import ExportScreen
from legalprompt.tui.screens.history import HistoryScreen
from legalprompt.tui.screens.limar import LimarScreen
from legalprompt.tui.screens.model import ModelScreen
from legalprompt.tui.screens.tokens import TokensScreen

SCREEN_TITLES = {
    "redacao": "Redação", "limar": "Limar", "tokens": "Tokens", "comparar": "Comparar",
    "historico": "Histórico", "modelo": "Modelo",
}


@dataclass
class LastAnswer:
    """The answer on the Redação screen, for export."""

    text: str
    prefill: str
    template: str
    model: str
    seed: int | None
    run_id: int | None
    status: str
    citations: list[dict[str, Any]]
    stop_reason: str | None = None   # "length": the answer was cut at the token limit
    case_id: int | None = None       # the case (tui/case.py) the answer was drafted for
    document: str | None = None      # that case's document, as shown
    document_text: str | None = None  # the text the answer was drafted from
    document_edited: bool = False    # the document box changed after the answer (set by Redação)


class LegalPromptApp(App):
    TITLE = "legalprompt"
    SUB_TITLE = "redação jurídica com modelo local"
    CSS_PATH = str(Path(__file__).with_name("app.tcss"))  # absolute: subclasses may live elsewhere
    ENABLE_COMMAND_PALETTE = True
    MODES = {
        "redacao": DraftScreen, "limar": LimarScreen, "tokens": TokensScreen, "comparar": CompareScreen,
        "historico": HistoryScreen, "modelo": ModelScreen,
    }
    DEFAULT_MODE = "redacao"
    BINDINGS = [
        Binding("ctrl+q", "quit", "sair", priority=True),
        Binding("ctrl+p", "command_palette", "comandos", show=False, priority=True),
        Binding("f2", "show('redacao')", "Redação", show=False, priority=True),
        Binding("f3", "show('limar')", "Limar", show=False, priority=True),
        Binding("f4", "show('tokens')", "Tokens", show=False, priority=True),
        Binding("f6", "show('comparar')", "Comparar", show=False, priority=True),
        Binding("f7", "show('historico')", "Histórico", show=False, priority=True),
        Binding("f8", "show('modelo')", "Modelo", show=False, priority=True),
        Binding("ctrl+s", "export", "exportar"),
        Binding("f1", "help", "atalhos", priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    model_status: reactive[str] = reactive("")
    """'loading' | 'ready' | 'error' | 'off' — screens watch it."""
    case: reactive[Case] = reactive(Case.new)
    """The document on screen (tui/case.py); a new one drops every result made from the previous one."""

    def __init__(self, settings: Settings | None = None, document: str | None = None, load_model: bool = True,
                 model_overrides: dict[str, Any] | None = None):
        super().__init__()
        if settings is None:
            settings, _ = load_settings(model_overrides or {})
        self.settings = settings
        self.initial_document = document
        self.load_model = load_model
        self.engine = None  # vocabulary and prompt building (a full engine only with use_engine)
        self.drafts = None  # generation: DraftWorker (engine process) or InProcessDrafts (use_engine)
        self.model_message = "modelo não carregado"
        self.last_answer: LastAnswer | None = None
        self._cancels: set[threading.Event] = set()
        self.draft_screen: DraftScreen | None = None
        self.template_inputs: dict[str, dict[str, str]] = {}
        """What the user typed in each template's input fields, kept for the session."""

    # -- engine -----------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.model_status = "off"
        if self.load_model:
            # Paint first, then pay for importing llama.cpp and loading the model.
            self.call_after_refresh(self.reload_engine)

    def reload_engine(self, **overrides: Any) -> None:
        if self.model_status == "loading":
            self.notify("o modelo já está carregando; aguarde", severity="warning")
            return
        if self.is_generating():
            self.notify("pare a geração (Esc) antes de trocar de modelo", severity="warning")
            return
        data = self.settings.model_dump()
        data.update({k: v for k, v in overrides.items()})
        try:
            settings = Settings.model_validate(data)
        except ValidationError as exc:  # show it, keep the old settings
            err = exc.errors()[0]
            msg = str(err.get("msg", "")).removeprefix("Value error, ")
            self.notify(f"configuração inválida ({err['loc'][0] if err['loc'] else '?'}): {msg}", severity="error")
            return
        self.settings = settings
        self.model_message = f"carregando o modelo {settings.model or 'padrão'}…"
        self.model_status = "loading"
        self._load_engine(settings)

    @work(thread=True, exclusive=True, group="engine")
    def _load_engine(self, settings: Settings) -> None:
        from legalprompt.engine.loader import load_engine
        from legalprompt.engine.worker import DraftWorker

        old_drafts, old_engine = self.drafts, self.engine
        self.drafts = self.engine = None
        try:
            if old_drafts is not None:
                old_drafts.close()
            if old_engine is not None:
                old_engine.close()
            # The vocabulary first (a fraction of a second): token counts work while the model loads.
            vocab = load_engine(settings, vocab_only=True)
            self.call_from_thread(self._adopt_vocabulary, vocab)
            # llama.cpp keeps every physical core (settings.threads=None) and chooses per request from the
            # cores left free; the app's own thread is mostly idle while it generates (bench/tui_latency.py).
            from legalprompt.paths import data_dir

            logs = data_dir()
            logs.mkdir(parents=True, exist_ok=True, mode=0o700)
            worker = DraftWorker(settings, log_path=logs / "motor.log")
            worker.start()
        except LegalPromptError as exc:
            self.call_from_thread(self._engine_failed, exc.message)
            return
        self.call_from_thread(self.use_worker, worker)

    def _adopt_vocabulary(self, vocab) -> None:
        self.engine = vocab
        if self.draft_screen is not None:
            self.draft_screen.schedule_count(0.0)

    def use_worker(self, worker) -> None:
        """Adopt a started engine process (the loader thread calls this)."""
        self.drafts = worker
        self._engine_ready(worker.info, worker.warnings)

    def use_engine(self, engine) -> None:
        """Adopt a loaded in-process engine (tests share one): it serves prompts, counts and generation."""
        from legalprompt.engine.worker import InProcessDrafts

        self.engine = engine
        self.drafts = InProcessDrafts(engine, self.settings)
        self._engine_ready(engine.info(), engine.warnings)

    def _engine_ready(self, info: dict[str, Any], warnings: list[str]) -> None:
        gpu = f"{info['gpu_layers']} camadas na GPU" if info.get("gpu_layers") else "CPU"
        self.model_message = (f"{info['name']} · contexto {info['n_ctx']} · {info['threads']} threads · {gpu} · "
                              f"carregado em {br_num(info['load_s'])} s")
        self.model_status = "ready"
        for w in warnings:
            self.notify(w, severity="warning", timeout=10)

    def _engine_failed(self, message: str) -> None:
        self.drafts = None
        self.model_message = f"erro ao carregar o modelo: {message}"
        self.model_status = "error"
        self.notify(message, title="Modelo", severity="error", timeout=15)

    def notify(self, message: str, *, title: str = "", **kwargs) -> None:
        """Every notification (screens' too: Widget.notify calls this) is made safe for the terminal:
        messages carry file names and error text that came from documents."""
        super().notify(term_safe(str(message)), title=term_safe(title), **kwargs)

    # -- generation bookkeeping (so quitting stops every stream) -----------------------------------
    def register_cancel(self, ev: threading.Event) -> None:
        self._cancels.add(ev)

    def release_cancel(self, ev: threading.Event) -> None:
        self._cancels.discard(ev)

    def is_generating(self) -> bool:
        return bool(self._cancels)

    async def action_quit(self) -> None:
        """Stop every stream first and give it a moment to store its partial answer as cancelled."""
        import asyncio
        import time

        for ev in list(self._cancels):
            ev.set()
        deadline = time.monotonic() + 5.0
        while self._cancels and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        self.close_engine()
        self.exit()

    def close_engine(self) -> None:
        """End the engine process now (it would also end with the app: it is a daemon child)."""
        drafts, self.drafts = self.drafts, None
        if drafts is not None:
            drafts.close()

    def on_unmount(self) -> None:
        self.close_engine()

    # -- navigation -------------------------------------------------------------------------------
    def action_show(self, mode: str) -> None:
        if mode in self.MODES and self.current_mode != mode:
            self.switch_mode(mode)

    def action_export(self) -> None:
        if self.last_answer is None or not self.last_answer.text:
            self.notify("não há resposta para exportar: gere uma na tela Redação (F5)", severity="warning")
            return
        if self.last_answer.case_id is not None and self.last_answer.case_id != self.case.id:
            self.notify("a resposta era de outro documento: gere uma para o documento aberto (F5)", severity="warning")
            return
        self.push_screen(ExportScreen(self.last_answer, self.case.path))

    def action_copy(self) -> None:
        from legalprompt.tui.clipboard import copy_text

        if self.last_answer is None or not self.last_answer.text:
            self.notify("não há resposta para copiar: gere uma na tela Redação (F5)", severity="warning")
            return
        self.notify(copy_text(self, self.last_answer.text), title="Copiar")

    def action_command_palette(self) -> None:
        from legalprompt.tui.palette import PortuguesePalette

        if not CommandPalette.is_open(self):
            self.push_screen(PortuguesePalette(placeholder="Procurar comandos…", id="--command-palette"))

    def action_help(self) -> None:
        from legalprompt.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_help_quit(self) -> None:
        self.notify("Para sair, use [b]ctrl+q[/b]", title="Sair?")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for mode, title in SCREEN_TITLES.items():
            yield SystemCommand(f"Ir para {title}", f"abre a tela {title}", lambda m=mode: self.action_show(m))
        draft = self.draft_screen
        if draft is not None:
            yield SystemCommand("Gerar resposta", "gera a resposta com os parâmetros atuais (F5)",
                                lambda: self._on_draft("action_generate"))
            yield SystemCommand("Parar geração", "interrompe a geração e guarda a resposta parcial (Esc)",
                                draft.action_stop)
            yield SystemCommand("Gerar de novo com outra semente", "gera de novo com uma semente nova (ctrl+r)",
                                lambda: self._on_draft("action_regenerate"))
            yield SystemCommand("Continuar a resposta", "continua de onde parou (ctrl+t)",
                                lambda: self._on_draft("action_continue"))
            yield SystemCommand("Abrir documento", "escolhe um arquivo numa pasta ou entre os recentes (ctrl+o)",
                                lambda: self._on_draft("action_open_document"))
        yield SystemCommand("Exportar resposta", "salva em .md ou .docx, ou copia (ctrl+s)", self.action_export)
        yield SystemCommand("Copiar a resposta", "para a área de transferência (ctrl+s, Copiar)", self.action_copy)
        yield SystemCommand("Atalhos do teclado", "todas as teclas (F1)", self.action_help)
        yield SystemCommand("Recarregar modelo", "carrega o modelo de novo com a configuração atual",
                            self.reload_engine)
        yield SystemCommand("Alternar tema claro/escuro", "troca entre os temas claro e escuro",
                            self._toggle_dark)
        yield SystemCommand("Sair", "fecha o legalprompt (ctrl+q)", self.action_quit)

    def _on_draft(self, action: str) -> None:
        if self.current_mode != "redacao":
            self.switch_mode("redacao")
        assert self.draft_screen is not None
        self.call_after_refresh(getattr(self.draft_screen, action))

    def _toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme != "textual-light" else "textual-dark"


def main() -> None:  # pragma: no cover - manual entry point
    LegalPromptApp(document=os.environ.get("LEGALPROMPT_TUI_DOCUMENT")).run()
