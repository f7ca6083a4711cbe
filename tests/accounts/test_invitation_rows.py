"""Reading pasted addresses and CSV files of people to invite (pure: no database)."""

import pytest

from cadence.accounts.invitation_rows import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    Row,
    RowsRefused,
    decode,
    parse_csv,
    parse_pasted,
    to_csv,
)


def test_a_good_file_reads_every_column_in_any_order():
    rows = parse_csv(
        "\ufeffRole,Email,Name,Team\r\nviewer, ADA@Example.com ,Ada  Lovelace,Design\r\n"
        ",bob@example.com,,\r\n\r\n"
    )
    assert rows == [
        Row(line=2, email="ada@example.com", name="Ada Lovelace", team="Design", role="viewer"),
        Row(line=3, email="bob@example.com", role="member"),
    ]
    assert all(r.ok for r in rows)


def test_bad_rows_carry_their_own_errors():
    rows = parse_csv(
        "email,name,team,role\n"
        "not-an-address,A,,\n"
        "ok@example.com,B,,owner\n"
        ",C,,\n"
        "OK@example.com,D,,\n"
        f"long@example.com,{'n' * 201},,\n"
        "extra@example.com,E,,member,surplus\n"
    )
    assert [r.errors for r in rows] == [
        ("'not-an-address' is not a valid email address.",),
        ("The role 'owner' is not one of admin, member or viewer.",),
        ("The email address is missing.",),
        ("This address is listed already, on line 3.",),
        ("The name is longer than 200 characters.",),
        ("The line has more than the 4 columns of the header.",),
    ]


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "The file is empty"),
        ("name,team\nAda,Design\n", "The first line must be the header"),
        ("email,phone\na@b.com,123\n", "The first line must be the header"),
        ("email,email\na@b.com,c@d.com\n", "The first line must be the header"),
        ('email\n"a@b.com\n', "cannot be read as CSV"),
        ("email\na@b.com\x00\n", "NUL"),
    ],
)
def test_unreadable_text_is_refused_as_a_whole(text, message):
    with pytest.raises(RowsRefused, match=message):
        parse_csv(text)


def test_too_many_rows_are_refused():
    text = "email\n" + "".join(f"p{i}@example.com\n" for i in range(MAX_ROWS))
    assert len(parse_csv(text)) == MAX_ROWS
    with pytest.raises(RowsRefused, match=f"more than {MAX_ROWS} people"):
        parse_csv(text + "one.more@example.com\n")


@pytest.mark.parametrize(
    "data,message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file"),
        ("email\nzoë@example.com\n".encode("latin-1"), "not UTF-8"),
        (b"email\n" + b"a" * MAX_FILE_BYTES, "larger than 1 MB"),
    ],
)
def test_hostile_files_are_refused(data, message):
    with pytest.raises(RowsRefused, match=message):
        decode(data)


def test_utf8_with_a_byte_order_mark_is_read():
    assert decode("\ufeffemail\nzoë@example.com\n".encode()) == "email\nzoë@example.com\n"


def test_pasted_addresses_with_and_without_names():
    rows = parse_pasted(
        "ada@example.com, Bob Builder <BOB@example.com>;\ncarl@example.com dora@example.com\n"
        "nonsense",
        role="viewer",
        team="Design",
    )
    assert [(r.email, r.name, r.role, r.team) for r in rows] == [
        ("ada@example.com", "", "viewer", "Design"),
        ("bob@example.com", "Bob Builder", "viewer", "Design"),
        ("carl@example.com", "", "viewer", "Design"),
        ("dora@example.com", "", "viewer", "Design"),
        ("nonsense", "", "viewer", "Design"),
    ]
    assert [r.ok for r in rows] == [True, True, True, True, False]
    with pytest.raises(RowsRefused, match="at least one"):
        parse_pasted(" ,;\n ")


def test_the_confirmation_reads_back_what_the_preview_wrote():
    rows = parse_csv('email,name,team,role\na@example.com,"Lovelace, Ada",Design,admin\n')
    assert parse_csv(to_csv(rows)) == rows
