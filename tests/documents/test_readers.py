"""Readers: encodings, formats, cleaning, and every failure as a pt-BR DocumentError."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legalprompt.documents import iter_documents, read_document
from legalprompt.documents.encoding import decode_bytes, decode_bytes_ex
from legalprompt.documents.pdf_text import clean_pages, dehyphenate
from legalprompt.errors import DocumentError, UserInputError

DOCS = Path(__file__).resolve().parent.parent / "fixtures" / "docs"

PT = ("EMENTA: APELAÇÃO CÍVEL. Ação de indenização por dano moral. O réu não apresentou contestação; "
      "a sentença julgou improcedente o pedido. Órgão julgador: 3ª Câmara. Exceção de incompetência, "
      "citação válida, ônus da prova, juízo, ação, razões, João, Conceição.")


# --- decode_bytes -----------------------------------------------------------------------------

@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
    ("latin-1", "latin-1"), ("cp850", "cp850"),
])
def test_decode_portuguese_in_each_encoding(encoding, expected):
    text, enc = decode_bytes_ex(PT.encode(encoding), "t")
    assert text == PT
    assert enc == expected


def test_cp1252_quotes_and_dashes_are_not_c1_controls():
    s = "O juízo “a quo” – com razão – negou… a ‘força maior’ — e o art. 5º."
    text, enc = decode_bytes_ex(s.encode("cp1252"), "t")
    assert enc == "cp1252"
    assert text == s
    assert not any("\x80" <= ch <= "\x9f" for ch in text)


def test_short_latin1_and_cp1252_words():
    assert decode_bytes("não".encode("latin-1"), "t") == "não"
    assert decode_bytes("“não”".encode("cp1252"), "t") == "“não”"
    assert decode_bytes("ação – réu".encode("cp1252"), "t") == "ação – réu"


def test_mixed_utf8_with_stray_cp1252_bytes():
    data = ("A decisão “não transitou” em julgado; ação de indenização. " * 3).encode("utf-8") + " réu".encode("cp1252")
    text, enc = decode_bytes_ex(data, "t")
    assert enc == "utf-8+cp1252"
    assert text.endswith("julgado; ação de indenização.  réu")


def test_double_encoded_utf8_is_repaired():
    broken = "A decisão de ação de execução não transitou".encode("utf-8").decode("cp1252").encode("utf-8")
    assert decode_bytes(broken, "t") == "A decisão de ação de execução não transitou"


def test_line_ends_and_nuls_normalised():
    assert decode_bytes(b"a\r\nb\rc\nd\x00e", "t") == "a\nb\nc\nde"
    assert decode_bytes(b"texto\n" + b"\x00" * 50, "t") == "texto\n"  # NUL padding at the end


@pytest.mark.parametrize("data", [bytes(range(256)) * 20, b"\x00\x01\x02\x03" * 1000, b"\x7fELF\x02\x01\x01" + b"\x00" * 500,
                                  b"\x89PNG\r\n\x1a\n" + b"IHDR" * 10, b"texto" + b"\x00" * 400],
                         ids=["all-bytes", "nul-control", "elf", "png", "nul-padded"])
def test_binary_is_refused_in_portuguese(data):
    with pytest.raises(DocumentError) as exc:
        decode_bytes(data, "arq.bin")
    assert "binário" in exc.value.message and "arq.bin" in exc.value.message


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_decode_never_crashes(data):
    try:
        text = decode_bytes(data, "x")
    except DocumentError as exc:
        assert exc.message
    else:
        assert "\r" not in text and "\x00" not in text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=300))
def test_utf8_roundtrip(s):
    assert decode_bytes(s.encode("utf-8"), "x") == s.replace("\ufeff", "", 1 if s.startswith("\ufeff") else 0)


def test_fifty_megabytes_are_refused_by_size_yet_decodable(tmp_path):
    line = "Ação de execução – “réu” José, citação válida, art. 5º da CF. Órgão: Câmara Cível.\r\n"
    data = (line * (50 * 1024 * 1024 // len(line.encode("cp1252")) + 1)).encode("cp1252")
    path = tmp_path / "grande.txt"
    path.write_bytes(data)
    # Past MAX_TEXT_BYTES a file is refused from its size, before it is read (issue 19) ...
    with pytest.raises(DocumentError, match="grande demais"):
        read_document(path)
    # ... and the decoder itself still handles 50 MB (its time is linear: tests/reliability/test_fuzz.py).
    text, encoding = decode_bytes_ex(data, str(path))
    assert encoding == "cp1252"
    assert text.startswith("Ação de execução – “réu”")
    assert "\r" not in text


# --- formats ------------------------------------------------------------------------------------

def test_latin1_txt_fixture():
    doc = read_document(DOCS / "latin1.txt")
    assert doc.format == "txt" and doc.encoding == "latin-1"
    assert "APELAÇÃO CÍVEL" in doc.text and "Órgão julgador" in doc.text
    assert doc.sha256 == hashlib.sha256((DOCS / "latin1.txt").read_bytes()).hexdigest()
    assert doc.size == (DOCS / "latin1.txt").stat().st_size


def test_cp1252_txt_fixture():
    doc = read_document(DOCS / "cp1252.txt")
    assert doc.encoding == "cp1252"
    assert "“a quo” – com razão" in doc.text and "negou o pedido…" in doc.text


def test_crlf_txt_fixture():
    doc = read_document(DOCS / "crlf.txt")
    assert doc.encoding == "utf-8"
    assert "\r" not in doc.text
    assert doc.text.count("\n") == 5


def test_markdown_with_bom():
    doc = read_document(DOCS / "bom.md")
    assert doc.format == "md"
    assert doc.text.startswith("# Título")


def test_unknown_extension_is_sniffed_as_text():
    doc = read_document(DOCS / "sem-extensao")
    assert doc.format == "txt" and "APELAÇÃO" in doc.text


def test_pdf_headers_footers_hyphens():
    doc = read_document(DOCS / "acordao.pdf")
    assert doc.format == "pdf" and doc.pages == 4 and doc.warnings == []
    t = doc.text
    assert "TRIBUNAL DE JUSTIÇA" not in t and "1001234-56.2020.8.26.0100" not in t
    assert "Página" not in t
    assert "norma constitucional não se aplica" in t
    assert "nega-se provimento" in t             # enclitic hyphen kept across the line break
    assert "A responsabilidade civil" in t        # hyphenated across a page break
    assert "É o relatório.\n\nO recurso" in t     # paragraph (page) break kept
    assert "art. 186 do Código Civil" in t


def test_pdf_scanned_without_text_layer():
    with pytest.raises(DocumentError) as exc:
        read_document(DOCS / "digitalizado.pdf")
    assert "PDF digitalizado sem camada de texto" in exc.value.message
    assert "ocrmypdf" in exc.value.message


def test_pdf_with_password():
    with pytest.raises(DocumentError) as exc:
        read_document(DOCS / "protegido.pdf")
    assert "senha" in exc.value.message


def test_pdf_encrypted_with_empty_password_is_read():
    doc = read_document(DOCS / "protegido-sem-senha.pdf")
    assert "norma constitucional" in doc.text


def test_pdf_corrupt():
    with pytest.raises(DocumentError) as exc:
        read_document(DOCS / "corrompido.pdf")
    assert "PDF corrompido" in exc.value.message


def test_pdf_that_is_really_html(tmp_path):
    p = tmp_path / "decisao.pdf"
    p.write_bytes(b"<!DOCTYPE html><html><body>Sessao expirada</body></html>")
    with pytest.raises(DocumentError) as exc:
        read_document(p)
    assert "HTML" in exc.value.message


def test_docx_paragraphs_and_tables_in_order():
    doc = read_document(DOCS / "peticao.docx")
    assert doc.format == "docx"
    lines = doc.text.split("\n")
    assert lines[0] == "PETIÇÃO INICIAL"
    assert "O autor não foi notificado da cobrança indevida de R$ 1.234,56." in lines
    assert "José da Silva | Autor" in lines
    assert "Banco Exemplo S.A. — Réu" in lines          # merged cell once
    assert lines.index("Parte | Papel") < lines.index("Nestes termos, pede deferimento.")
    assert "CABEÇALHO" not in doc.text


@pytest.mark.parametrize("name", ["corrompido.docx", "sem-documento.docx"])
def test_docx_corrupt(name):
    with pytest.raises(DocumentError) as exc:
        read_document(DOCS / name)
    assert "DOCX corrompido" in exc.value.message


def test_old_word_or_encrypted_docx(tmp_path):
    p = tmp_path / "antigo.docx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(DocumentError) as exc:
        read_document(p)
    assert "senha" in exc.value.message and ".doc" in exc.value.message


def test_html_blocks_kept_scripts_dropped():
    doc = read_document(DOCS / "pagina.html")
    assert doc.format == "html" and doc.encoding == "cp1252"
    t = doc.text
    assert t.startswith("Acórdão\n\nVistos, relatados e discutidos estes autos, acordam")
    assert "“negar provimento”" in t
    assert "- Primeiro item\n- Segundo item" in t
    assert "Relator | Des. Fulano" in t
    assert "Linha um\nLinha dois" in t
    for hidden in ("não deve aparecer", "color", "Título que não entra", "JavaScript"):
        assert hidden not in t


def test_html_without_visible_text(tmp_path):
    p = tmp_path / "vazio.html"
    p.write_text("<html><head><script>x=1</script></head><body>  </body></html>")
    with pytest.raises(DocumentError, match="sem texto visível"):
        read_document(p)


# --- failures -----------------------------------------------------------------------------------

def test_missing_path(tmp_path):
    with pytest.raises(DocumentError, match="não encontrado"):
        read_document(tmp_path / "nao-existe.pdf")


def test_folder_is_not_a_document(tmp_path):
    with pytest.raises(DocumentError, match="é uma pasta"):
        read_document(tmp_path)


def test_empty_file():
    with pytest.raises(DocumentError, match="arquivo vazio"):
        read_document(DOCS / "vazio.txt")


def test_binary_with_unknown_extension():
    with pytest.raises(DocumentError, match="não é texto"):
        read_document(DOCS / "binario.dat")


def test_binary_named_txt(tmp_path):
    p = tmp_path / "foto.txt"
    p.write_bytes((DOCS / "binario.dat").read_bytes())
    with pytest.raises(DocumentError, match="binário"):
        read_document(p)


def test_unsupported_extension_says_what_to_do(tmp_path):
    p = tmp_path / "velho.doc"
    p.write_bytes(b"qualquer coisa")
    with pytest.raises(DocumentError, match="salve como .docx"):
        read_document(p)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=3000), ext=st.sampled_from([".pdf", ".docx", ".html", ".txt", ".xyz", ""]))
def test_read_document_only_raises_document_error(tmp_path, data, ext):
    p = tmp_path / f"arquivo{ext}"
    for prefix in (b"", b"%PDF-1.4\n", b"PK\x03\x04"):
        p.write_bytes(prefix + data)
        try:
            doc = read_document(p)
        except DocumentError as exc:
            assert exc.message
        else:
            assert doc.text.strip()


# --- PDF cleaning units -------------------------------------------------------------------------

def test_dehyphenate_rules():
    assert dehyphenate("constitu-\ncional") == "constitucional"
    assert dehyphenate("nega-\nse provimento") == "nega-se provimento"
    assert dehyphenate("ex-\nmarido") == "ex-marido"
    assert dehyphenate("art. 5-\nA") == "art. 5-\nA"
    assert dehyphenate("Lei 8.078-\n90") == "Lei 8.078-\n90"


def test_clean_pages_drops_running_lines_and_numbers():
    bodies = ["O recurso é tempestivo.", "A parte é legítima.", "Há interesse recursal.",
              "O preparo foi recolhido.", "Passo ao mérito.", "Nego provimento."]
    pages = [f"Poder Judiciário\nProcesso 0001-{i}\n{body}\n{i}" for i, body in enumerate(bodies, 1)]
    text = clean_pages(pages)
    assert "Poder Judiciário" not in text and "Processo" not in text
    assert text.split("\n\n") == bodies


def test_clean_pages_keeps_lines_that_do_not_repeat():
    pages = ["Cabeçalho A\ncorpo um.", "Outro título\ncorpo dois.", "Terceiro\ncorpo três."]
    text = clean_pages(pages)
    assert "Cabeçalho A" in text and "Outro título" in text


# --- iter_documents ----------------------------------------------------------------------------

def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "sub" / "fundo").mkdir(parents=True)
    (root / ".oculta").mkdir()
    for rel in ["doc10.txt", "doc2.txt", "a.pdf", "sub/b.docx", "sub/fundo/c.html", "sub/nota.xyz",
                ".oculta/d.txt", "~$temp.docx", "imagem.png"]:
        (root / rel).write_text("x")
    return root


def test_iter_documents_folder_recursive_sorted(tmp_path):
    root = _tree(tmp_path)
    got = [p.relative_to(root).as_posix() for p in iter_documents([str(root)])]
    assert got == ["a.pdf", "doc2.txt", "doc10.txt", "sub/b.docx", "sub/fundo/c.html"]


def test_iter_documents_glob_file_and_dedupe(tmp_path):
    root = _tree(tmp_path)
    got = [p.name for p in iter_documents([str(root / "*.txt"), str(root / "doc2.txt"), str(root / "sub/nota.xyz")])]
    assert got == ["doc2.txt", "doc10.txt", "nota.xyz"]
    got = [p.name for p in iter_documents([str(root / "**" / "*.html")])]
    assert got == ["c.html"]


def test_iter_documents_errors(tmp_path):
    with pytest.raises(UserInputError, match="não encontrado"):
        list(iter_documents([str(tmp_path / "nada.pdf")]))
    with pytest.raises(UserInputError, match="nenhum arquivo corresponde"):
        list(iter_documents([str(tmp_path / "*.pdf")]))
    (tmp_path / "vazia").mkdir()
    with pytest.raises(UserInputError, match="nenhum documento"):
        list(iter_documents([str(tmp_path / "vazia")]))
