"""NamiDB: a graph database whose whole state lives in an object-store bucket.

    import namidb as tg

    with tg.Client("file:///tmp/graph?ns=demo") as client:
        client.cypher("CREATE (:Person {name: $name})", {"name": "Ada"})
        result = client.cypher("MATCH (p:Person) RETURN p.name AS name")
        result.columns      # ['name']
        result.rows()       # [{'name': 'Ada'}]
        result.to_pandas()  # a DataFrame (pyarrow + pandas)

URIs: ``memory://NAME``, ``file:///dir``, ``s3://bucket/prefix?region=..&endpoint=..``,
``gs://``, ``az://``; ``?ns=NAME`` picks the namespace. Every statement is atomic; a
``client.batch()`` block commits several together.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional

from . import _native
from ._native import (
    Entity,
    ConstraintError,
    CypherError,
    CypherRuntimeError,
    CypherSemanticError,
    CypherSyntaxError,
    CypherTypeError,
    Duration,
    Error,
    FencedError,
    ImportDataError,
    Node,
    Path,
    Relationship,
    StorageError,
    UnsupportedError,
)

__all__ = [
    "Client",
    "Batch",
    "Result",
    "Entity",
    "Node",
    "Relationship",
    "Path",
    "Duration",
    "Error",
    "CypherError",
    "CypherSyntaxError",
    "CypherSemanticError",
    "CypherTypeError",
    "CypherRuntimeError",
    "ConstraintError",
    "UnsupportedError",
    "FencedError",
    "StorageError",
    "ImportDataError",
]

__version__ = "0.1.0"


def _plain(value: Any) -> Any:
    """A value pyarrow can hold: graph elements become dicts, durations strings."""
    if isinstance(value, Node):
        return {"_id": value.id, "_labels": value.labels, **{k: _plain(v) for k, v in value.properties.items()}}
    if isinstance(value, Relationship):
        return {
            "_id": value.id,
            "_type": value.type,
            "_start": value.start_node,
            "_end": value.end_node,
            **{k: _plain(v) for k, v in value.properties.items()},
        }
    if isinstance(value, Path):
        return {"nodes": [_plain(n) for n in value.nodes], "relationships": [_plain(r) for r in value.relationships]}
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Result:
    """A statement's result: ``columns``, ``rows()``, iteration (dicts), ``len()``, and
    ``to_arrow()`` / ``to_pandas()`` / ``to_polars()``."""

    __slots__ = ("_native",)

    def __init__(self, native: "_native.NativeResult") -> None:
        self._native = native

    @property
    def columns(self) -> List[str]:
        """Column names in RETURN order (also when there are no rows)."""
        return self._native.columns

    def rows(self) -> List[Dict[str, Any]]:
        """Every row as a dict keyed by column name."""
        return self._native.dicts()

    def tuples(self) -> List[tuple]:
        """Every row as a tuple in column order."""
        return self._native.tuples()

    def value(self, default: Any = None) -> Any:
        """The first column of the first row, or ``default`` when there is no row."""
        if len(self._native) == 0 or not self.columns:
            return default
        return self._native.cell(0, 0)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        return iter(self._native.dicts())

    def __len__(self) -> int:
        return len(self._native)

    def __repr__(self) -> str:
        return f"<namidb.Result columns={self.columns!r} rows={len(self)}>"

    def _arrow_arrays(self) -> list:
        import pyarrow as pa

        arrays = []
        for index, _ in enumerate(self.columns):
            column = self._native.arrow_column(index)
            if column is not None:
                arrays.append(pa.array(column))
                continue
            values = [_plain(v) for v in self._native.column_values(index)]
            try:
                arrays.append(pa.array(values))
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                # Mixed kinds in one column: keep each value's text.
                arrays.append(pa.array([None if v is None else str(v) for v in values], pa.string()))
        return arrays

    def to_arrow(self) -> "pyarrow.Table":  # noqa: F821
        """The result as a ``pyarrow.Table``. Typed columns (integers, floats, strings,
        booleans, bytes, temporal values) are handed over without copying; graph elements
        become structs (``_id``, ``_labels``/``_type``, properties)."""
        try:
            import pyarrow as pa
        except ImportError as e:  # pragma: no cover - exercised without pyarrow only
            raise ImportError("Result.to_arrow() needs pyarrow: pip install pyarrow") from e
        return pa.Table.from_arrays(self._arrow_arrays(), names=self.columns)

    def to_pandas(self) -> "pandas.DataFrame":  # noqa: F821
        """The result as a ``pandas.DataFrame`` (through Arrow)."""
        try:
            import pandas  # noqa: F401
        except ImportError as e:
            raise ImportError("Result.to_pandas() needs pandas and pyarrow: pip install pandas pyarrow") from e
        return self.to_arrow().to_pandas()

    def to_polars(self) -> "polars.DataFrame":  # noqa: F821
        """The result as a ``polars.DataFrame`` (through Arrow)."""
        try:
            import polars as pl
        except ImportError as e:
            raise ImportError("Result.to_polars() needs polars: pip install polars") from e
        return pl.from_arrow(self.to_arrow())


class Batch:
    """Statements that see each other's writes and commit together when the ``with`` block
    exits; nothing is applied if the block raises (or a statement in it failed)."""

    def __init__(self, native: "_native.NativeBatch") -> None:
        self._native = native

    def cypher(self, query: str, params: Optional[Mapping[str, Any]] = None) -> Result:
        """Runs ``query`` inside the batch."""
        return Result(self._native.execute(query, dict(params) if params else None))

    def commit(self) -> None:
        """Commits the batch now (the ``with`` block does it on exit)."""
        self._native.commit()

    def rollback(self) -> None:
        """Discards the batch."""
        self._native.rollback()

    def __enter__(self) -> "Batch":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            self._native.commit()
        else:
            self._native.rollback()
        return False


class Client:
    """A connection to one namespace.

    ``Client(uri, *, cache_bytes=None, **options)``: ``cache_bytes`` bounds the SST cache;
    options: ``flush_threshold_bytes``, ``background`` (run flush/compaction/GC in the
    background, default True), ``gc_grace_seconds``, ``l0_compaction_trigger``,
    ``level_size_ratio``. A client is safe to share between threads; the GIL is released
    while the engine works.
    """

    def __init__(self, uri: str, *, cache_bytes: Optional[int] = None, **options: Any) -> None:
        self._uri = uri
        self._native = _native.NativeDatabase(uri, cache_bytes, options or None)

    @property
    def uri(self) -> str:
        return self._uri

    @property
    def closed(self) -> bool:
        return self._native.closed

    def cypher(self, query: str, params: Optional[Mapping[str, Any]] = None) -> Result:
        """Runs one Cypher statement (atomically) and returns its result."""
        return Result(self._native.execute(query, dict(params) if params else None))

    def batch(self) -> Batch:
        """``with client.batch() as b: b.cypher(...)``: one commit for the whole block."""
        return Batch(self._native.batch())

    def flush(self) -> None:
        """Writes the in-memory tables to SSTs in the bucket."""
        self._native.flush()

    def compact(self) -> None:
        """Compacts every LSM level fully."""
        self._native.compact()

    def schema(self) -> Dict[str, Any]:
        """Every label, relationship type and property type the namespace may hold.

        ``{"version": 3, "labels": {"Person": {"age": ["INTEGER"], ...}},
        "relationship_types": {"KNOWS": {...}}, "unlabelled": {...}}``. A property whose values
        had several types lists each; deleted data stays listed (the schema only grows)."""
        return self._native.schema()

    def gc(self, *, dry_run: bool = False) -> Dict[str, int]:
        """Deletes objects no reader can need any more; ``dry_run`` only counts them."""
        return self._native.gc(dry_run)

    def register_procedure(self, name: str, signature: str, fn: Callable[..., Any]) -> None:
        """Registers a Python procedure callable with ``CALL name(...) YIELD ...``.

        ``signature`` is ``"(in :: INTEGER?) :: (out :: STRING?)"`` or the full form with the
        name. ``fn`` gets the arguments positionally and returns an iterable of rows (dicts
        keyed by output name, or tuples in signature order)."""
        text = signature.strip()
        if text.startswith("("):
            text = name + text
        elif not text.startswith(name):
            raise ValueError(f"signature {signature!r} names another procedure than {name!r}")
        self._native.register_procedure(text, fn)

    def close(self) -> None:
        """Closes the client; committed data is already durable. Closing twice is fine."""
        self._native.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.close()
        return False

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<namidb.Client {self._uri!r} {state}>"
