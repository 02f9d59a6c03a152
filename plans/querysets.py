"""Per-council access, decided in one place.

Every domain model's queryset derives from CouncilScopedQuerySet, which knows the path from
the model to its council (``council_path``). Views, the admin and exports only ever start from
``visible_to(user)``, ``editable_by(user)`` or ``administered_by(user)``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def _councils_of(user: Any, roles: tuple[str, ...] | None = None) -> models.QuerySet:
    from plans.models import Council

    # One filter() call, so that user and role are matched on the same membership row.
    lookups: dict[str, Any] = {"memberships__user": user}
    if roles is not None:
        lookups["memberships__role__in"] = roles
    return Council.objects.filter(**lookups).values("pk")


class CouncilScopedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what a user may see or change."""

    #: ORM path from this model to its Council ("" for Council itself).
    council_path: str = "council"

    def _council_lookup(self) -> str:
        return f"{self.council_path}__in" if self.council_path else "pk__in"

    def for_councils(self, councils: models.QuerySet) -> Self:
        return self.filter(**{self._council_lookup(): councils})

    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> Self:
        """What the user may read: everything of the councils they belong to."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.for_councils(_councils_of(user))

    def administered_by(self, user: AbstractBaseUser | AnonymousUser | None) -> Self:
        """What a council administrator may manage (the admin site uses this)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        from plans.models import Role

        return self.for_councils(_councils_of(user, (Role.ADMIN,)))

    def officer_condition(self, user: Any) -> Q | None:
        """What an officer may change of this model; None means nothing."""
        return None

    def editable_by(self, user: AbstractBaseUser | AnonymousUser | None) -> Self:
        """What the user may change: all of their administered councils, plus what they lead."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        from plans.models import Role

        condition = Q(**{self._council_lookup(): _councils_of(user, (Role.ADMIN,))})
        officer = self.officer_condition(user)
        if officer is not None:
            condition |= officer & Q(
                **{self._council_lookup(): _councils_of(user, (Role.OFFICER, Role.ADMIN))}
            )
        return self.filter(condition)


class _ReadState(models.base.ModelState):
    """The state of an instance read from the database (``adding`` False for every one of
    them, as a class attribute rather than set on each of thousands)."""

    adding = False


def plain_instances(
    queryset: models.QuerySet,
    chunk_size: int | None = 2000,
    omit: Collection[str] = (),
    related: Sequence[str] = (),
    annotations: Sequence[str] = (),
) -> Iterator[Any]:
    """The queryset's objects, each made from its row's values without ``Model.__init__``
    (most of the time of reading thousands of small rows): every concrete field is loaded,
    as ``Model.from_db`` would load it, so methods and properties behave as on any instance.
    For rows only read (lists, exports, reports); no ``from_db`` override or ``post_init``
    receiver is run.

    ``omit`` names fields (attnames) the caller never reads, left unread (long text,
    timestamps): like a deferred field, one would be read from the database, a query for
    each object, if it were ever asked for.

    ``related`` names foreign keys (paths such as ``"theme"`` and ``"theme__plan"``, each
    after the one it starts from) read in the same query, as ``select_related`` would read
    them: each related object is made once, shared by the rows that point at it, and cached
    on them (None where the key is empty). ``annotations`` names the queryset's annotations
    to set on each object as attributes.

    The rows are read ``chunk_size`` at a time (on PostgreSQL, through a server-side cursor);
    ``chunk_size=None`` reads them in one fetch, without a cursor's extra round trips and
    materialised result: for a query whose size is already bounded (a chunk's values, the
    few hundred rows of a report)."""
    model = queryset.model
    names = [field.attname for field in model._meta.concrete_fields if field.attname not in omit]
    # Each related path: the path, its parent's path, the foreign key's name, the model, its
    # fields, their columns in the row and where among them the primary key is.
    columns: list[str] = list(names)
    paths: list[tuple[str, str, str, Any, list[str], slice, int]] = []
    models_by_path: dict[str, Any] = {"": model}
    for path in related:
        parent, _, name = path.rpartition("__")
        related_model = models_by_path[parent]._meta.get_field(name).related_model
        models_by_path[path] = related_model
        attnames = [field.attname for field in related_model._meta.concrete_fields]
        start = len(columns)
        columns += [f"{path}__{attname}" for attname in attnames]
        key = attnames.index(related_model._meta.pk.attname)
        paths.append((path, parent, name, related_model, attnames, slice(start, len(columns)), key))
    width = len(columns)
    columns += annotations
    db = queryset.db
    rows = queryset.values_list(*columns)
    shared: dict[tuple[str, Any], Any] = {}

    def made(cls: Any, attnames: list[str], values: Sequence[Any]) -> Any:
        instance = cls.__new__(cls)
        instance.__dict__.update(zip(attnames, values, strict=True))
        state = instance._state = _ReadState()
        state.db = db
        return instance

    for row in rows if chunk_size is None else rows.iterator(chunk_size=chunk_size):
        instance = made(model, names, row[: len(names)])
        if paths:
            objects = {"": instance}
            for path, parent, name, related_model, attnames, where, key in paths:
                values = row[where]
                pk = values[key]
                owner = objects[parent]
                if owner is None:
                    objects[path] = None
                    continue
                if pk is None:
                    obj = None
                else:
                    obj = shared.get((path, pk))
                    if obj is None:
                        obj = shared[(path, pk)] = made(related_model, attnames, values)
                objects[path] = obj
                owner._state.fields_cache[name] = obj
        if annotations:
            instance.__dict__.update(zip(annotations, row[width:], strict=True))
        yield instance


class IdsIn(models.Expression):
    """``field IN (ids)``, a filter for a chunk of thousands of integer ids (``queryset.filter(
    IdsIn("kpi_id", ids))``), written without the ORM's preparation of each id that an
    ``__in`` lookup does (some 6 µs an id: 12 ms for 2,000). The ids are checked to be
    integers and passed as parameters (on PostgreSQL as one array, which it plans faster
    than thousands of parameters)."""

    output_field = models.BooleanField()

    def __init__(self, field: str, ids: Collection[int]) -> None:
        super().__init__()
        self.column: Any = models.F(field)
        self.ids = [int(pk) for pk in ids]

    def resolve_expression(self, *args: Any, **kwargs: Any) -> IdsIn:
        resolved = self.copy()
        resolved.column = self.column.resolve_expression(*args, **kwargs)
        return resolved

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not self.ids:
            return "(1 = 0)", []
        column, params = compiler.compile(self.column)
        if connection.vendor == "postgresql":
            # One array parameter: the statement is not thousands of parameters long.
            return f"({column} = ANY(%s))", [*params, self.ids]
        return f"({column} IN ({', '.join(['%s'] * len(self.ids))}))", [*params, *self.ids]


class Precompiled:
    """A hot query's SQL, compiled by the ORM once per process, then run with each call's
    own values.

    Compiling a queryset can cost more than running it: 0.9 ms of the 1.7 ms of the council
    lookup every council page makes. ``build(**values)`` makes the queryset, as the caller
    would; it is compiled with a sentinel in place of each value (an integer or a string no
    data holds) and each call puts its own values where the sentinels were, so the SQL run
    is exactly the queryset's: who may read what is still decided by the queryset alone.
    Whatever else changes the SQL (e.g. whether the user is a superuser) needs a Precompiled
    of its own. A queryset whose parameters do not carry each sentinel as it was given (a
    value the ORM transforms), or that reads related objects, is not kept: it is built and
    run afresh at every call. Rows become instances as the queryset would make them (its
    fields' converters, its annotations as attributes).
    """

    def __init__(self, model: type[models.Model], build: Any) -> None:
        self.model = model
        self.build = build
        #: By database vendor and the values' names: how to run it, or None (not kept).
        self.compiled: dict[tuple[str, tuple[str, ...]], _Compiled | None] = {}

    @staticmethod
    def _sentinels(values: dict[str, Any]) -> dict[str, Any]:
        sentinels = {}
        for index, (name, value) in enumerate(values.items()):
            sentinels[name] = (
                -2_000_000_001 - index if isinstance(value, int) else f"\x00{name}\x00{index}"
            )
        return sentinels

    def _compile(self, values: dict[str, Any]) -> _Compiled | None:
        from django.core.exceptions import EmptyResultSet

        sentinels = self._sentinels(values)
        queryset = self.build(**sentinels)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        klass_info = compiler.klass_info
        if klass_info is None or klass_info.get("related_klass_infos") or queryset._fields:
            return None
        slots = [
            (position, name)
            for position, param in enumerate(params)
            for name, sentinel in sentinels.items()
            if type(param) is type(sentinel) and param == sentinel
        ]
        if {name for _, name in slots} != set(sentinels):
            return None
        select = compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Compiled(
            sql=sql,
            params=list(params),
            slots=slots,
            converters=compiler.get_converters([s[0] for s in select[: compiler.col_count]]),
            fields=(start, end),
            init_list=[column[0].target.attname for column in select[start:end]],
            annotations=dict(compiler.annotation_col_map or {}),
        )

    def fetch(self, **values: Any) -> list[models.Model]:
        """The objects of ``build(**values)``."""
        from django.db import connection

        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise TypeError(f"{name}: only integers and strings are precompiled")
        key = (connection.vendor, tuple(values))
        if key not in self.compiled:
            self.compiled[key] = self._compile(values)
        compiled = self.compiled[key]
        if compiled is None:
            return list(self.build(**values))
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        start, end = compiled.fields
        objects = []
        for row in rows:
            if compiled.converters:  # as the ORM converts (e.g. decimals on SQLite)
                row = list(row)
                for position, (converters, expression) in compiled.converters.items():
                    for converter in converters:
                        row[position] = converter(row[position], expression, connection)
            obj = self.model.from_db(connection.alias, compiled.init_list, row[start:end])
            for name, position in compiled.annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: list[Any]
    #: (position in params, the value's name) for each place a value goes.
    slots: list[tuple[int, str]]
    converters: dict[int, Any]
    #: Where the model's own columns are in a row, and their attnames.
    fields: tuple[int, int]
    init_list: list[str]
    #: Each annotation's position in a row.
    annotations: dict[str, int]
