"""This slice's own provider: a document issued straight from an enterprise (现场检查记录
of a visit without an inspection plan, 询问通知书) takes the party's particulars from it.
Read by attribute: the registry is not imported."""

from __future__ import annotations

from enforcement.documents.providers import document_provider


@document_provider("registry.enterprise")
def enterprise_party(kind, enterprise) -> dict:
    return {"party": enterprise.name, "party_address": enterprise.address,
            "legal_representative": enterprise.legal_representative,
            "party_phone": enterprise.legal_representative_phone}
