"""Render the three application documents to PDF, embed their data, and draw page previews.

Rendering fills the .docx templates with docxtpl and converts all three with ONE LibreOffice call,
because starting soffice costs more than converting a file. Each call takes a LibreOffice profile
from a small pool, because two soffice processes sharing a profile block or fail.
"""

import asyncio
import io
import json
import logging
import os
import shutil
import tempfile
import threading
import weakref
from pathlib import Path

from docxtpl import DocxTemplate
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams, FileSpec, embed_file
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from mortgage_cloud.documents import layout
from mortgage_cloud.documents.context import template_context
from mortgage_cloud.documents.data import DocumentData
from mortgage_cloud.errors import AppError

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
DOCUMENT_KINDS = ("mortgage_contract", "application_form", "power_of_attorney")
DATA_FILE_NAME = "document-data.json"

SOFFICE = os.environ.get("MC_SOFFICE", "soffice")
SOFFICE_TIMEOUT_SECONDS = 120
PROFILE_POOL_SIZE = 2

# PDFium is not thread-safe, even across different documents (pypdfium2's Python API guide), and two
# threads inside it at once crash the process. Every use of pypdfium2 takes this lock.
_pdfium_lock = threading.Lock()

_pools: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Queue[Path]]" = weakref.WeakKeyDictionary()


class RenderFailed(AppError):
    status = 500
    code = "DOCUMENT_RENDER_FAILED"
    message = "文件生成失败，请稍后重试；如多次失败，请联系平台运维人员。"


class DocumentDataMissing(AppError):
    status = 422
    code = "DOCUMENT_DATA_MISSING"
    message = "该 PDF 文件中没有嵌入的文件数据，不是本平台生成的文件。"


async def render_documents(data: DocumentData) -> dict[str, bytes]:
    """Render the mortgage contract, application form and power of attorney as PDFs carrying `document-data.json`."""
    context = template_context(data)
    payload = canonical_json(data.to_dict()).encode()

    with tempfile.TemporaryDirectory(prefix="mc-render-") as work:
        folder = Path(work)
        sources = await asyncio.to_thread(_fill_templates, context, folder)
        await _convert_to_pdf(sources, folder / "pdf")
        documents = {}
        for kind in DOCUMENT_KINDS:
            pdf = (folder / "pdf" / f"{kind}.pdf").read_bytes()
            documents[kind] = await asyncio.to_thread(embed_document_data, pdf, payload)

    log.info("documents rendered", extra={"application_no": data.application_no})
    return documents


def canonical_json(data: dict) -> str:
    """Serialise the document data the same way every time (sorted keys, no spaces, UTF-8 text)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def signature_box(kind: str, role: str, index: int = 0) -> tuple[int, tuple[float, float, float, float]]:
    """Return the page (-1, the last) and the box (x1, y1, x2, y2 in PDF points) where a signer signs."""
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {', '.join(DOCUMENT_KINDS)}")
    if role == "mortgagee" and index == 0:
        row, width = 0, layout.SEAL_BOX_WIDTH
    elif role == "mortgagor" and 0 <= index < layout.MAX_MORTGAGORS:
        row, width = index + 1, layout.PERSON_BOX_WIDTH
    else:
        raise ValueError(f"no signature box for role {role!r} at index {index}")

    top = layout.signature_row_top(row) - layout.BOX_INSET
    bottom = layout.signature_row_top(row + 1) + layout.BOX_INSET
    left = layout.MARGIN_LEFT + layout.SIGNATURE_LABEL_WIDTH + layout.BOX_INSET * 2
    return layout.LAST_PAGE, (left, bottom, left + width, top)


def embed_document_data(pdf: bytes, payload: bytes) -> bytes:
    """Attach `document-data.json` to the PDF as an embedded file; do this before the first signature."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    data = EmbeddedFileObject.from_file_data(writer, data=payload, mime_type="application/json",
                                             params=EmbeddedFileParams(embed_size=True, embed_checksum=True))
    embed_file(writer, FileSpec(file_spec_string=DATA_FILE_NAME, file_name=DATA_FILE_NAME, embedded_data=data,
                                description="生成本文件所用的结构化数据",
                                af_relationship=generic.NameObject("/Data")))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def extract_document_data(pdf: bytes) -> dict:
    """Read the embedded `document-data.json` back; raise DocumentDataMissing when the PDF has none."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except (KeyError, PdfError, ValueError):
        raise DocumentDataMissing() from None

    for position in range(0, len(names) - 1, 2):
        if str(names[position]) == DATA_FILE_NAME:
            stream = names[position + 1].get_object()["/EF"]["/F"].get_object()
            return json.loads(stream.data.decode())
    raise DocumentDataMissing()


async def render_preview_pages(pdf: bytes, *, dpi: int = 110) -> list[bytes]:
    """Render every page as a PNG image at `dpi` dots per inch."""
    if not 36 <= dpi <= 300:
        raise ValueError(f"dpi must be between 36 and 300, got {dpi}")
    return await asyncio.to_thread(_render_pages, pdf, dpi)


def _render_pages(pdf: bytes, dpi: int) -> list[bytes]:
    import pypdfium2

    with _pdfium_lock:
        document = pypdfium2.PdfDocument(pdf)
        try:
            return [_page_png(page, dpi) for page in document]
        finally:
            document.close()


def _page_png(page, dpi: int) -> bytes:
    buffer = io.BytesIO()
    bitmap = page.render(scale=dpi / 72)
    try:
        bitmap.to_pil().save(buffer, format="PNG", optimize=False)
    finally:
        bitmap.close()
        page.close()
    return buffer.getvalue()


def page_count(pdf: bytes) -> int:
    """Return the number of pages, read from the page tree (no PDFium, so safe on any thread)."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return int(reader.root["/Pages"]["/Count"])


def _fill_templates(context: dict, folder: Path) -> list[Path]:
    sources = []
    for kind in DOCUMENT_KINDS:
        template = DocxTemplate(TEMPLATES / f"{kind}.docx")
        template.render(context, autoescape=True)
        target = folder / f"{kind}.docx"
        template.save(target)
        sources.append(target)
    return sources


async def _convert_to_pdf(sources: list[Path], out_dir: Path) -> None:
    pool = _profile_pool()
    profile = await pool.get()
    try:
        await _run_soffice(sources, out_dir, profile)
    finally:
        pool.put_nowait(profile)

    missing = [source.stem for source in sources if not (out_dir / f"{source.stem}.pdf").exists()]
    if missing:
        log.error("soffice produced no pdf", extra={"documents": missing})
        raise RenderFailed(documents=missing)


async def _run_soffice(sources: list[Path], out_dir: Path, profile: Path) -> None:
    command = [SOFFICE, "--headless", "--norestore", "--nologo", "--nolockcheck",
               f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf", "--outdir", str(out_dir),
               *map(str, sources)]
    try:
        process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE,
                                                       stderr=asyncio.subprocess.PIPE)
    except FileNotFoundError:
        log.error("soffice not found", extra={"command": SOFFICE})
        raise RenderFailed(reason="LibreOffice (soffice) is not installed") from None

    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=SOFFICE_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        # A killed soffice can leave its profile locked or half-written, so the next call starts a fresh one.
        shutil.rmtree(profile, ignore_errors=True)
        log.error("soffice timed out", extra={"timeout_seconds": SOFFICE_TIMEOUT_SECONDS})
        raise RenderFailed(reason="timeout") from None

    if process.returncode != 0:
        log.error("soffice failed", extra={"returncode": process.returncode, "stderr": stderr.decode()[-500:]})
        raise RenderFailed(reason=f"soffice exit status {process.returncode}")


def _profile_pool() -> "asyncio.Queue[Path]":
    loop = asyncio.get_running_loop()
    if loop not in _pools:
        # Profiles are per process too, because a second worker process has its own pool.
        root = Path(tempfile.gettempdir()) / f"mortgage-cloud-soffice-{os.getpid()}"
        pool: asyncio.Queue[Path] = asyncio.Queue()
        for slot in range(PROFILE_POOL_SIZE):
            pool.put_nowait(root / f"profile-{slot}")
        _pools[loop] = pool
    return _pools[loop]
