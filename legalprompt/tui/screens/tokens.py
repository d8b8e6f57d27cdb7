"""Tokens: a text's tokens with their ids in alternating colours, and the most probable next tokens."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Label, Static, TextArea

from legalprompt.errors import LegalPromptError
from legalprompt.termsafe import term_safe
from legalprompt.tui.screens.base import BaseScreen
from legalprompt.tui.widgets.safetext import SafeTextArea
from legalprompt.tui.numbers import br_num

PALETTE = ["#3b2f5c", "#2f4f3a", "#5c4a2a", "#5c2f3a", "#2a4a5c"]  # like OpenAI's tokenizer page, dark theme
MAX_SHOWN = 4000


def token_text(pieces: list[tuple[int, str]], show_ids: bool, parts: list[str] | None = None) -> Text:
    """`parts` (from Engine.prompt_view): "special" tokens are shown reversed, the prefill underlined."""
    t = Text()
    for i, (tid, piece) in enumerate(pieces[:MAX_SHOWN]):
        shown = str(tid) if show_ids else term_safe(piece).replace("\n", "↵\n")
        extra = {"special": " reverse bold", "prefill": " underline"}.get(parts[i], "") if parts else ""
        t.append(shown, style=f"on {PALETTE[i % len(PALETTE)]}{extra}")
        if show_ids:
            t.append(" ")
    if len(pieces) > MAX_SHOWN:
        t.append(f"\n… mais {len(pieces) - MAX_SHOWN} tokens", style="italic")
    return t


class TokensScreen(BaseScreen):
    MODE = "tokens"
    BINDINGS = [
        Binding("f5", "tokenize", "tokenizar", priority=True),
        Binding("ctrl+n", "next", "próximos tokens", priority=True),
        Binding("ctrl+g", "use_prompt", "usar o prompt", priority=True),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.pieces: list[tuple[int, str]] = []

    def compose(self):
        yield self.nav()
        with Horizontal(id="tokens-main"):
            with Vertical(id="tokens-left"):
                yield Label("Texto", classes="pane-title")
                yield SafeTextArea(id="tokens-text", soft_wrap=True,
                                   placeholder="escreva um texto, ou ctrl+g para usar o prompt da redação")
                with Horizontal(classes="button-row"):
                    yield Button("Tokenizar", id="tokens-run", compact=True)
                    yield Button("Próximos tokens", id="tokens-next", compact=True)
                    yield Button("Usar o prompt", id="tokens-prompt", compact=True)
                yield Label("Próximos tokens mais prováveis", classes="pane-title")
                yield DataTable(id="tokens-candidates", cursor_type="row")
            with Vertical(id="tokens-right"):
                yield Label("Tokens", classes="pane-title", id="tokens-title")
                with VerticalScroll(id="tokens-pieces-scroll"):
                    yield Static("", id="tokens-pieces")
                yield Label("Ids", classes="pane-title")
                with VerticalScroll(id="tokens-ids-scroll"):
                    yield Static("", id="tokens-ids")
        yield from self.bottom()

    def on_mount(self) -> None:
        t = self.query_one("#tokens-candidates", DataTable)
        t.add_column("token", key="piece")
        t.add_column("id", key="id")
        t.add_column("probabilidade", key="prob")
        t.add_column("", key="bar")

    def _need_engine(self):
        engine = self.app.engine
        if engine is None:
            self.notify("o modelo ainda não está pronto (veja a linha de estado)", severity="warning")
        return engine

    @on(Button.Pressed, "#tokens-run")
    def _run_pressed(self) -> None:
        self.action_tokenize()

    @on(Button.Pressed, "#tokens-next")
    def _next_pressed(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#tokens-prompt")
    def _prompt_pressed(self) -> None:
        self.action_use_prompt()

    def action_use_prompt(self) -> None:
        engine = self._need_engine()
        draft = self.app.draft_screen
        if engine is None or draft is None:
            return
        try:
            req = draft.request()
        except LegalPromptError as exc:
            self.notify(exc.message, severity="error")
            return
        self._prompt_worker(req)

    @work(thread=True, exclusive=True, group="tokens")
    def _prompt_worker(self, req) -> None:
        from legalprompt.drafting import Drafter

        engine = self.app.engine
        try:
            prompt = Drafter(engine, self.app.settings).measure(req).prompt  # the prompt F5 would send
            view = engine.prompt_view(prompt)  # the tokens the model receives, markup parsed as special tokens
        except LegalPromptError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self._show_prompt, prompt.text, view, engine.n_ctx)

    def _show_prompt(self, text: str, view: list[dict], n_ctx: int) -> None:
        self.query_one("#tokens-text", TextArea).load_text(text)
        self.pieces = [(t["id"], t["piece"]) for t in view]
        parts = ["special" if t["special"] else t["part"] for t in view]
        self.query_one("#tokens-pieces", Static).update(token_text(self.pieces, show_ids=False, parts=parts))
        self.query_one("#tokens-ids", Static).update(token_text(self.pieces, show_ids=True, parts=parts))
        start = next((k for k, t in enumerate(view) if t["part"] == "prefill"), None)
        self.query_one("#tokens-title", Label).update(
            f"Prompt como o modelo recebe · {len(view)} de {n_ctx} tokens do contexto"
            + (f" · palavras iniciais a partir do token {start}" if start is not None else "")
            + " · invertidos: tokens especiais")

    def action_tokenize(self) -> None:
        engine = self._need_engine()
        text = self.query_one("#tokens-text", TextArea).text
        if engine is None:
            return
        if not text:
            self.notify("escreva um texto para tokenizar", severity="warning")
            return
        self._tokenize(text)

    @work(thread=True, exclusive=True, group="tokens")
    def _tokenize(self, text: str) -> None:
        pieces = self.app.engine.token_pieces(text, add_bos=False)
        self.app.call_from_thread(self._show_pieces, text, pieces)

    def _show_pieces(self, text: str, pieces) -> None:
        self.pieces = pieces
        self.query_one("#tokens-pieces", Static).update(token_text(pieces, show_ids=False))
        self.query_one("#tokens-ids", Static).update(token_text(pieces, show_ids=True))
        self.query_one("#tokens-title", Label).update(
            f"Tokens · {len(pieces)} tokens · {len(text)} caracteres"
            + (f" · {br_num(len(text) / len(pieces))} caracteres por token" if pieces else ""))

    def action_next(self) -> None:
        engine = self._need_engine()
        text = self.query_one("#tokens-text", TextArea).text
        if engine is None or self.app.drafts is None:
            return
        if self.app.is_generating():
            self.notify("o motor está gerando uma resposta; Esc para parar, ou espere", severity="warning")
            return
        if not text.strip():
            self.notify("escreva o começo de uma frase, por exemplo 'O réu foi'", severity="warning")
            return
        self.status.set_activity("calculando os próximos tokens…")
        self._next(text)

    @work(thread=True, exclusive=True, group="next")
    def _next(self, text: str) -> None:
        try:
            cands = self.app.drafts.next_tokens(text, top_k=10)  # needs the weights: the engine process
        except LegalPromptError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self._show_next, cands)

    def _show_next(self, cands) -> None:
        t = self.query_one("#tokens-candidates", DataTable)
        t.clear()
        for c in cands:
            t.add_row(repr(c.piece), str(c.id), f"{br_num(100 * c.prob)}%", "█" * max(1, round(20 * c.prob)))
        self.status.set_activity(f"{len(cands)} candidatos para o próximo token")
