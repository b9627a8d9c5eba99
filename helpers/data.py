"""Loaders for the real datasets the lessons use.

Every loader works offline. Eight tables from R packages ship inside this package, as
compressed CSV in ``helpers/datasets/`` with their source, licence and citation in
``manifest.json`` (written by ``tools/vendor_data.py``); two come with ``scikit-learn``. Each
loader returns a pandas DataFrame with clean, lower-case column names, and its docstring says
where the data come from. Images of handwritten digits are in :mod:`helpers.digits`.
"""

import importlib
import json
from functools import cache
from importlib import resources

import pandas as pd


def require(package, purpose):
    """Import ``package`` or raise an error that says how to install it.

    Args:
        package: the module to import, e.g. ``"sklearn.datasets"``.
        purpose: what needs it, for the message.

    Returns:
        The imported module.
    """
    try:
        return importlib.import_module(package)
    except ImportError as error:
        top_level = package.split(".")[0]
        pip_name = {"sklearn": "scikit-learn"}.get(top_level, top_level)
        raise ModuleNotFoundError(
            f"{purpose} needs the Python package '{pip_name}', which is not installed. "
            f"Install it with:  pip install {pip_name}"
        ) from error


# pandas 2's default float parser may miss the last digit; pandas 3's is exact (and deprecates
# the option).
_EXACT_FLOATS = {"float_precision": "round_trip"} if pd.__version__.startswith("2.") else {}


@cache
def manifest():
    """What ``helpers/datasets/`` holds: per table, its file, R package, licence, source,
    citation, rows and column dtypes."""
    return json.loads((resources.files(__package__) / "datasets" / "manifest.json").read_text())


def _table(name):
    """One shipped table, with the dtypes it had in R: text (and the column names) stay
    ``object`` on pandas 3 as on pandas 2, so every lesson sees the same frame on both."""
    entry = manifest()[name]
    with (resources.files(__package__) / "datasets" / entry["file"]).open("rb") as file:
        frame = pd.read_csv(file, compression="gzip", dtype=entry["dtypes"],
                            keep_default_na=False, na_values=[""], **_EXACT_FLOATS)
    frame.columns = pd.Index(frame.columns, dtype=object)
    return frame


def cereals():
    """Nutrition facts of 65 US breakfast cereals, one row per cereal, per American cup.

    Columns: ``name``, ``manufacturer`` (G, K, N, P, Q, R), ``calories``, ``protein``,
    ``fat``, ``sodium``, ``fiber``, ``carbohydrates``, ``sugars`` (grams unless noted),
    ``shelf`` (1-3 from the floor), ``potassium``, ``vitamins``.

    Source: MASS ``UScereal``; from the 1993 ASA Statistical Graphics Exposition, taken
    from the mandatory FDA food label. Venables, W. N. and Ripley, B. D. (2002) *Modern
    Applied Statistics with S*, 4th ed., Springer.

    Returns:
        DataFrame of 65 rows and 12 columns.
    """
    frame = _table("cereals")
    return frame.rename(
        columns={
            "rownames": "name",
            "mfr": "manufacturer",
            "fibre": "fiber",
            "carbo": "carbohydrates",
        }
    ).reset_index(drop=True)


def diabetes():
    """Ten baseline measurements of 442 diabetes patients and their disease progression.

    Columns: ``age`` (years), ``sex`` (1 or 2), ``bmi`` (body-mass index), ``bp`` (mean
    blood pressure), six blood serum measurements ``total_cholesterol``, ``ldl``, ``hdl``,
    ``cholesterol_hdl_ratio``, ``log_triglycerides``, ``glucose``, and the target
    ``progression``: a quantitative measure of disease progression one year after baseline.
    Values are in their original units (not the scaled copy scikit-learn returns by
    default).

    Source: scikit-learn's bundled copy (``sklearn.datasets.load_diabetes``). Efron, B.,
    Hastie, T., Johnstone, I. and Tibshirani, R. (2004) "Least Angle Regression",
    *Annals of Statistics* 32(2), 407-499.

    Returns:
        DataFrame of 442 rows and 11 columns.
    """
    datasets = require("sklearn.datasets", "The diabetes data")
    bunch = datasets.load_diabetes(as_frame=True, scaled=False)
    return bunch.frame.rename(
        columns={
            "s1": "total_cholesterol",
            "s2": "ldl",
            "s3": "hdl",
            "s4": "cholesterol_hdl_ratio",
            "s5": "log_triglycerides",
            "s6": "glucose",
            "target": "progression",
        }
    )


def concrete():
    """Compressive strength of 1,030 concrete mixes and what went into them.

    Columns (kg per cubic metre of mixture unless noted): ``cement``,
    ``blast_furnace_slag``, ``fly_ash``, ``water``, ``superplasticizer``,
    ``coarse_aggregate``, ``fine_aggregate``, ``age`` (days), and the target
    ``compressive_strength`` (MPa).

    Source: modeldata ``concrete``. Yeh, I.-C. (1998) "Modeling of strength of
    high-performance concrete using artificial neural networks", *Cement and Concrete
    Research* 28(12), 1797-1808; UCI Machine Learning Repository.

    Returns:
        DataFrame of 1,030 rows and 9 columns.
    """
    return _table("concrete")


def motorcycle():
    """Head acceleration of a crash-test dummy in 133 simulated motorcycle impacts.

    Columns: ``time`` (milliseconds after impact) and ``acceleration`` (in g). A classic
    curved, one-input regression problem.

    Source: MASS ``mcycle``. Silverman, B. W. (1985) "Some aspects of the spline
    smoothing approach to non-parametric curve fitting", *Journal of the Royal Statistical
    Society B* 47, 1-52.

    Returns:
        DataFrame of 133 rows and 2 columns.
    """
    frame = _table("motorcycle")
    return pd.DataFrame(
        {"time": frame["times"].to_numpy(), "acceleration": frame["accel"].to_numpy()}
    )


def diamonds():
    """Prices and attributes of 53,940 round-cut diamonds.

    Columns: ``carat`` (weight), ``cut`` (Fair, Good, Very Good, Premium, Ideal),
    ``color`` (D best to J worst), ``clarity`` (I1 worst to IF best), ``depth`` (total
    depth percentage), ``table`` (width of the top relative to the widest point, %),
    ``price`` (US dollars), ``length_mm``, ``width_mm``, ``depth_mm``.

    Source: ggplot2 ``diamonds``. Wickham, H. (2016) *ggplot2: Elegant Graphics for Data
    Analysis*, Springer.

    Returns:
        DataFrame of 53,940 rows and 10 columns.
    """
    frame = _table("diamonds")
    return frame.rename(columns={"x": "length_mm", "y": "width_mm", "z": "depth_mm"})


def auto():
    """Fuel economy and engine data of 392 car models from 1970 to 1982.

    Columns: ``mpg`` (miles per gallon), ``cylinders``, ``displacement`` (cubic inches),
    ``horsepower``, ``weight`` (pounds), ``acceleration`` (seconds from 0 to 60 mph),
    ``year`` (model year, 70-82), ``origin`` ("american", "european", "japanese") and
    ``name``.

    Source: ISLR ``Auto``; originally the StatLib library of Carnegie Mellon University,
    used in the 1983 ASA Data Exposition. James, G., Witten, D., Hastie, T. and
    Tibshirani, R. (2013) *An Introduction to Statistical Learning*.

    Returns:
        DataFrame of 392 rows and 9 columns.
    """
    frame = _table("auto").drop(columns="rownames")  # R's row numbers in the original 397
    origins = {1: "american", 2: "european", 3: "japanese"}
    return frame.assign(origin=frame["origin"].map(origins)).reset_index(drop=True)


def hotel_rates():
    """15,402 bookings of a Portuguese resort hotel (2016-2017) and their room price.

    Columns include the target ``avg_price_per_room`` (euros per night), ``lead_time``
    (days between booking and arrival), stay lengths, guests, ``meal``, ``country``,
    ``market_segment``, ``distribution_channel``, room types, ``customer_type``,
    ``arrival_date`` (text, ISO format), ``arrival_date_num`` (decimal year),
    ``near_christmas``, ``near_new_years`` and ``historical_adr`` (the hotel's average daily
    rate for that time of year). A missing ``country`` is "unknown".

    Source: modeldata ``hotel_rates``. Antonio, N., de Almeida, A. and Nunes, L. (2019)
    "Hotel booking demand datasets", *Data in Brief* 22, 41-49.

    Returns:
        DataFrame of 15,402 rows and 28 columns.
    """
    frame = _table("hotel_rates")
    return frame.assign(country=frame["country"].fillna("unknown")).reset_index(drop=True)


def ames():
    """2,930 houses sold in Ames, Iowa, 2006-2010, with 73 descriptions and the sale price.

    Columns are the modeldata names in lower case, e.g. ``gr_liv_area``, ``year_built``,
    ``neighborhood``, ``overall_cond``, and the target ``sale_price`` (US dollars). Missing
    categories (a house with no masonry veneer, say) are the string "None".

    Source: modeldata ``ames``. De Cock, D. (2011) "Ames, Iowa: Alternative to the Boston
    Housing Data as an End of Semester Regression Project", *Journal of Statistics
    Education* 19(3).

    Returns:
        DataFrame of 2,930 rows and 74 columns.
    """
    frame = _table("ames")
    frame.columns = frame.columns.str.lower()
    categorical = frame.select_dtypes("object").columns
    frame[categorical] = frame[categorical].fillna("None")
    return frame.reset_index(drop=True)


def breast_cancer():
    """569 breast tumour biopsies: 30 measurements of cell nuclei and the diagnosis.

    Columns: 30 numeric features named as in scikit-learn with underscores
    (``mean_radius``, ``mean_texture``, ..., ``worst_fractal_dimension``) and
    ``diagnosis``: "malignant" or "benign".

    Source: scikit-learn's bundled copy (``sklearn.datasets.load_breast_cancer``) of the
    Wisconsin Diagnostic Breast Cancer data. Street, W. N., Wolberg, W. H. and Mangasarian,
    O. L. (1993) "Nuclear feature extraction for breast tumor diagnosis", *IS&T/SPIE
    Biomedical Image Processing and Biomedical Visualization* 1905, 861-870.

    Returns:
        DataFrame of 569 rows and 31 columns.
    """
    datasets = require("sklearn.datasets", "The breast cancer data")
    bunch = datasets.load_breast_cancer(as_frame=True)
    features = bunch.data.rename(columns=lambda name: name.replace(" ", "_"))
    diagnosis = bunch.target.map(dict(enumerate(map(str, bunch.target_names))))
    return features.assign(diagnosis=diagnosis.to_numpy())


def credit():
    """4,039 consumer credit applications to a Spanish bank and whether they went bad.

    Columns: ``status`` ("good" or "bad": the outcome), ``seniority`` (years in the job),
    ``home``, ``time`` (loan term, months), ``age``, ``marital``, ``records`` (past
    arrears), ``job``, ``expenses``, ``income``, ``assets``, ``debt``, ``amount`` (the loan)
    and ``price`` (of the goods bought). The 415 applications with a missing value are left
    out.

    Source: modeldata ``credit_data``, from the CreditScoring data of Lluís A. Belanche
    Muñoz (Universitat Politècnica de Catalunya), as packaged by Gaston Sanchez.

    Returns:
        DataFrame of 4,039 rows and 14 columns.
    """
    frame = _table("credit")
    frame.columns = frame.columns.str.lower()
    return frame.dropna().reset_index(drop=True)
