"""Public routes of the platform CA: its root certificate and its certificate revocation list.

They need no signature because relying parties (banks, PDF validators) fetch them before they can
check anything, and both documents are signed by the CA itself.
"""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw
from cryptography.hazmat.primitives import serialization

from mortgage_cloud.banks.key_material import ca_directory, platform_ca
from mortgage_cloud.signing.crl import current_crl

bp = Blueprint("platform_ca", url_prefix="/ca")

PEM_TYPE = "application/x-pem-file"
# Clients revalidate each time, so a new revocation is never hidden by a cached copy.
NO_CACHE = {"Cache-Control": "no-cache"}


@bp.get("/certificate.pem")
async def ca_certificate_pem(request: Request) -> HTTPResponse:
    """Return the platform root certificate in PEM."""
    ca = await platform_ca()
    return raw(ca.certificate_pem, content_type=PEM_TYPE, headers=NO_CACHE)


@bp.get("/certificate.crt")
async def ca_certificate_der(request: Request) -> HTTPResponse:
    """Return the platform root certificate in DER."""
    ca = await platform_ca()
    return raw(ca.certificate.public_bytes(serialization.Encoding.DER), content_type="application/pkix-cert",
               headers=NO_CACHE)


@bp.get("/crl.pem")
async def crl_pem(request: Request) -> HTTPResponse:
    """Return the CA's current CRL in PEM."""
    published = await current_crl(await platform_ca(), ca_directory())
    return raw(published.pem, content_type=PEM_TYPE, headers=NO_CACHE)


@bp.get("/crl.crl")
async def crl_der(request: Request) -> HTTPResponse:
    """Return the CA's current CRL in DER, the form RFC 5280 distribution points serve."""
    published = await current_crl(await platform_ca(), ca_directory())
    return raw(published.der, content_type="application/pkix-crl", headers=NO_CACHE)
