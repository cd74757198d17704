"""A second opinion from an independent validator: poppler's `pdfsig`, with the platform CA in an NSS database."""

import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PDFSIG_TIMEOUT_SECONDS = 30
NSS_NICKNAME = "mortgage-cloud-root"

_SIGNATURE_HEADER = re.compile(r"^Signature #(\d+):\s*$")
_FIELD_LINE = re.compile(r"^\s+- ([^:]+): (.*)$")


class PdfsigFailed(RuntimeError):
    """pdfsig or certutil could not run or returned an error."""


@dataclass(frozen=True)
class PdfsigResult:
    """One signature as poppler's pdfsig reports it."""

    index: int
    field_name: str
    common_name: str
    signature_validation: str  # e.g. "Signature is Valid." or "Digest Mismatch."
    certificate_validation: str  # e.g. "Certificate is Trusted."; empty when certificates were not checked
    total_document_signed: bool

    @property
    def valid(self) -> bool:
        """Whether pdfsig reports the signature as valid."""
        return self.signature_validation == "Signature is Valid."

    @property
    def trusted(self) -> bool:
        """Whether pdfsig reports the signer's certificate as trusted."""
        return self.certificate_validation == "Certificate is Trusted."


def pdfsig_report(pdf: bytes, *, ca_pem: bytes | None = None) -> list[PdfsigResult]:
    """Run `pdfsig` on the PDF; with `ca_pem` it also validates certificates against that root.

    Blocking (a subprocess): call it through asyncio.to_thread from async code.
    """
    with tempfile.TemporaryDirectory(prefix="mc-pdfsig-") as work:
        path = Path(work) / "document.pdf"
        path.write_bytes(pdf)
        # NOTE: no -no-ocsp: with it, poppler 22.12 reports "Unknown issue with Certificate" even for a
        # trusted chain. Platform certificates carry no OCSP address, so no request leaves the machine.
        command = ["pdfsig"]
        command += ["-nssdir", f"sql:{nss_database(ca_pem)}"] if ca_pem else ["-nocert"]
        completed = _run(command + [str(path)])

    # pdfsig exits with 2 when the file has no signatures, and prints the report on stdout otherwise.
    if completed.returncode not in (0, 2):
        log.error("pdfsig failed", extra={"returncode": completed.returncode, "stderr": completed.stderr[-500:]})
        raise PdfsigFailed(f"pdfsig exited with {completed.returncode}: {completed.stderr.strip()[-300:]}")
    return parse_pdfsig_output(completed.stdout)


def parse_pdfsig_output(text: str) -> list[PdfsigResult]:
    """Parse pdfsig's report (poppler 22.12 wording) into one result per signature."""
    blocks: list[dict[str, str]] = []
    for line in text.splitlines():
        header = _SIGNATURE_HEADER.match(line)
        if header:
            blocks.append({"index": header.group(1)})
            continue
        if not blocks:
            continue
        field = _FIELD_LINE.match(line)
        if field:
            blocks[-1][field.group(1).strip()] = field.group(2).strip()
        elif line.strip() in ("- Total document signed", "- Not total document signed"):
            blocks[-1]["total"] = line.strip()
    return [_result(block) for block in blocks]


def nss_database(ca_pem: bytes) -> Path:
    """Return an NSS database that trusts `ca_pem`, built once per certificate and reused."""
    fingerprint = hashlib.sha256(ca_pem).hexdigest()[:24]
    target = Path(tempfile.gettempdir()) / "mortgage-cloud-nss" / fingerprint
    if (target / "cert9.db").exists():
        return target

    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f"{fingerprint}-", dir=target.parent))
    try:
        (building / "ca.pem").write_bytes(ca_pem)
        _checked(["certutil", "-N", "-d", f"sql:{building}", "--empty-password"])
        _checked(["certutil", "-A", "-d", f"sql:{building}", "-n", NSS_NICKNAME, "-t", "CT,C,C",
                  "-i", str(building / "ca.pem")])
        # A rename is atomic, so a concurrent builder either wins or finds the finished database.
        os.rename(building, target)
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
        if not (target / "cert9.db").exists():
            raise
    return target


def _result(block: dict[str, str]) -> PdfsigResult:
    return PdfsigResult(
        index=int(block["index"]),
        field_name=block.get("Signature Field Name", ""),
        common_name=block.get("Signer Certificate Common Name", ""),
        signature_validation=block.get("Signature Validation", ""),
        certificate_validation=block.get("Certificate Validation", ""),
        total_document_signed=block.get("total") == "- Total document signed",
    )


def _run(command: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=PDFSIG_TIMEOUT_SECONDS, check=False)
    except FileNotFoundError as error:
        raise PdfsigFailed(f"{command[0]} is not installed (Debian package poppler-utils or libnss3-tools)") from error
    except subprocess.TimeoutExpired as error:
        raise PdfsigFailed(f"{command[0]} timed out after {PDFSIG_TIMEOUT_SECONDS} s") from error


def _checked(command: list[str]) -> None:
    completed = _run(command)
    if completed.returncode != 0:
        raise PdfsigFailed(f"{command[0]} exited with {completed.returncode}: {completed.stderr.strip()[-300:]}")
