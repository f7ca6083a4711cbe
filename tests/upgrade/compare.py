"""Compare two snapshots of one database (tests/upgrade/snapshot.py): before and after an upgrade.

Pure: takes the snapshots' dictionaries and the explicit allowances, returns the problems found
as sentences (empty: nothing was lost or changed).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

SHOWN = 3  # examples given per problem


def _key_of(columns: list[str], pk: list[str]) -> list[int]:
    return [columns.index(c) for c in pk] if pk else list(range(len(columns)))


def compare_rows(
    old: Mapping[str, dict],
    new: Mapping[str, dict],
    *,
    tables_renamed: Mapping[str, str] = {},
    columns_renamed: Mapping[tuple[str, str], str] = {},
    rows_rewritten: Iterable[str] = (),
) -> list[str]:
    """Every old table is still there (under its new name when renamed), with every old column
    (under its new name when renamed), every old row (by primary key; by the whole row when the
    table has none) and every old value; new tables, columns and rows are allowed. The values of
    ``rows_rewritten`` tables may change, their rows may not vanish."""
    rewritten = set(rows_rewritten)
    problems: list[str] = []
    for table, before in old.items():
        target = tables_renamed.get(table, table)
        after = new.get(target)
        named = table if target == table else f"{table} (now {target})"
        if after is None:
            problems.append(f"table {named} is gone, with its {len(before['rows'])} rows")
            continue
        mapped = [columns_renamed.get((table, c), c) for c in before["columns"]]
        gone = [
            c for c, m in zip(before["columns"], mapped, strict=True) if m not in after["columns"]
        ]
        if gone:
            problems.append(f"table {named}: column(s) {', '.join(gone)} are gone")
            continue
        old_pk = before["pk"]
        new_pk = [columns_renamed.get((table, c), c) for c in old_pk]
        old_key = _key_of(before["columns"], old_pk)
        new_key = [after["columns"].index(c) for c in new_pk] if new_pk else None
        positions = [after["columns"].index(m) for m in mapped]
        if new_key is None:  # no primary key: the row as a whole is its key
            new_key = positions
        found: dict[tuple, list[list]] = {}
        for row in after["rows"]:
            found.setdefault(tuple(row[i] for i in new_key), []).append(row)
        missing, changed = [], []
        for row in before["rows"]:
            key = tuple(row[i] for i in old_key)
            matches = found.get(key)
            if not matches:
                missing.append(key)
                continue
            match = matches.pop()
            if table in rewritten:
                continue
            for column, value, position in zip(before["columns"], row, positions, strict=True):
                if match[position] != value:
                    changed.append(f"{key}.{column}: {value!r} → {match[position]!r}")
        if missing:
            problems.append(
                f"table {named}: {len(missing)} of {len(before['rows'])} rows are gone "
                f"(e.g. {', '.join(map(str, missing[:SHOWN]))})"
            )
        if changed:
            problems.append(
                f"table {named}: {len(changed)} values changed (e.g. {'; '.join(changed[:SHOWN])})"
            )
    return problems


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True)


def _without(value, names: set[str]):
    """``value`` without the fields named ``names``, at any depth (for pairing list elements)."""
    if isinstance(value, dict):
        return {k: _without(v, names) for k, v in value.items() if k not in names}
    if isinstance(value, list):
        return [_without(v, names) for v in value]
    return value


def _differences(
    old, new, path: str, added: set[str], out: list[str], unordered: frozenset[str] = frozenset()
) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key, value in old.items():
            if key not in new:
                out.append(f"{path}.{key} is gone")
            else:
                _differences(value, new[key], f"{path}.{key}", added, out, unordered)
        for key in new.keys() - old.keys() - added:
            out.append(f"{path}.{key} is new (list it in ADDED_API_FIELDS if it is meant)")
    elif isinstance(old, list) and isinstance(new, list):
        if path.rpartition(".")[2] in unordered and len(old) == len(new):
            # Compared as a multiset: elements are paired by their canonical JSON without the
            # added fields (which only the new answers carry), and each pair is then compared
            # as any other (so an added field is still allowed, nothing else may differ).
            rest = list(new)
            keys = [_canonical(_without(b, added)) for b in rest]
            pending = []
            for a in old:
                key = _canonical(_without(a, added))
                if key in keys:
                    index = keys.index(key)
                    _differences(a, rest[index], f"{path}[~]", added, out, unordered)
                    del keys[index], rest[index]
                else:
                    pending.append(a)
            old, new = pending, rest
        if len(old) != len(new):
            out.append(f"{path}: {len(old)} entries → {len(new)}")
        for index, (a, b) in enumerate(zip(old, new, strict=False)):
            _differences(a, b, f"{path}[{index}]", added, out, unordered)
    elif old != new or type(old) is not type(new):
        out.append(f"{path}: {old!r} → {new!r}")


def compare_api(
    old: Mapping[str, dict],
    new: Mapping[str, dict],
    *,
    added_fields: Iterable[str] = (),
    unordered_lists: Iterable[str] = (),
    rejudged: Iterable[str] = (),
) -> list[str]:
    """Every URL read before is answered the same after: status, paging headers and JSON, where
    only the field names in ``added_fields`` may appear in the new answers, and the lists named
    in ``unordered_lists`` (by their field name) may hold the same elements in another order.
    URLs ending in one of ``rejudged`` answer with a judgment of the stored data (the coach's
    findings), which a release that changes the rules may answer differently: their status must
    stay, their content may change."""
    added = set(added_fields)
    unordered = frozenset(unordered_lists)
    judged = tuple(rejudged)
    problems: list[str] = []
    for url, before in old.items():
        after = new.get(url)
        if after is None:
            problems.append(f"{url} was not read again")
            continue
        differences: list[str] = []
        if before["status"] != after["status"]:
            differences.append(f"status {before['status']} → {after['status']}")
        if before["headers"] != after["headers"]:
            differences.append(f"headers {before['headers']} → {after['headers']}")
        if not (judged and urlsplit(url).path.endswith(judged)):
            _differences(before["json"], after["json"], "", added, differences, unordered)
        if differences:
            problems.append(
                f"{url}: {len(differences)} difference(s), e.g. {'; '.join(differences[:SHOWN])}"
            )
    return problems
