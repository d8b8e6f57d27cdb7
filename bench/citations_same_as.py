"""Same verdicts as another revision: `check_text` of the working tree against that of REV (copied out of git
as in citations_speed.py) on every text we have: LeNER-Br train and dev (token files joined in 400-token
pieces), the citations-dev sentences, rulingbr ementas and full texts, the examples and the adversarial set.
Prints how many texts differ in citations, verdicts, reasons, checks or quotes (a speed change must print 0).
Run: .venv/bin/python bench/citations_same_as.py REV"""
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE)); sys.path.insert(0, str(HERE.parent))
import citations_speed as B
from legalprompt.citations import check_text
rev = sys.argv[1]
before_extract, before_check = B.load_before(rev, Path(tempfile.mkdtemp()))
S = HERE.parent.parent / "shared" / "data"
texts = []
for f in sorted((S / "lener-br").glob("*")):
    if f.suffix == ".jsonl":
        texts += [json.loads(l)["text"] for l in f.open()]
    elif f.is_dir():
        for g in sorted(f.rglob("*")):
            if g.is_file() and g.suffix in (".conll", ".txt"):
                lines = g.read_text(encoding="utf-8", errors="replace").splitlines()
                if g.suffix == ".conll":
                    toks = [l.split()[0] for l in lines if l.strip()]
                    texts += [" ".join(toks[i:i+400]) for i in range(0, len(toks), 400)]
    elif f.suffix in (".conll", ".txt"):
        lines = f.read_text(encoding="utf-8", errors="replace").splitlines()
        toks = [l.split()[0] for l in lines if l.strip()]
        texts += [" ".join(toks[i:i+400]) for i in range(0, len(toks), 400)]
for f in sorted((S / "rulingbr-sample").glob("*.json")):
    d = json.loads(f.read_text())
    texts += [d[k] for k in ("ementa", "full_text") if d.get(k)]
texts += [p.read_text() for p in (HERE.parent / "examples").glob("*.txt")]
texts += [json.loads(l)["text"] for l in open(HERE.parent / "tests" / "citations" / "data" / "adversarial.jsonl", encoding="utf-8")]
print(len(texts), "texts", sum(map(len, texts)) / 1e6, "M chars")
def key(rep):
    return [(c.kind, c.start, c.end, c.verdict.value, tuple(r.code for r in c.reasons), tuple(c.checks)) for c in rep.citations], \
           [(q.start, q.end, q.found) for q in rep.quotes]
bad = 0
for t in texts:
    a, b = key(check_text(t)), key(before_check(t))
    if a != b:
        bad += 1
        if bad <= 3: print("DIFF", t[:200], a[0][:3], b[0][:3])
print("different:", bad)
