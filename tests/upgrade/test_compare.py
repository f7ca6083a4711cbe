"""The upgrade test's comparisons (tests/upgrade/compare.py) find what an upgrade loses."""

import copy

from tests.upgrade.compare import compare_api, compare_rows

ROWS = {
    "okrs_cycle": {
        "columns": ["id", "name", "start"],
        "pk": ["id"],
        "rows": [["c1", "Q3 2026", "2026-07-01"], ["c2", "Q4 2026", "2026-10-01"]],
    },
    "django_migrations_like": {
        "columns": ["app", "name"],
        "pk": [],
        "rows": [["okrs", "0001"], ["okrs", "0001"], ["orgs", "0001"]],
    },
}


def changed(edit) -> dict:
    new = copy.deepcopy(ROWS)
    edit(new)
    return new


def test_the_same_rows_and_added_tables_columns_and_rows_pass():
    def grow(new):
        new["okrs_cycle"]["columns"].insert(1, "kind")
        for row in new["okrs_cycle"]["rows"]:
            row.insert(1, "quarter")
        new["okrs_cycle"]["rows"].append(["c3", "quarter", "Q1 2027", "2027-01-01"])
        new["okrs_newthing"] = {"columns": ["id"], "pk": ["id"], "rows": [["n1"]]}

    assert compare_rows(ROWS, ROWS) == []
    assert compare_rows(ROWS, changed(grow)) == []


def test_a_vanished_table_column_row_or_value_is_reported():
    def drop_table(new):
        del new["okrs_cycle"]

    def drop_column(new):
        new["okrs_cycle"]["columns"].pop(2)
        for row in new["okrs_cycle"]["rows"]:
            row.pop(2)

    def drop_row(new):
        new["okrs_cycle"]["rows"].pop(0)

    def change_value(new):
        new["okrs_cycle"]["rows"][1][1] = "Q4"

    def drop_duplicate(new):  # a table without a primary key: rows count as a whole
        new["django_migrations_like"]["rows"].pop(0)

    assert compare_rows(ROWS, changed(drop_table)) == ["table okrs_cycle is gone, with its 2 rows"]
    assert compare_rows(ROWS, changed(drop_column)) == [
        "table okrs_cycle: column(s) start are gone"
    ]
    assert compare_rows(ROWS, changed(drop_row)) == [
        "table okrs_cycle: 1 of 2 rows are gone (e.g. ('c1',))"
    ]
    assert compare_rows(ROWS, changed(change_value)) == [
        "table okrs_cycle: 1 values changed (e.g. ('c2',).name: 'Q4 2026' → 'Q4')"
    ]
    assert compare_rows(ROWS, changed(drop_duplicate)) == [
        "table django_migrations_like: 1 of 3 rows are gone (e.g. ('okrs', '0001'))"
    ]


def test_a_renamed_table_or_column_passes_only_when_it_is_mapped():
    def rename(new):
        table = new.pop("okrs_cycle")
        table["columns"][1] = "title"
        new["planning_cycle"] = table

    renamed = changed(rename)
    assert compare_rows(ROWS, renamed) == ["table okrs_cycle is gone, with its 2 rows"]
    assert compare_rows(ROWS, renamed, tables_renamed={"okrs_cycle": "planning_cycle"}) == [
        "table okrs_cycle (now planning_cycle): column(s) name are gone"
    ]
    mapped = compare_rows(
        ROWS,
        renamed,
        tables_renamed={"okrs_cycle": "planning_cycle"},
        columns_renamed={("okrs_cycle", "name"): "title"},
    )
    assert mapped == []


def test_rewritten_rows_may_change_but_not_vanish():
    def rewrite(new):
        new["okrs_cycle"]["rows"][0][1] = "renamed"

    def rewrite_and_drop(new):
        rewrite(new)
        new["okrs_cycle"]["rows"].pop(1)

    assert compare_rows(ROWS, changed(rewrite), rows_rewritten={"okrs_cycle"}) == []
    assert compare_rows(ROWS, changed(rewrite_and_drop), rows_rewritten={"okrs_cycle"}) == [
        "table okrs_cycle: 1 of 2 rows are gone (e.g. ('c2',))"
    ]


API = {
    "/api/v1/objectives?offset=0&limit=5": {
        "status": 200,
        "headers": {"X-Total-Count": "7", "Link": '<…offset=5>; rel="next"'},
        "json": [{"id": "o1", "title": "Win", "progress": 0.5, "key_results": [{"id": "k1"}]}],
    }
}
URL = "/api/v1/objectives?offset=0&limit=5"


def test_the_same_answers_pass_and_differences_are_named():
    assert compare_api(API, API) == []

    new = copy.deepcopy(API)
    new[URL]["json"][0]["progress"] = 0.6
    del new[URL]["json"][0]["key_results"][0]["id"]
    (problem,) = compare_api(API, new)
    assert problem.startswith(f"{URL}: 2 difference(s)")
    assert "[0].progress: 0.5 → 0.6" in problem
    assert "[0].key_results[0].id is gone" in problem

    new = copy.deepcopy(API)
    new[URL]["status"] = 404
    new[URL]["headers"] = {}
    assert "status 200 → 404" in compare_api(API, new)[0]

    new = copy.deepcopy(API)
    new[URL]["json"].append({"id": "o2"})
    assert "1 entries → 2" in compare_api(API, new)[0]

    assert compare_api(API, {}) == [f"{URL} was not read again"]


def test_a_new_field_passes_only_when_it_is_listed():
    new = copy.deepcopy(API)
    new[URL]["json"][0]["confidence"] = "on_track"
    assert "[0].confidence is new" in compare_api(API, new)[0]
    assert compare_api(API, new, added_fields={"confidence"}) == []


def test_a_number_that_changes_type_is_a_difference():
    new = copy.deepcopy(API)
    new[URL]["json"][0]["progress"] = "0.5"
    assert "[0].progress: 0.5 → '0.5'" in compare_api(API, new)[0]


def test_a_list_named_unordered_may_change_its_order_not_its_elements():
    old = {URL: {"status": 200, "headers": {}, "json": {"children": ["a", "b"], "ids": [1, 2]}}}
    reordered = {
        URL: {"status": 200, "headers": {}, "json": {"children": ["b", "a"], "ids": [1, 2]}}
    }
    assert compare_api(old, reordered, unordered_lists={"children"}) == []
    assert compare_api(old, reordered) != []
    changed = {URL: {"status": 200, "headers": {}, "json": {"children": ["b", "c"], "ids": [2, 1]}}}
    (problem,) = compare_api(old, changed, unordered_lists={"children"})
    assert ".children[0]: 'a' → 'c'" in problem and ".ids[0]: 1 → 2" in problem


def test_a_rejudged_path_keeps_its_status_but_may_change_its_answer():
    old = {"/api/v1/objectives/x/findings": {"status": 200, "headers": {}, "json": {"n": 1}}}
    new = {"/api/v1/objectives/x/findings": {"status": 200, "headers": {}, "json": {"n": 0}}}
    assert compare_api(old, new) != []
    assert compare_api(old, new, rejudged=("/findings",)) == []
    gone = {"/api/v1/objectives/x/findings": {"status": 404, "headers": {}, "json": {}}}
    assert "status 200 → 404" in compare_api(old, gone, rejudged=("/findings",))[0]


def test_an_unordered_list_pairs_elements_that_gained_a_listed_field():
    def answer(items):
        return {URL: {"status": 200, "headers": {}, "json": {"items": items}}}

    old = answer([{"id": 1, "text": "a"}, {"id": 2, "text": "b"}])
    new = answer([{"id": 2, "text": "b", "late": False}, {"id": 1, "text": "a", "late": True}])
    assert compare_api(old, new, added_fields={"late"}, unordered_lists={"items"}) == []
    # The new field must still be listed, and the paired elements' other values still count.
    assert compare_api(old, new, unordered_lists={"items"}) != []
    edited = answer([{"id": 2, "text": "B", "late": False}, {"id": 1, "text": "a", "late": True}])
    (problem,) = compare_api(old, edited, added_fields={"late"}, unordered_lists={"items"})
    assert "'b' → 'B'" in problem
