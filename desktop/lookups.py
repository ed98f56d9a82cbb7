"""What checking a firm's values looks up: the unit's townships and chains, and stored firms with the same code or name.

`registry` checks every firm it writes against these. A clerk's single edit asks the database
as it goes (`Lookups()`). An import asks once for every code and name in its file
(`Lookups.prefetch`): a peewee query takes milliseconds to build and run, so asking per row and
per check took most of the time of importing 100,000 rows. A prefetched lookup answers from memory
for the codes and names it was given and asks the database about anything else, so both kinds
give the same answers. Firms a bulk create is about to store are `remember`ed, so later rows of
the same call see them as they would see firms created one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from peewee import JOIN, Model, Select

from db.models import Firm, IndustryChain, Unit, database_proxy
from desktop import units, uscc
from desktop.text import clean

_CHUNK = 900  # values per IN (…): under the 999 parameters old SQLite builds allow

# A firm stored earlier in the same bulk call: (uscc, name, town id), made a Firm only when a
# message needs one, since building 100,000 model objects costs more than the rest of the check.
_Pending = tuple[str, str, Any]
_Entry = Firm | _Pending


class Lookups:
    """Townships, chains and stored firms by code or name, as `registry` checks need them."""

    def __init__(self) -> None:
        self._towns: dict[str, Unit] | None = None
        self._chains: dict[str, IndustryChain] | None = None
        self._by_code: dict[str, _Entry | None] = {}  # every code prefetched, None when unused
        self._by_name: dict[str, list[_Entry]] = {}  # live firms by exact name, oldest first
        self._names: set[str] = set()  # every name prefetched (most have no firm: no list for them)

    @classmethod
    def prefetch(cls, codes: Iterable[object], names: Iterable[object]) -> Lookups:
        """Lookups that know, from a few queries, every stored firm with one of these codes or names."""
        given = {str(c) for c in codes if c}
        keys = given | {uscc.normalise(c) for c in given}  # `firm_with_code` normalises, the importer not
        exact = {str(n) for n in names if n}
        exact |= {clean(n) for n in exact}  # `firm_with_name` cleans, the importer not
        return cls._fetched(keys, exact)

    def refetched(self) -> Lookups:
        """Lookups prefetched now, from the database as it is now, for the codes and names these were."""
        return self._fetched(set(self._by_code), set(self._names))

    @classmethod
    def _fetched(cls, keys: set[str], exact: set[str]) -> Lookups:
        found = cls()
        found._by_code = dict.fromkeys(keys)
        found._names = exact
        ids = {i for _, i in firm_ids_by("uscc", keys)} | {i for _, i in firm_ids_by("name", exact, live_only=True)}
        for firm in firms_with_places(sorted(ids)):
            if firm.uscc in found._by_code:
                found._by_code[firm.uscc] = firm
            if firm.name in exact and firm.deleted_at is None:
                found._by_name.setdefault(firm.name, []).append(firm)
        return found

    # --- catalogue ----------------------------------------------------------------------------
    def town(self, name: str) -> Unit | None:
        """The own unit's township of this name (as `units.town_by_name`)."""
        return self._town_map().get(name)

    def chain(self, name: str) -> IndustryChain | None:
        """The own unit's industry chain of this name (as `units.chain_by_name`)."""
        return self._chain_map().get(name)

    def _town_map(self) -> dict[str, Unit]:
        if self._towns is None:
            self._towns = {}
            for town in units.towns():
                self._towns.setdefault(town.name, town)
        return self._towns

    def _chain_map(self) -> dict[str, IndustryChain]:
        if self._chains is None:
            self._chains = {}
            for chain in units.chains():
                self._chains.setdefault(chain.name, chain)
        return self._chains

    # --- firms --------------------------------------------------------------------------------
    def firm_with_code(self, code: str | None, *, besides: int | None = None) -> Firm | None:
        """Another firm (live or in the 回收站) that already has this code."""
        if not code:
            return None
        return self.firm_coded(uscc.normalise(code), besides=besides)

    def firm_coded(self, code: str, *, besides: int | None = None) -> Firm | None:
        """The firm (live or in the 回收站) whose code is exactly `code`, other than `besides`."""
        if code not in self._by_code:
            return Firm.get_or_none((Firm.uscc == code) & (Firm.id != (besides or 0)))
        entry = self._by_code[code]
        firm = _firm(entry) if entry is not None else None
        return firm if firm is not None and firm.id != (besides or 0) else None

    def firm_with_name(self, name: str | None, *, besides: int | None = None) -> Firm | None:
        """Another live firm with exactly this name (after cleaning it as typed)."""
        if not name:
            return None
        return self.live_firm_named(clean(name), besides=besides)

    def live_firm_named(self, name: str, *, besides: int | None = None) -> Firm | None:
        """The oldest live firm named exactly `name`, other than `besides`."""
        if name not in self._names and name not in self._by_name:
            return Firm.get_or_none((Firm.name == name) & (Firm.id != (besides or 0)) & Firm.deleted_at.is_null())
        for entry in self._by_name.get(name, ()):
            firm = _firm(entry)
            if firm.id != (besides or 0):
                return firm
        return None

    def found_none(self) -> bool:
        """Whether no stored firm has any of the prefetched codes or names (a first import)."""
        return not self._by_name and all(entry is None for entry in self._by_code.values())

    def answers_as(self, earlier: Lookups) -> bool:
        """Whether these (prefetched now) answer every question about their codes and names, and
        about the townships and chains `earlier` looked up, as `earlier` (prefetched before) did:
        then what was checked with `earlier` still holds. Firms are compared column by column, so
        any change to one since (an edit, a deletion, a restore) counts, as does a firm added."""
        for code, entry in self._by_code.items():
            if code not in earlier._by_code or _columns(entry) != _columns(earlier._by_code[code]):
                return False
        for name in self._names:
            mine, theirs = self._by_name.get(name, []), earlier._by_name.get(name, [])
            if name not in earlier._names or list(map(_columns, mine)) != list(map(_columns, theirs)):
                return False
        if earlier._towns is not None and _catalogue(self._town_map()) != _catalogue(earlier._towns):
            return False
        return earlier._chains is None or _catalogue(self._chain_map()) == _catalogue(earlier._chains)

    def remember(self, code: str, name: str, town_id: int | None) -> None:
        """A firm about to be stored with this code and name, for the checks of later rows."""
        if name not in self._names and name not in self._by_name:  # not prefetched: the stored ones first
            self._by_name[name] = list(
                with_places().where((Firm.name == name) & Firm.deleted_at.is_null()).order_by(Firm.id)
            )
        entry: _Pending = (code, name, town_id)
        self._by_code[code] = entry
        self._by_name.setdefault(name, []).append(entry)


def _columns(entry: _Entry | None) -> object:
    """What `answers_as` compares of a stored firm: every column; a firm still to be stored is
    never the same as anything."""
    if entry is None:
        return None
    return dict(entry.__data__) if isinstance(entry, Firm) else object()


def _catalogue(by_name: Mapping[str, Model]) -> dict[str, dict[str, Any]]:
    return {name: dict(model.__data__) for name, model in by_name.items()}


def _firm(entry: _Entry) -> Firm:
    if isinstance(entry, Firm):
        return entry
    code, name, town_id = entry
    return Firm(uscc=code, name=name, town_id=town_id)


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def firm_ids_by(column: str, values: Iterable[str], *, live_only: bool = False) -> list[tuple[str, int]]:
    """(value, id) of the firms whose `column` is one of `values`, in plain SQL: building a peewee
    IN (…) of 100,000 values costs seconds, and a fresh import matches nothing anyway."""
    found: list[tuple[str, int]] = []
    table, field = Firm._meta.table_name, getattr(Firm, column).column_name
    live = f' AND "{Firm.deleted_at.column_name}" IS NULL' if live_only else ""
    for chunk in _chunks(sorted(values)):
        marks = ", ".join([database_proxy.param] * len(chunk))
        sql = f'SELECT "{field}", "id" FROM "{table}" WHERE "{field}" IN ({marks}){live}'
        found.extend(database_proxy.execute_sql(sql, list(chunk)))
    return found


def with_places() -> Select:
    """Firms with their township and chain loaded in the same query."""
    return (
        Firm.select(Firm, Unit, IndustryChain)
        .join(Unit, JOIN.LEFT_OUTER, on=(Firm.town == Unit.id), attr="town")
        .switch(Firm)
        .join(IndustryChain, JOIN.LEFT_OUTER, on=(Firm.chain == IndustryChain.id), attr="chain")
    )


def firms_with_places(ids: Sequence[int]) -> Iterator[Firm]:
    """The firms with these ids, townships and chains loaded (no query per firm later)."""
    for chunk in _chunks(ids):
        yield from with_places().where(Firm.id.in_(list(chunk))).order_by(Firm.id)
