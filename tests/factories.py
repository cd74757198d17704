"""Small generators of valid identifiers shared by the test folders."""

import secrets

from mortgage_cloud.identifiers import USCC_ALPHABET, make_uscc


def random_uscc() -> str:
    """Return a random unified social credit code of 长沙市 with a valid check character."""
    organisation_code = "".join(secrets.choice(USCC_ALPHABET) for _ in range(9))
    return make_uscc(division_code="430100", organisation_code=organisation_code)
