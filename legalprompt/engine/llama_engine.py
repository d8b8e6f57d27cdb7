"""The llama.cpp wrapper: one loaded model and context, serving one request at a time.

The context stays loaded between requests, so a prompt that shares a prefix with the previous one
(same template, same document) only evaluates the new suffix.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Iterator

from legalprompt.engine.assembly import Clock, TextAssembler
from legalprompt.engine.decoder import check_context, request_tokens
from legalprompt.engine.events import Candidate, DoneEvent, TextEvent, Usage
from legalprompt.engine.gguf_meta import GGUFMeta, read_gguf
from legalprompt.engine.models import ModelRef, effective_prompt_format
from legalprompt.engine.params import LoadOptions, SamplingParams, parse_gpu_layers, physical_cores
from legalprompt.engine.steering import anchored_choice, complete_open_citation
from legalprompt.engine.prompt import PLAIN_HINT, BuiltPrompt, render_chat, render_plain
from legalprompt.errors import ModelError, TemplateError, UserInputError

# Template markup that is a special token in every real vocabulary: <|eot_id|>, <｜Assistant｜>.
_MARKER = re.compile(r"<\|[^|<>\s]{1,48}\|>|<｜[^｜<>\s]{1,48}｜>")



def plan_gpu_layers(requested: str | int, n_layers: int | None, supported: bool) -> tuple[int, int, str | None]:
    """Turn --gpu-layers into (n_gpu_layers for llama.cpp, layers that will be on the GPU, warning)."""
    req = parse_gpu_layers(requested)
    total = (n_layers or 0) + 1  # llama.cpp counts the output layer too
    if req == "auto":
        return (-1, total, None) if supported else (0, 0, None)
    if req == 0:
        return 0, 0, None
    if not supported:
        from legalprompt.engine.build import rebuild_command

        return 0, 0, ("esta instalação do llama.cpp não tem suporte a GPU; rodando na CPU. Para usar uma GPU NVIDIA, "
                      f"reinstale com: {rebuild_command(user_args='-DGGML_CUDA=on')} (ou, num clone: "
                      "CMAKE_ARGS=-DGGML_CUDA=on make engine)")
    if req == "all":
        return -1, total, None
    return int(req), min(int(req), total), None


_LOG_TAIL: list[str] = []
_log_callback = None


def _quiet_llama_logs(llama_cpp) -> None:
    """Route llama.cpp's C-level log away from the terminal, keeping the last lines for error
    messages. LEGALPROMPT_DEBUG=1 lets them through."""
    global _log_callback
    if _log_callback is not None:
        return
    import ctypes
    import os

    debug = os.environ.get("LEGALPROMPT_DEBUG") == "1"

    @llama_cpp.llama_log_callback
    def _cb(level, text, user_data):
        line = text.decode("utf-8", errors="replace")
        if debug:
            sys.stderr.write(line)
        _LOG_TAIL.append(line)
        del _LOG_TAIL[:-20]

    _log_callback = _cb  # keep a reference: ctypes callbacks must outlive their use
    llama_cpp.llama_log_set(_cb, ctypes.c_void_p(0))


class Engine:
    """Owns one `llama_cpp.Llama`. Thread-safe by serialisation: every call takes the lock.
    A `legalprompt.engine.decoder.Decoder`: the in-process one."""

    steers = True  # takes a citation guard (anchored citations)

    def __init__(self, ref: ModelRef, opts: LoadOptions):
        opts.validate()
        self.ref = ref
        self.meta: GGUFMeta = read_gguf(ref.path)
        self.prompt_format = effective_prompt_format(ref, self.meta)
        self.warnings: list[str] = []
        self._model_sha: str | None = None
        import llama_cpp

        _quiet_llama_logs(llama_cpp)
        self._llama_cpp = llama_cpp
        self.gpu_supported = bool(llama_cpp.llama_supports_gpu_offload())
        n_gpu, self.gpu_layers, warn = plan_gpu_layers(opts.gpu_layers, self.meta.block_count, self.gpu_supported)
        if warn:
            self.warnings.append(warn)
        train_ctx = self.meta.context_length or opts.n_ctx
        n_ctx = min(opts.n_ctx, train_ctx)
        # --threads N fixes the count; otherwise each request picks it from the cores free at its start.
        self.auto_threads = opts.n_threads is None
        self.max_threads = opts.n_threads or physical_cores()
        self.n_threads = self.max_threads
        self._threads_seen = float("-inf")  # when fit_threads last looked at the machine
        from legalprompt.engine.threads import CpuLook

        self._cpu_look = CpuLook()  # its window runs while the model loads and the first request is prepared
        t0 = time.perf_counter()
        try:
            self.llm = llama_cpp.Llama(
                model_path=str(ref.path), n_ctx=n_ctx, n_batch=min(self._batch_size(opts, n_gpu), n_ctx),
                n_threads=self.n_threads, n_threads_batch=self.n_threads, n_gpu_layers=n_gpu,
                seed=opts.seed, logits_all=False, verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            detail = "".join(_LOG_TAIL[-3:]).strip().replace("\n", " ")[-300:]
            raise ModelError(f"o llama.cpp não conseguiu carregar {ref.path} ({detail or exc}). O arquivo pode "
                             "estar corrompido ou ser de uma arquitetura que esta versão não conhece.") from None
        self.load_s = time.perf_counter() - t0
        self.n_ctx = self.llm.n_ctx()
        self._lock = threading.Lock()
        self._canonical = 0  # leading KV positions computed in canonical full chunks (see _eval_reusing_prefix)
        self._vocab = self.llm._model.vocab
        import ctypes

        self._piece_buf = ctypes.create_string_buffer(64)
        self._pieces: dict[tuple[int, bool], bytes] = {}
        self._bos_text = self.piece(self.llm.token_bos(), special=True) if self.llm.token_bos() >= 0 else ""
        self._eos_text = self.piece(self.llm.token_eos(), special=True) if self.llm.token_eos() >= 0 else ""
        self._eog: list[tuple[int, str]] | None = None
        self._marker_ok: dict[str, bool] = {}

    @property
    def model_name(self) -> str:
        return self.ref.name

    def model_id(self) -> str:
        """sha256 of the weights (cached by path, size and mtime): what a result was made with."""
        if self._model_sha is None:
            from legalprompt.engine.models import sha256_cached

            self._model_sha = sha256_cached(self.ref.path)
        return self._model_sha

    def fits(self, n_prompt: int, max_tokens: int) -> bool:
        return n_prompt + max_tokens <= self.n_ctx

    def parallel(self, n_seq: int):
        """A decoder for `n_seq` requests at once: parallel sequences in a second context on these weights."""
        from legalprompt.engine.parallel import ParallelDecoder

        return ParallelDecoder(self, n_seq, n_ctx_seq=self.n_ctx)

    @staticmethod
    def _batch_size(opts: LoadOptions, n_gpu_layers: int) -> int:
        """Prompt evaluation batch. It is also the granule of prefix reuse (see _eval_reusing_prefix), so
        on the CPU we take 64: measured here, batches of 64 evaluate prompts as fast as 512 (gemma3-270m
        289 vs 267 tokens/s, smollm2-135m 173 vs 162) and a shared prefix is then reused to within 63
        tokens instead of 511. A GPU wants big batches."""
        if opts.n_batch:
            return opts.n_batch
        return 512 if n_gpu_layers != 0 else 64

    # -- tokens -----------------------------------------------------------------------------------
    def piece_bytes(self, token: int, special: bool = False) -> bytes:
        """Bytes of one token, cached (the per-token path runs this for every generated token)."""
        key = (token, special)
        b = self._pieces.get(key)
        if b is None:
            n = self._llama_cpp.llama_token_to_piece(self._vocab, token, self._piece_buf, len(self._piece_buf),
                                                     0, special)
            if n < 0:  # buffer too small: retry with the size llama.cpp asked for
                import ctypes

                buf = ctypes.create_string_buffer(-n)
                n = self._llama_cpp.llama_token_to_piece(self._vocab, token, buf, -n, 0, special)
                b = buf.raw[:n]
            else:
                b = self._piece_buf.raw[:n]
            self._pieces[key] = b
        return b

    def piece(self, token: int, special: bool = False) -> str:
        return self.piece_bytes(token, special).decode("utf-8", errors="replace")

    def tokenize(self, text: str, *, add_bos: bool = False, special: bool = False) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=special)

    def detokenize(self, ids: list[int]) -> str:
        return self.llm.detokenize(ids).decode("utf-8", errors="replace")

    def token_pieces(self, text: str, *, add_bos: bool = True) -> list[tuple[int, str]]:
        """Each token of `text` as (id, piece). A piece that is part of a multi-byte character shows
        as its bytes (<0xC3>), as tokenizer pages do."""
        out = []
        for tid in self.tokenize(text, add_bos=add_bos):
            b = self.piece_bytes(tid, special=True)
            try:
                piece = b.decode("utf-8")
            except UnicodeDecodeError:
                piece = "".join(f"<0x{x:02X}>" for x in b)
            out.append((tid, piece))
        return out

    def is_special(self, token: int) -> bool:
        """Template markup such as <|eot_id|> or <think>: a control token, or a user-defined one that is
        not mere whitespace (Gemma's vocabulary has user-defined runs of newlines)."""
        lc = self._llama_cpp
        attr = lc.llama_vocab_get_attr(self._vocab, token)
        if attr & lc.LLAMA_TOKEN_ATTR_CONTROL:
            return True
        return bool(attr & lc.LLAMA_TOKEN_ATTR_USER_DEFINED) and bool(self.piece(token, special=True).strip())

    def prompt_view(self, prompt: BuiltPrompt) -> list[dict]:
        """The prompt as the model receives it, token by token: {id, piece, special, part} where part is
        "markup" (template), "text" (system, document, instructions) or "prefill"."""
        out: list[dict] = []
        # The prefill starts this many bytes before the end of the text; the first token reaching past
        # that point starts it (in the plain frame a token may straddle "\n\n" and the prefill).
        prefill_at = len(prompt.text.encode()) - len(prompt.prefill.encode()) if prompt.prefill_start is not None \
            and prompt.prefill else None
        pos = 0
        for i, seg in enumerate(prompt.segments):
            add_bos = i == 0 and not prompt.starts_with_bos_text
            for tid in self.tokenize(seg.text, add_bos=add_bos, special=seg.special):
                b = self.piece_bytes(tid, special=True)
                special = self.is_special(tid)
                try:
                    piece = b.decode("utf-8")
                except UnicodeDecodeError:
                    piece = "".join(f"<0x{x:02X}>" for x in b)
                if special and tid == self.llm.token_bos() and i == 0 and not out and add_bos:
                    b = b""  # BOS added by the tokenizer is not in the text
                pos += len(b)
                part = "markup" if seg.special else "text"
                if prefill_at is not None and pos > prefill_at and not seg.special:
                    part = "prefill"
                out.append({"id": tid, "piece": piece, "special": special, "part": part})
        return out

    def is_eog(self, token: int) -> bool:
        return bool(self._llama_cpp.llama_vocab_is_eog(self._vocab, token))

    def end_of_turn_tokens(self) -> list[tuple[int, str]]:
        """Tokens that end generation: the GGUF's eos/eot/eom ids and every token llama.cpp's vocabulary
        counts as end-of-generation (it also recognises <|im_end|>, <end_of_turn>... by their text)."""
        if self._eog is None:
            ids = {int(self.meta.metadata[k]) for k in ("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id",
                                                        "tokenizer.ggml.eom_token_id") if k in self.meta.metadata}
            ids |= {t for t in range(self.llm.n_vocab()) if self.is_eog(t)}
            self._eog = [(t, self.piece(t, special=True)) for t in sorted(ids) if 0 <= t < self.llm.n_vocab()]
        return self._eog

    # -- prompts ----------------------------------------------------------------------------------
    def build_prompt(self, user: str, prefill: str = "", system: str | None = None,
                     thinking: bool = False) -> BuiltPrompt:
        if self.prompt_format == "chat" and self.meta.chat_template:
            prompt = render_chat(self.meta.chat_template, system, user, prefill, self._bos_text, self._eos_text,
                                 thinking=thinking)
            self._check_markers(prompt)
            return prompt
        if thinking:
            raise UserInputError("--thinking precisa de um modelo com chat template que tenha bloco de raciocínio; "
                                 "este modelo usa o prompt simples. Rode sem --thinking.")
        return render_plain(system, user, prefill)

    def _check_markers(self, prompt: BuiltPrompt) -> None:
        """A template whose <|...|> markers are not tokens of this model belongs to another model: the
        model would read them as plain text and never end its turn. Refuse with the fallback."""
        missing = []
        for seg in prompt.segments:
            if not seg.special:
                continue
            for marker in _MARKER.findall(seg.text):
                if marker not in self._marker_ok:
                    self._marker_ok[marker] = len(self.tokenize(marker, special=True)) == 1
                if not self._marker_ok[marker] and marker not in missing:
                    missing.append(marker)
        if missing:
            raise TemplateError(f"o chat template deste modelo usa marcadores que não existem no vocabulário dele "
                                f"({', '.join(missing[:5])}): o template provavelmente é de outro modelo. {PLAIN_HINT}")

    def turn_stops(self, prompt: BuiltPrompt) -> list[str]:
        """Stop strings for an end of turn the vocabulary cannot stop by itself: the template's
        end-of-turn text when it is not an end-of-generation token (RWKV's blank line, MiniMax's [e~[)."""
        eot = prompt.end_of_turn.strip()
        if prompt.format != "chat" or not eot:
            return []
        ids = self.tokenize(eot, special=True)
        if ids and self.is_eog(ids[0]):
            return []
        return [eot]

    def prompt_tokens(self, prompt: BuiltPrompt) -> list[int]:
        """Tokenize once: markup segments parse special tokens, user text does not; BOS only if the
        template did not already write it (no double BOS)."""
        ids: list[int] = []
        for i, seg in enumerate(prompt.segments):
            add_bos = i == 0 and not prompt.starts_with_bos_text
            ids.extend(self.tokenize(seg.text, add_bos=add_bos, special=seg.special))
        return ids

    def check_fits(self, n_prompt: int, max_tokens: int) -> None:
        check_context(n_prompt, max_tokens, self.n_ctx)

    # -- evaluation -------------------------------------------------------------------------------
    def _eval_reusing_prefix(self, tokens: list[int]) -> int:
        """Evaluate `tokens`, keeping the KV cache of the longest prefix shared with the last request.
        Returns how many tokens were reused. Caller holds the lock.

        Determinism: llama.cpp's kernels give slightly different numbers for the same token in batches
        of different sizes, which is enough to change a sampled answer. So a prompt is always evaluated
        in the same shape, cached or not: the body in chunks of n_batch aligned to position 0, then the
        last token alone; and only whole chunks evaluated in that shape are reused. Same seed, same
        prompt, same output, whatever ran before."""
        llm = self.llm
        n = len(tokens)
        chunk = llm.n_batch
        common = 0
        if llm.n_tokens > 0:
            for a, b in zip(llm._input_ids[: min(llm.n_tokens, self._canonical)], tokens):
                if a != b:
                    break
                common += 1
        reuse = min(common, n - 1) // chunk * chunk
        if reuse > 0 and llm._ctx.kv_cache_seq_rm(-1, reuse, -1):
            llm.n_tokens = reuse
        else:
            reuse = 0
            llm.reset()
            llm._ctx.kv_cache_seq_rm(-1, 0, -1)
        llm.eval(tokens[reuse : n - 1])
        self._canonical = (n - 1) // chunk * chunk
        llm.eval(tokens[n - 1 :])
        return reuse

    def next_tokens(self, text: str, top_k: int = 10) -> list[Candidate]:
        """The most probable next tokens after `text`, from the last position's logits only."""
        import numpy as np

        if top_k < 1:
            raise UserInputError(f"--top deve ser 1 ou mais (recebi {top_k})")
        tokens = self.tokenize(text, add_bos=True)
        if not tokens:
            raise UserInputError("texto vazio: escreva o começo de uma frase, por exemplo 'O céu é'")
        self.check_fits(len(tokens), 1)
        with self._lock:
            self._eval_reusing_prefix(tokens)
            ptr = self._llama_cpp.llama_get_logits_ith(self.llm._ctx.ctx, -1)
            logits = np.ctypeslib.as_array(ptr, shape=(self.llm.n_vocab(),)).astype(np.float64)
        logits -= logits.max()
        probs = np.exp(logits)
        probs /= probs.sum()
        k = min(top_k, probs.size)
        top = np.argpartition(-probs, k - 1)[:k]
        top = top[np.argsort(-probs[top])]
        return [Candidate(int(i), self.piece(int(i), special=True), float(probs[i])) for i in top]

    def generate(self, prompt: BuiltPrompt | list[int], params: SamplingParams,
                 cancel: threading.Event | None = None, prefill: str | None = None,
                 special_text: bool = False, guard=None) -> Iterator[TextEvent | DoneEvent]:
        """Stream the answer. The prefill is not re-emitted as text events (callers show it first);
        DoneEvent.output is prefill + generated text. `special_text` shows control tokens as their text
        (a reasoning stage must see the closing tag whatever its token type).

        `guard`: a `legalprompt.citations.anchor.CitationGuard` (anchored citations), or None (free).
        The guard's offsets count from the start of the prefill."""
        params.validate()
        tokens, prefill = request_tokens(self, prompt, prefill)
        self.check_fits(len(tokens), params.max_tokens)
        with self._lock:
            yield from self._generate_locked(tokens, params, cancel, prefill, special_text, guard)

    def fit_threads(self) -> int:
        """Before a request: with automatic threads, use only the cores other processes leave free. One look
        serves the generations that follow within a few seconds (a staged draft's sections, --thinking's two
        stages, compare's samples). The look's window is what the process did since the last look (the model's
        load, for the first request), so a request waits only when that window is under 0.1 s."""
        if self.auto_threads and self.gpu_layers == 0 and time.monotonic() - self._threads_seen > 3.0:
            from legalprompt.engine.threads import choose_threads

            n = choose_threads(self.max_threads, self._cpu_look.busy_elsewhere())
            self._threads_seen = time.monotonic()
            if n != self.n_threads:
                self._llama_cpp.llama_set_n_threads(self.llm.ctx, n, n)
                self.n_threads = n
        return self.n_threads


    def _logits(self):
        import numpy as np

        ptr = self._llama_cpp.llama_get_logits_ith(self.llm._ctx.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self.llm.n_vocab(),))

    def _generate_locked(self, tokens, params, cancel, prefill, special_text=False, guard=None):
        llm = self.llm
        clock = Clock(time.perf_counter())  # the thread choice's short look at the machine counts as waiting time
        threads = self.fit_threads()
        reused = self._eval_reusing_prefix(tokens)
        clock.t_prompt = time.perf_counter()
        llm.set_seed(params.seed)
        sampler_args = dict(top_k=params.top_k, top_p=params.top_p, min_p=params.min_p, temp=params.temperature,
                            repeat_penalty=params.repeat_penalty, reset=True)
        # The prompt is already evaluated, so generate() finds it cached and samples at once.
        gen = llm.generate(tokens, **sampler_args)
        context = list(tokens)     # what the context holds, for restarting generate() after an anchored choice
        text = TextAssembler(params.stop, prefill)
        stop_reason = "length"
        forced: list[int] = []     # tokens chosen by the citation guard, written before sampling resumes
        try:
            while True:
                chosen = bool(forced)
                tok = forced.pop(0) if chosen else next(gen, None)
                if tok is None:
                    break
                if clock.t_first is None:
                    clock.t_first = time.perf_counter()
                if self.is_eog(tok):
                    stop_reason = "eos"
                    break
                if guard is not None and not chosen and not guard.accepts(text.context, self.piece(tok)):
                    # refused: the token was sampled but not evaluated; choose from the same logits
                    gen.close()
                    guard.refusals = getattr(guard, "refusals", 0) + 1
                    forced = anchored_choice(self._logits(), guard, text.context, params, text.n_out,
                                             self.piece, self.is_eog, self.tokenize)
                    continue
                context.append(tok)
                if chosen:
                    llm.eval([tok])            # a chosen token: evaluate it ourselves
                    if not forced:             # sampling resumes from the cache, which holds `context` exactly
                        gen = llm.generate(list(context), **sampler_args)
                ev = text.add(tok, self.piece_bytes(tok, special_text))
                if text.stopped:
                    break
                if ev is not None:
                    yield ev
                if text.n_out >= params.max_tokens:
                    break
                if cancel is not None and cancel.is_set():
                    stop_reason = "cancelled"
                    break
        finally:
            gen.close()
        if guard is not None and stop_reason == "length" and not text.stopped:
            rest = complete_open_citation(guard, text.context, len(prefill))
            if rest:
                text.append(rest, self.tokenize(rest))
        ev = text.finish()
        if ev is not None:
            yield ev
        timings = clock.timings(time.perf_counter(), len(tokens) - reused, text.n_out, self.load_s, threads)
        yield text.done(stop_reason, Usage(len(tokens), text.n_out, reused), timings, params.seed)

    def forget_context(self) -> None:
        """Drop the warm prefix: the next request evaluates its whole prompt (for cold measurements)."""
        with self._lock:
            self.llm.reset()
            self._canonical = 0

    def close(self) -> None:
        """Free the model and context now, not whenever the garbage collector gets to them."""
        with self._lock:
            self.llm.close()

    def info(self) -> dict:
        return {
            "name": self.ref.name, "path": str(self.ref.path), "architecture": self.meta.architecture,
            "n_ctx": self.n_ctx, "threads": self.n_threads, "prompt_format": self.prompt_format,
            "gpu_offload_supported": self.gpu_supported, "gpu_layers": self.gpu_layers,
            "layers": self.meta.block_count, "load_s": self.load_s,
        }
