"""Page images and PDF downloads of an application's documents."""

from mortgage_cloud.applications.models import Application, ApplicationDocument
from mortgage_cloud.errors import NotFound
from mortgage_cloud.infra.runtime import runtime

DOCUMENT_FILE_NAMES = {
    "mortgage_contract": "抵押合同",
    "application_form": "不动产登记申请书",
    "power_of_attorney": "授权委托书",
    "proof": "不动产登记证明",
}


async def _document(application: Application, kind: str) -> ApplicationDocument:
    document = None
    if kind in DOCUMENT_FILE_NAMES:
        document = await ApplicationDocument.get_or_none(application_id=application.id, kind=kind)
    if document is None:
        raise NotFound("未找到该文件，文件可能尚未生成。", code="DOCUMENT_NOT_FOUND", kind=kind)
    return document


async def document_pdf(*, application: Application, kind: str) -> tuple[bytes, str]:
    """Return the document's current PDF and an ASCII download name."""
    document = await _document(application, kind)
    pdf = await runtime().storage.get(document.storage_key)
    return pdf, f"{application.application_no}-{kind}.pdf"


async def preview_page(*, application: Application, kind: str, page: int) -> bytes:
    """Return page `page` (1-based) of the document as PNG, rendered once per document version."""
    from mortgage_cloud.documents.render import render_preview_pages

    document = await _document(application, kind)
    if not 1 <= page <= max(document.page_count, 1):
        raise NotFound(f"页码超出范围，该文件共 {document.page_count} 页。", code="PAGE_NOT_FOUND")

    storage = runtime().storage
    key = f"previews/{application.id}/{kind}-{document.sha256[:16]}-{page}.png"
    if await storage.exists(key):
        return await storage.get(key)

    pages = await render_preview_pages(await storage.get(document.storage_key))
    for number, image in enumerate(pages, start=1):
        await storage.put(f"previews/{application.id}/{kind}-{document.sha256[:16]}-{number}.png", image)
    return pages[page - 1]
