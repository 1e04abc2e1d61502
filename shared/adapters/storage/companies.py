"""The company registry in Table storage (partition `company`, row key = customer number)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.domain.companies import Company, valid_customer_number

PARTITION = "company"
_PER_QUERY = 14  # plus the partition comparison: 15


class CompanyStore:
    def __init__(self, table: TableClient) -> None:
        self.table = table

    def get(self, customer_number: str) -> Company | None:
        if not valid_customer_number(customer_number):
            return None
        try:
            entity = self.table.get_entity(PARTITION, customer_number)
        except ResourceNotFoundError:
            return None
        return _from_entity(entity)

    def many(self, customer_numbers: Iterable[str]) -> dict[str, Company]:
        """Several companies in one query per 15 (Table storage's limit on comparisons)."""
        wanted = sorted({n for n in customer_numbers if valid_customer_number(n)})
        found: dict[str, Company] = {}
        for start in range(0, len(wanted), _PER_QUERY):
            chunk = wanted[start : start + _PER_QUERY]
            params = {f"n{i}": n for i, n in enumerate(chunk)}
            ors = " or ".join(f"RowKey eq @n{i}" for i in range(len(chunk)))
            # The SDK substitutes `@name` only between spaces: keep them inside the brackets.
            query = f"PartitionKey eq @pk and ( {ors} )"
            for entity in self.table.query_entities(query, parameters={"pk": PARTITION, **params}):
                company = _from_entity(entity)
                found[company.customer_number] = company
        return found

    def put(self, company: Company) -> None:
        if not valid_customer_number(company.customer_number):
            raise ValueError("invalid customer number")
        self.table.upsert_entity(_to_entity(company), mode=UpdateMode.REPLACE)

    def set_enrolled(self, customer_number: str, enrolled: bool) -> Company | None:
        company = self.get(customer_number)
        if company is None:
            return None
        updated = Company(**{**company.__dict__, "enrolled": enrolled})
        self.put(updated)
        return updated

    def all(self) -> Iterator[Company]:
        for entity in self.table.query_entities("PartitionKey eq @pk", parameters={"pk": PARTITION}):
            yield _from_entity(entity)


def _to_entity(company: Company) -> dict[str, Any]:
    return {
        "PartitionKey": PARTITION,
        "RowKey": company.customer_number,
        "name": company.name,
        "lines": ",".join(company.lines),
        "premium_by_line": json.dumps(company.premium_by_line, sort_keys=True),
        "domains": ",".join(company.domains),
        "advisor_email": company.advisor_email,
        "enrolled": company.enrolled,
    }


def _from_entity(entity: Any) -> Company:
    return Company(
        customer_number=entity["RowKey"],
        name=entity.get("name", ""),
        lines=tuple(x for x in (entity.get("lines") or "").split(",") if x),
        premium_by_line={k: int(v) for k, v in json.loads(entity.get("premium_by_line") or "{}").items()},
        domains=tuple(x for x in (entity.get("domains") or "").split(",") if x),
        advisor_email=entity.get("advisor_email", ""),
        enrolled=bool(entity.get("enrolled", False)),
    )
