"""Results as Arrow tables, pandas and polars data frames."""

import datetime as dt
import sys
import uuid

import pyarrow as pa
import pytest

import namidb as tg


@pytest.fixture
def mem():
    with tg.Client("memory://py-frames-" + uuid.uuid4().hex) as c:
        yield c


def test_typed_columns_become_typed_arrow_arrays(mem):
    mem.cypher(
        "UNWIND range(1, 1000) AS i CREATE (:P {i: i, f: i / 2.0, s: 'n' + toString(i),"
        " b: i % 2 = 0, d: date('2020-01-01') + duration({days: i})})"
    )
    result = mem.cypher(
        "MATCH (p:P) RETURN p.i AS i, p.f AS f, p.s AS s, p.b AS b, p.d AS d,"
        " CASE WHEN p.i % 10 = 0 THEN null ELSE p.i END AS maybe ORDER BY i"
    )
    table = result.to_arrow()
    assert table.schema.types == [pa.int64(), pa.float64(), pa.string(), pa.bool_(), pa.date32(), pa.int64()]
    assert table.num_rows == 1000
    assert table.column("i").to_pylist()[:3] == [1, 2, 3]
    assert table.column("maybe").null_count == 100
    assert table.column("d")[0].as_py() == dt.date(2020, 1, 2)


def test_temporal_and_graph_columns(mem):
    mem.cypher("CREATE (:A {x: 1})-[:R]->(:B)")
    table = mem.cypher(
        "MATCH (a:A)-[r:R]->(b) RETURN a, r, datetime('2020-01-01T00:00Z') AS t,"
        " localdatetime('2020-01-01T00:00') AS lt, duration('PT1S') AS d, [1, 2] AS l, {k: 'v'} AS m"
    ).to_arrow()
    assert pa.types.is_struct(table.schema.field("a").type)
    assert table.column("a")[0].as_py()["x"] == 1
    assert table.column("r")[0].as_py()["_type"] == "R"
    assert table.schema.field("t").type == pa.timestamp("ns", tz="+00:00") or table.schema.field("t").type.tz in ("UTC", "+00:00", "Z")
    assert table.schema.field("lt").type == pa.timestamp("ns")
    assert table.schema.field("d").type == pa.duration("ns")
    assert table.column("l").to_pylist() == [[1, 2]]
    assert table.column("m").to_pylist() == [{"k": "v"}]


def test_mixed_columns_fall_back_to_text(mem):
    table = mem.cypher("UNWIND [1, 'a', 2.5] AS x RETURN x").to_arrow()
    assert table.column("x").to_pylist() == ["1", "a", "2.5"]


def test_pandas(mem):
    mem.cypher("UNWIND range(1, 10) AS i CREATE (:P {i: i})")
    frame = mem.cypher("MATCH (p:P) RETURN p.i AS i ORDER BY i").to_pandas()
    assert list(frame.columns) == ["i"]
    assert frame["i"].sum() == 55


def test_polars_or_a_clear_import_error(mem, monkeypatch):
    result = mem.cypher("RETURN 1 AS one")
    try:
        import polars  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install polars"):
            result.to_polars()
    else:
        assert result.to_polars()["one"].to_list() == [1]
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ImportError, match="pip install polars"):
        result.to_polars()
