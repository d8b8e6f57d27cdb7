"""Build `data/citations/cf_provisions.json`: for each article of the Constitution (and of the ADCT),
how many incisos its caput has and how many parágrafos it has (and whether the only one is a
"parágrafo único").

Source: the compiled text published by the Senado, as structured by the Associação Brasileira de
Jurimetria in https://github.com/abjur/constituicao (MIT licence), file CSV/20200826_EMC108.csv:
the text as amended up to EC 108/2020. Amendments after it are applied from `POST_EC108` below,
each with the amendment that made it. The package never reads the CSV at run time.

    python -m legalprompt.citations.build_cf_provisions path/to/20200826_EMC108.csv
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "citations" / "cf_provisions.json"

# (body, article, field, new count, amendment): later amendments we know of.
POST_EC108 = [
    ("cf", "5", "incisos", 79, "EC 115/2022 (inciso LXXIX, proteção de dados pessoais)"),
    ("cf", "37", "paragrafos", 16, "EC 109/2021 (§ 16, avaliação de políticas públicas)"),
]


def _lead(s: str) -> int:
    """Leading number of "4-A" (an inserted § 4º-A keeps the count of plain parágrafos at 4)."""
    return int(re.match(r"\d+", s).group(0))


def build(csv_path: Path) -> dict:
    bodies: dict[str, dict[str, dict]] = {"cf": {}, "adct": {}}
    with csv_path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["artigo"] in ("NA", ""):
                continue
            body = "adct" if r["titulo"] == "10" else "cf"
            art = bodies[body].setdefault(r["artigo"], {"incisos": 0, "paragrafos": 0, "unico": False})
            if r["classe"] == "inciso" and r["paragrafo"] == "NA":
                art["incisos"] = max(art["incisos"], _lead(r["inciso"]))
            elif r["classe"] == "paragrafo":
                art["paragrafos"] = max(art["paragrafos"], _lead(r["paragrafo"]))
                art["unico"] = r["texto"].lower().startswith("parágrafo único")
    for body, art, field, count, why in POST_EC108:
        entry = bodies[body].setdefault(art, {"incisos": 0, "paragrafos": 0, "unico": False})
        entry[field] = max(entry[field], count)
    return {"_source": "abjur/constituicao CSV/20200826_EMC108.csv (MIT), text up to EC 108/2020",
            "_after": [f"art. {a} {f}={n}: {why}" for _, a, f, n, why in POST_EC108],
            **bodies}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    data = build(Path(argv[0]))
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(data['cf'])} articles of the CF, {len(data['adct'])} of the ADCT")


if __name__ == "__main__":
    main()
