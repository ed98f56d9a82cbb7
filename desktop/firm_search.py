"""Finding firms: the filtered, ordered firm list behind the GUI table, the CLI and the exports.

Owns `FirmQuery` (search text, filters, order, live firms or the 回收站), the select it becomes,
the ordered ids a table model holds, counts, and the display texts of a page of rows.
`desktop.registry` re-exports these names, so callers keep using `registry.FirmQuery` etc.

A search text matches a firm's stored search columns (`db.search`): Latin text its pinyin and
initials, other text its name and legal representative, and a code's beginning its 统一社会信用代码.
On SQLite a text of two or more characters that fewer than `LOOKED_UP` firms contain is
found through the trigram index `firm_text` (migrations 4 and 5) instead of by reading every
firm: three or more as they are, two as the beginning of the index's runs of three. One
character (a trigram index cannot look it up), a text in more firms (reading each by its id
would cost more than the scan), a text holding the index's "|" and PostgreSQL scan the
covering search index with LIKE.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from peewee import JOIN, SQL, Database, Expression, NodeList, Select, SqliteDatabase, fn

from db.models import CultivationEntry, Firm, IndustryChain, Unit, database_proxy
from db.search import is_latin, may_be_code
from desktop.firm_fields import FIELDS, display
from desktop.industry import name_of
from desktop.lookups import firms_with_places
from desktop.text import clean


@dataclass(frozen=True)
class FirmQuery:
    """What the firm list shows: search text, filters, order, and live firms or the 回收站."""

    text: str = ""
    town: str | None = None
    chain: str | None = None
    status: str | None = None
    size_class: str | None = None
    database: str | None = None
    deleted: bool = False
    order_by: str = "name"
    descending: bool = False

    def filtered(self) -> bool:
        """Whether anything besides the search text narrows the list."""
        return any((self.town, self.chain, self.status, self.size_class, self.database))


# Names sort by pinyin (the search key starts with it), then by the Chinese name and the unique
# code, which is exactly the order of the covering search index; townships and chains sort in
# the order the unit set.
_NAME_ORDER = (Firm.search_key, Firm.search_name, Firm.uscc)
_JOINED_ORDER = {"town": Unit.sort_order, "chain": IndustryChain.sort_order}

TRIGRAM = 3  # FTS5's trigram index finds no text shorter than this as it is
# At most this many firms are taken from the trigram index: each is then read by its id and
# sorted (~2.5 µs a firm here), where a scan of 100,000 firms costs ~15 ms whatever it finds.
LOOKED_UP = 5_000
# A two-character text is looked up as the runs of three that begin with it, if there are at
# most this many (鑫华 begins 31 of 100,000 demo firms' runs; a common pair that begins more
# is also in too many firms to look up).
RUNS = 200


def _text_index(database: Database) -> bool:
    """Whether this database has the trigram index (asked once per connection object)."""
    known = getattr(database, "_peiyu_firm_text", None)
    if known is None:
        known = isinstance(database, SqliteDatabase) and database.table_exists("firm_text")
        database._peiyu_firm_text = known  # type: ignore[attr-defined]
    return bool(known)


BULK = 1_000  # firms created at once from which the index is filled after them, not row by row


@contextmanager
def indexing_after(count: int) -> Iterator[None]:
    """Around creating `count` firms inside a transaction: for many, the index's insert trigger
    is set aside and the new firms are indexed by one INSERT … SELECT afterwards (about a tenth
    of the work). The trigger is dropped and made again in the same transaction, so a failure
    rolling it back also brings the trigger back."""
    database = database_proxy.obj
    if count < BULK or not _text_index(database):
        yield
        return
    from db.migrations.m0005_firm_text_ends import FILL, INSERT_TRIGGER  # only for a bulk insert

    last = Firm.select(fn.MAX(Firm.id)).scalar() or 0  # rowids only grow: the new firms are above
    database.execute_sql("DROP TRIGGER firm_text_insert")
    yield
    database.execute_sql(FILL, (last,))
    database.execute_sql(INSERT_TRIGGER)


def _phrase(text: str) -> str:
    """`text` quoted as an FTS5 phrase, which a trigram index matches as a plain substring."""
    return '"' + text.replace('"', '""') + '"'


def _looked_up(column: Any, text: str) -> str | None:
    """The FTS5 query that finds `text` in `column` through the trigram index, "" if no firm
    contains it, None if the index cannot look it up (see RUNS) or might find other firms than
    LIKE: the index folds the case of every letter (ς and σ, ſ and s), LIKE only of ASCII ones."""
    if any(not ch.isascii() and ch.lower() != ch.upper() for ch in text):
        return None
    if len(text) >= TRIGRAM:
        return _phrase(text)
    if len(text) < TRIGRAM - 1:
        return None
    runs = database_proxy.obj.execute_sql(
        f"SELECT term FROM firm_text_terms WHERE col = ? AND term >= ? AND term < ? LIMIT {RUNS + 1}",
        (column.column_name, text, text + chr(0x10FFFF)),
    ).fetchall()
    if len(runs) > RUNS:
        return None
    return " OR ".join(_phrase(run) for (run,) in runs)


def _containing(column: Any, text: str) -> Expression:
    """Firms whose `column` contains `text` (both lower case)."""
    database = database_proxy.obj
    # the index holds each column with "|" appended (migration 5): a text with one is scanned
    query = _looked_up(column, text) if "|" not in text and _text_index(database) else None
    if query == "":
        return Firm.id.in_([])
    if query is not None:
        found = f"SELECT rowid FROM firm_text WHERE {column.column_name} MATCH ?"
        probe = f"SELECT count(*) FROM ({found} LIMIT {LOOKED_UP + 1})"
        (hits,) = database.execute_sql(probe, (query,)).fetchone()
        if hits <= LOOKED_UP:
            return Firm.id.in_(SQL(f"({found})", [query]))
    return column.contains(text)


def _code_range(text: str, *, scan: bool) -> Expression | None:
    """Firms whose code starts with `text`, if it could be the beginning of a code.

    A range, not LIKE 'x%', so that the comparison stays exact and index-friendly. With `scan`
    the code index is not used for it (SQLite's unary +): for many firms, reading the search
    index in name order and stopping after the first page beats collecting them all by code
    and sorting them."""
    if not may_be_code(text):
        return None
    code = text.upper()
    column: Any = Firm.uscc
    if scan and isinstance(database_proxy.obj, SqliteDatabase):
        column = NodeList((SQL("+"), Firm.uscc), glue="")
    return (column >= code) & (column < code + "~")  # type: ignore[no-any-return]


def _search_text(query: FirmQuery) -> str:
    return clean(query.text).lower()


def firm_select(query: FirmQuery, *columns: Any, many_codes: bool = False) -> Select:
    """The filtered, ordered select behind every firm list (GUI table, CLI, exports).

    Units and chains are joined only when a filter, the order or the columns need them, so a
    plain search stays a scan of the covering index. `many_codes`: a text that could begin a
    code begins many (see `_code_range`).
    """
    select = _where(query, *columns)
    text = _search_text(query)
    if text:
        condition = _containing(Firm.search_key if is_latin(text) else Firm.search_name, text)
        codes = _code_range(text, scan=many_codes)
        select = select.where(condition if codes is None else condition | codes)
    return _ordered(select, query)


def _where(query: FirmQuery, *columns: Any) -> Select:
    """The select with every filter but the search text, unordered."""
    columns = columns or (Firm,)
    select = Firm.select(*columns)
    if query.town or query.order_by == "town" or any(c is Unit for c in columns):
        select = select.join(Unit, JOIN.LEFT_OUTER, on=(Firm.town == Unit.id)).switch(Firm)
    if query.chain or query.order_by == "chain" or any(c is IndustryChain for c in columns):
        select = select.join(IndustryChain, JOIN.LEFT_OUTER, on=(Firm.chain == IndustryChain.id)).switch(Firm)
    select = select.where(Firm.deleted_at.is_null(not query.deleted))
    if query.town:
        select = select.where(Unit.name == query.town)
    if query.chain:
        select = select.where(IndustryChain.name == query.chain)
    if query.status:
        select = select.where(Firm.status == query.status)
    if query.size_class:
        select = select.where(Firm.size_class == query.size_class)
    if query.database:
        in_database = CultivationEntry.select(CultivationEntry.firm).where(
            (CultivationEntry.database == query.database)
            & CultivationEntry.date_out.is_null()
            & CultivationEntry.deleted_at.is_null()
        )
        select = select.where(Firm.id.in_(in_database))
    return select


def _ordered(select: Select, query: FirmQuery) -> Select:
    if query.order_by == "name":
        return select.order_by(*(k.desc() if query.descending else k.asc() for k in _NAME_ORDER))
    order_column: Any = _JOINED_ORDER.get(query.order_by) or getattr(Firm, query.order_by, Firm.name)
    # empty values last whichever the direction, as in a spreadsheet
    first = order_column.desc(nulls="LAST") if query.descending else order_column.asc(nulls="LAST")
    return select.order_by(first, Firm.id.desc() if query.descending else Firm.id.asc())


def search_firms(query: FirmQuery, *, limit: int | None = None, offset: int = 0) -> list[Firm]:
    select = firm_select(query, Firm, Unit, IndustryChain)
    if limit is not None:
        select = select.limit(limit).offset(offset)
    return list(select)


def firm_ids(query: FirmQuery, *, limit: int | None = None, many_codes: bool = False) -> list[int]:
    """Ordered ids of the matching firms (the first `limit` of them): what a table model holds."""
    select = firm_select(query, Firm.id, many_codes=many_codes)
    if limit is not None:
        # in name order (the index's) SQLite stops scanning there; other orders keep a top-N sort
        select = select.limit(limit)
    database = database_proxy.obj
    if isinstance(database, SqliteDatabase):
        # As one text, not a row per id: Python's sqlite3 lets go of the GIL and takes it back
        # for every row, and while the GUI thread holds it (painting) a search in the background
        # waits each time: 6,700 ids took 26 ms instead of 18 beside a window. The ordered
        # subquery is not flattened into an aggregate, so the ids come in its order.
        sql, params = select.sql()
        (joined,) = database.execute_sql(f"SELECT group_concat(id) FROM ({sql})", params).fetchone()
        return [int(i) for i in joined.split(",")] if joined else []
    # Straight from the cursor: peewee's row wrapping costs more than the database's scan here.
    return [row[0] for row in database_proxy.execute(select)]


def first_ids(query: FirmQuery, limit: int) -> tuple[list[int], int]:
    """The first `limit` ids of the firms `query` finds, and how many it finds.

    A result up to `limit` firms comes whole from one scan; a larger one stops fetching ids
    there and counts the rest (in name order the ids come straight off the search index, so the
    first 10,000 of 100,000 cost a tenth of the scan). A text that could begin a code is counted
    first, which is quick, to choose how its ids are best found."""
    if _code_range(_search_text(query), scan=False) is not None:
        count = count_firms(query)
        return firm_ids(query, limit=limit, many_codes=count > limit), count
    ids = firm_ids(query, limit=limit + 1)
    if len(ids) <= limit:
        return ids, len(ids)
    return ids[:limit], count_firms(query)


# COUNT(*), not COUNT(id): the same for firms (an id is never NULL), without reading each id
# (100,000 firms by the beginning of their code: 7.5 → 5.3 ms)
_ROWS = fn.COUNT(SQL("*"))


def _count(select: Select) -> int:
    return int(select.order_by().scalar() or 0)


def count_firms(query: FirmQuery = FirmQuery()) -> int:
    """How many firms `query` finds, counted without reading every firm where an index allows."""
    text = _search_text(query)
    sqlite = isinstance(database_proxy.obj, SqliteDatabase)
    if not text and not query.filtered() and sqlite and not query.deleted:
        # all live firms: SQLite counts a whole table from its pages, then the 回收站's few are
        # taken away (index of migration 4), instead of testing every firm's deleted_at
        total = _count(Firm.select(_ROWS))
        return total - _count(Firm.select(_ROWS).where(Firm.deleted_at.is_null(False)))
    codes = _code_range(text, scan=False)
    if text and codes is not None:
        # the firms with such a code, then those that only match by name or pinyin: each part
        # counted through its own index rather than testing both conditions on every firm
        plain = replace(query, text="")
        containing = _containing(Firm.search_key if is_latin(text) else Firm.search_name, text)
        by_code = _count(_where(plain, _ROWS).where(codes))
        return by_code + _count(_where(plain, _ROWS).where(containing & ~codes))
    # COUNT over the filtered select without its ORDER BY (peewee's .count() wraps the ordered one)
    return _count(firm_select(query, _ROWS))


def firms_by_id(ids: list[int]) -> dict[int, Firm]:
    """The firms with these ids, townships and chains loaded in the same query."""
    return {firm.id: firm for firm in firms_with_places(ids)}


# what each shown key reads: a column of the firm, or the name of its township or chain
_COLUMNS: dict[str, Any] = {
    **{f.key: getattr(Firm, f.key) for f in FIELDS if f.key not in ("town", "chain")},
    "town": Unit.name,
    "chain": IndustryChain.name,
    "industry_name": Firm.industry_code,
}


def firm_texts(ids: Sequence[int], keys: Sequence[str]) -> dict[int, tuple[str, ...]]:
    """Each firm's text for each of `keys` (catalogue field keys and "industry_name") as
    `registry.firm_as_dict` shows it, "" when empty: the rows of one page of a table.

    One query of plain tuples: building Firm objects with their township and chain cost a page
    of 50 rows more than SQLite's own work."""
    select = (
        Firm.select(Firm.id, *(_COLUMNS[k] for k in keys))
        .join(Unit, JOIN.LEFT_OUTER, on=(Firm.town == Unit.id))
        .switch(Firm)
        .join(IndustryChain, JOIN.LEFT_OUTER, on=(Firm.chain == IndustryChain.id))
    )
    out: dict[int, tuple[str, ...]] = {}
    for start in range(0, len(ids), 500):
        rows: Any = select.where(Firm.id.in_(list(ids[start : start + 500]))).tuples()
        for firm_id, *values in rows:
            out[firm_id] = tuple(
                name_of(v) if k == "industry_name" else display(k, v) for k, v in zip(keys, values, strict=True)
            )
    return out
