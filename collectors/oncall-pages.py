#!/usr/bin/env python3
"""Out-of-hours pages per week for one team: the four-week average before a date.

Usage: collectors/oncall-pages.py EXPORT.csv --team TEAM

Reads the paging tool's export (columns: date, team, out_of_hours) and prints one number, the
mean of out-of-hours pages per week over the 28 days before OKRSITE_DATE (which `okrsite collect`
sets to the check-in date). An example of a `command` source: any program in the programs folder
(collectors/, as .github/okrsite-sources.yaml declares) that prints one number will do.
"""

import argparse
import csv
import os
import sys
from datetime import date, timedelta

WINDOW_DAYS = 28


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export")
    parser.add_argument("--team", required=True)
    args = parser.parse_args()
    day = date.fromisoformat(os.environ["OKRSITE_DATE"])
    start = day - timedelta(days=WINDOW_DAYS)
    with open(args.export, newline="", encoding="utf-8") as export:
        pages = sum(
            1
            for row in csv.DictReader(export)
            if row["team"] == args.team
            and row["out_of_hours"] == "yes"
            and start <= date.fromisoformat(row["date"]) < day
        )
    print(f"{pages / (WINDOW_DAYS / 7):g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
