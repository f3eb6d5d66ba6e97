"""One entry point for every uploaded source: check it, then hand it to its reader.

The checks here are the ones common to all formats (size, type, encoding); each reader adds
its own (zip safety for Word, DOCTYPE for XML). Every refusal is an
:class:`~multilateral.text.formats.errors.ImportProblem` with the HTTP status to answer.
"""

from __future__ import annotations

import hashlib
import os

from multilateral.text.formats.akn import read_akn
from multilateral.text.formats.docx_reader import read_docx
from multilateral.text.formats.errors import ImportProblem
from multilateral.text.segment import segment_text
from multilateral.text.units import Segmented

__all__ = ["read_source", "sha256_of", "SUPPORTED_EXTENSIONS"]

#: Extension -> content types a browser or client may send for it. "application/octet-stream"
#: (what clients send when they do not know) is accepted for every extension.
SUPPORTED_EXTENSIONS: dict[str, frozenset[str]] = {
    ".docx": frozenset(
        {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/zip",
        }
    ),
    ".txt": frozenset({"text/plain"}),
    ".md": frozenset({"text/markdown", "text/x-markdown", "text/plain"}),
    ".xml": frozenset({"application/xml", "text/xml", "application/akn+xml"}),
}
_ANY = "application/octet-stream"
_MACRO_EXTENSIONS = {".docm", ".dotm", ".xlsm", ".pptm"}


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of the uploaded bytes, to recognise the same file uploaded twice."""
    return hashlib.sha256(data).hexdigest()


def _decode(data: bytes, filename: str) -> str:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ImportProblem(
            "nul-bytes",
            f"{filename}: the file contains NUL bytes (first at byte offset {nul}); "
            "it is not a text file (UTF-16 text must be saved as UTF-8)",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportProblem(
            "encoding",
            f"{filename}: the text is not valid UTF-8 (bad byte at offset {exc.start}); "
            "save it as UTF-8 and upload it again",
        ) from exc


def read_source(
    filename: str,
    data: bytes,
    *,
    content_type: str | None = None,
    max_bytes: int = 20 * 1024 * 1024,
) -> Segmented:
    """Check an uploaded file and segment it with the reader its extension names."""
    name = os.path.basename(filename) or "upload"
    ext = os.path.splitext(name)[1].lower()
    if not data:
        raise ImportProblem("empty", f"{name}: the file is empty")
    if len(data) > max_bytes:
        raise ImportProblem(
            "too-large",
            f"{name}: the file is {len(data):,} bytes, over the limit of {max_bytes:,} bytes",
        )
    if ext in _MACRO_EXTENSIONS:
        raise ImportProblem(
            "macro-enabled",
            f"{name}: macro-enabled files are refused; "
            "save it as a plain .docx and upload it again",
        )
    if ext not in SUPPORTED_EXTENSIONS:
        raise ImportProblem(
            "unsupported-type",
            f"{name}: files of type {ext or '(no extension)'} cannot be imported; "
            "upload .docx, .txt, .md or Akoma Ntoso .xml",
        )
    if content_type:
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime and mime != _ANY and mime not in SUPPORTED_EXTENSIONS[ext]:
            raise ImportProblem(
                "unsupported-type",
                f"{name}: the file is sent as {mime}, which does not match its {ext} extension",
            )
    if ext == ".docx":
        return read_docx(data, filename=name)
    if ext == ".xml":
        return read_akn(data, filename=name)
    return segment_text(_decode(data, name), source_name=name)
