#!/usr/bin/env python3
"""What an analyst would write instead of the app: the core of KPB in plain DuckDB SQL or in
Polars, on the generator's files (crates/kpb-gen), for the benchmark (scripts/bench).

    .tools/venv/bin/python bench/plain.py duckdb|polars DIR [--check ENGINE.tsv]
    .tools/venv/bin/python bench/plain.py sql      # the DuckDB SQL as JSON, for DuckDB-wasm

The core computation: read the ledger, the volume file, the organisation mapping and the konto
ranges; the KPB cost of each ledger row (konto ranges; revenues deducted); each row to its cell
(insats, enhet, regi) or its pool (enhet, område, förvaltning) by ansvar and verksamhet; the
pools onto the egen regi cells by direct cost; each cell's volume (beviljad if the insats has any,
else utförd; a stay's days in the year); each cell's unit cost; each brukare's cost (its volume ×
its cells' unit costs), summed per brukare. Money is read as DECIMAL(18, 2) in both; a division is a
division in floating point. What the app also does and these do not: the
checks and their findings with file, line and column, personnummer, annan regi's payments, the
nyckeltal, ytterfall, the reconciliation, the exports.

Prints one JSON line: {"load_ms", "compute_ms", "peak_mib", "clients", "cost"}. With
--check, holds its egen regi cells (insats code, enhet, total kr, volume) against the engine's
(`KPB_CELLS=ENGINE.tsv target/release/examples/bench DIR`) and fails, naming the cells, unless
every cell is there with the same volume and its total within a krona (the engine's allocation is
exact; these divide in floating point or at a fixed scale).
"""

from decimal import Decimal

import json
import resource
import sys
import time

YEAR = 2025
# The generator's insats names, as an analyst would map them to the catalogue's codes.
INSATS = {
    "Hemtjänst": "HEMTJ", "Hemsjukvård": "HSV", "Trygghetslarm": "LARM", "Matdistribution": "MAT",
    "Dagverksamhet": "DAGV", "Korttidsboende": "KORTBO", "Vård- och omsorgsboende": "SABO",
    "Boendestöd": "BOSTOD", "Personlig assistans SFB": "PASFB", "Personlig assistans LSS": "PALSS",
    "Gruppbostad LSS": "GRUPP", "Servicebostad": "SERVBO", "Daglig verksamhet": "DV",
    "Korttidsvistelse": "KORTV", "Ledsagarservice": "LEDS",
}
KPB_KINDS = ("kostnad", "personalkostnad", "intern intäkt", "försäljning")


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


SQL = f"""
CREATE TABLE insats_name AS SELECT * FROM (VALUES {', '.join(f"('{k}', '{v}')" for k, v in INSATS.items())}) t(name, code);
-- Konto kind by range (4-digit kontos).
CREATE TABLE ledger_kpb AS
SELECT l.ansvar, l.verksamhet, l.belopp
FROM ledger l JOIN konton k ON CAST(left(l.konto, 4) AS INTEGER) BETWEEN k.fran AND k.till
WHERE k.typ IN {KPB_KINDS};
-- Each ledger row to its mapping rule: a rule with the row's verksamhet before one without;
-- a row no rule names takes a prefix rule (an ansvar ending in *). (Two joins: an OR in one
-- join condition would make it a nested loop.)
CREATE TABLE exact AS
SELECT l.rowid AS row, l.belopp, m.insats, m.enhet, m.omrade, m.regi, m.fordelning
FROM ledger_kpb l JOIN mapping m ON l.ansvar = m.ansvar AND (m.verksamhet IS NULL OR m.verksamhet = l.verksamhet)
QUALIFY row_number() OVER (PARTITION BY l.rowid ORDER BY m.verksamhet IS NULL) = 1;
CREATE TABLE placed AS
SELECT belopp, insats, enhet, omrade, regi, fordelning FROM exact
UNION ALL
SELECT l.belopp, m.insats, m.enhet, m.omrade, m.regi, m.fordelning
FROM (SELECT rowid AS row, * FROM ledger_kpb) l ANTI JOIN exact e ON e.row = l.row
JOIN (SELECT * FROM mapping WHERE ansvar LIKE '%*') m ON starts_with(l.ansvar, rtrim(m.ansvar, '*'))
QUALIFY row_number() OVER (PARTITION BY l.row ORDER BY length(m.ansvar) DESC) = 1;
-- Volume rows of the year, with a stay's days in the year as utförd.
CREATE TABLE vol AS
SELECT v.brukare, i.code AS insats, v.enhet, coalesce(v.regi, 'egen') AS regi, v.beviljad AS bev,
       CASE WHEN v.fran IS NOT NULL AND v.beviljad IS NULL AND v.utford IS NULL THEN
           greatest(0, date_diff('day', greatest(v.fran, DATE '{YEAR}-01-01'),
                                  least(coalesce(v.till, DATE '{YEAR}-12-31'), DATE '{YEAR}-12-31')) + 1)
       ELSE v.utford END AS utf
FROM volumes v JOIN insats_name i ON i.name = v.insats
WHERE (v.period IS NULL OR left(v.period, 4) = '{YEAR}')
  AND (v.fran IS NULL OR coalesce(v.till, DATE '{YEAR}-12-31') >= DATE '{YEAR}-01-01');
CREATE TABLE basis AS SELECT insats, bool_or(coalesce(bev, 0) > 0) AS beviljad FROM vol GROUP BY insats;
CREATE TABLE vb AS
SELECT v.brukare, v.insats, v.enhet, v.regi,
       CAST(CASE WHEN b.beviljad THEN coalesce(v.bev, 0) ELSE coalesce(v.utf, 0) END AS DECIMAL(18, 2)) AS v
FROM vol v JOIN basis b USING (insats);
CREATE TABLE cell AS
SELECT insats, enhet, regi, coalesce(d.direct, 0) AS direct, coalesce(w.v, 0) AS v
FROM (SELECT insats, enhet, regi, sum(belopp) AS direct FROM placed WHERE insats IS NOT NULL GROUP BY ALL) d
FULL JOIN (SELECT insats, enhet, regi, sum(v) AS v FROM vb GROUP BY ALL) w USING (insats, enhet, regi);
CREATE TABLE omrade AS SELECT DISTINCT enhet, omrade FROM mapping WHERE enhet IS NOT NULL AND omrade IS NOT NULL;
CREATE TABLE pool AS
SELECT fordelning AS level, CASE fordelning WHEN 'enhet' THEN enhet WHEN 'område' THEN omrade END AS pool_key,
       sum(belopp) AS amount
FROM placed WHERE insats IS NULL AND fordelning IN ('enhet', 'område', 'förvaltning') GROUP BY ALL;
CREATE TABLE receiver AS
SELECT p.level, p.pool_key, p.amount, c.insats, c.enhet, greatest(c.direct, 0) AS w
FROM pool p JOIN cell c ON c.regi = 'egen' AND (c.direct <> 0 OR c.v <> 0)
LEFT JOIN omrade o ON o.enhet = c.enhet
WHERE (p.level = 'enhet' AND c.enhet = p.pool_key) OR (p.level = 'område' AND o.omrade = p.pool_key)
   OR p.level = 'förvaltning';
CREATE TABLE allocated AS
SELECT insats, enhet, sum(amount * w / wsum) AS allocated
FROM (SELECT *, sum(w) OVER (PARTITION BY level, pool_key) AS wsum FROM receiver) WHERE wsum > 0 GROUP BY ALL;
CREATE TABLE unit AS
SELECT c.insats, c.enhet, c.direct + coalesce(a.allocated, 0) AS total, c.v,
       (c.direct + coalesce(a.allocated, 0)) / nullif(c.v, 0) AS unit_cost
FROM cell c LEFT JOIN allocated a USING (insats, enhet) WHERE c.regi = 'egen';
CREATE TABLE client AS
SELECT vb.brukare, sum(vb.v * u.unit_cost) AS cost
FROM vb JOIN unit u USING (insats, enhet) WHERE vb.regi = 'egen' AND u.unit_cost IS NOT NULL GROUP BY vb.brukare
HAVING sum(vb.v * u.unit_cost) <> 0;
"""


def load_sql(d):
    """The four files as tables (DECIMAL money and volumes, dates as DATE)."""
    money = "DECIMAL(18, 2)"
    opts = "delim=';', header=true, decimal_separator=','"
    return f"""
        CREATE TABLE ledger AS SELECT Ansvar AS ansvar, CAST(Verksamhet AS VARCHAR) AS verksamhet,
            CAST(Konto AS VARCHAR) AS konto, Belopp AS belopp
        FROM read_csv('{d}kostnader.csv', {opts}, types={{'Ansvar': 'VARCHAR', 'Verksamhet': 'VARCHAR',
            'Konto': 'VARCHAR', 'Belopp': '{money}', 'Brukare': 'VARCHAR'}});
        CREATE TABLE volumes AS SELECT Brukare AS brukare, Insats AS insats, Enhet AS enhet, Regi AS regi,
            "Beviljad tid" AS beviljad, "Utförd tid" AS utford, Period AS period, "Från" AS fran, Till AS till
        FROM read_csv('{d}brukare.csv', {opts}, types={{'Beviljad tid': 'DECIMAL(18, 2)',
            'Utförd tid': 'DECIMAL(18, 2)', 'Period': 'VARCHAR', 'Från': 'DATE', 'Till': 'DATE', 'Belopp': '{money}'}});
        CREATE TABLE mapping AS SELECT CAST(Ansvar AS VARCHAR) AS ansvar, CAST(Verksamhet AS VARCHAR) AS verksamhet,
            Insats AS insats, Enhet AS enhet, "Område" AS omrade, Regi AS regi, "Fördelning" AS fordelning
        FROM read_csv('{d}mappning.csv', {opts}, all_varchar=true);
        CREATE TABLE konton AS SELECT CAST("Konto från" AS INTEGER) AS fran, CAST("Konto till" AS INTEGER) AS till,
            Kontotyp AS typ FROM read_csv('{d}konton.csv', {opts}, all_varchar=true);
    """


# (As text: DuckDB-wasm hands a DECIMAL over as its unscaled integer.)
RESULT = "SELECT count(*), CAST(CAST(sum(cost) AS DECIMAL(18, 2)) AS VARCHAR) FROM client"
CELLS = "SELECT insats, enhet, CAST(CAST(total AS DECIMAL(18, 2)) AS VARCHAR), CAST(v AS VARCHAR) FROM unit ORDER BY ALL"


def run_duckdb(d):
    import duckdb

    con = duckdb.connect()
    t0 = time.perf_counter()
    con.execute(load_sql(d + "/"))
    t1 = time.perf_counter()
    con.execute(SQL)
    n, cost = con.execute(RESULT).fetchone()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, n, Decimal(cost), con.execute(CELLS).fetchall()


def run_polars(d):
    import polars as pl

    t0 = time.perf_counter()
    opts = dict(separator=";", decimal_comma=True)
    ledger = pl.read_csv(f"{d}/kostnader.csv", **opts, schema_overrides={
        "Ansvar": pl.String, "Verksamhet": pl.String, "Konto": pl.String, "Belopp": pl.Decimal(18, 2)})
    volumes = pl.read_csv(f"{d}/brukare.csv", **opts, schema_overrides={
        "Beviljad tid": pl.Decimal(18, 2), "Utförd tid": pl.Decimal(18, 2), "Period": pl.String,
        "Från": pl.Date, "Till": pl.Date, "Belopp": pl.Decimal(18, 2)})
    mapping = pl.read_csv(f"{d}/mappning.csv", separator=";", infer_schema=False)
    konton = pl.read_csv(f"{d}/konton.csv", separator=";", infer_schema=False)
    t1 = time.perf_counter()
    # (Eager: as one lazy query, collected at the end, it took twice as long at 1 M rows.)

    konton = konton.select(pl.col("Konto från").cast(pl.Int32).alias("fran"),
                           pl.col("Konto till").cast(pl.Int32).alias("till"), pl.col("Kontotyp").alias("typ"))
    ledger = (ledger.with_row_index("row").with_columns(pl.col("Konto").str.slice(0, 4).cast(pl.Int32).alias("k4"))
              .join_where(konton, pl.col("k4") >= pl.col("fran"), pl.col("k4") <= pl.col("till"))
              .filter(pl.col("typ").is_in(KPB_KINDS)))
    m = mapping.select(pl.col("Ansvar").alias("m_ansvar"), pl.col("Verksamhet").alias("m_verksamhet"),
                       pl.col("Insats").alias("insats"), pl.col("Enhet").alias("enhet"),
                       pl.col("Område").alias("omrade"), pl.col("Regi").alias("regi"),
                       pl.col("Fördelning").alias("fordelning"))
    exact = m.filter(~pl.col("m_ansvar").str.ends_with("*"))
    wild = m.filter(pl.col("m_ansvar").str.ends_with("*"))
    # A rule with the row's verksamhet, else one without it, else a prefix rule (ansvar*).
    by_v = ledger.join(exact.filter(pl.col("m_verksamhet").is_not_null()),
                       left_on=["Ansvar", "Verksamhet"], right_on=["m_ansvar", "m_verksamhet"], how="inner")
    rest = ledger.join(by_v.select("row"), on="row", how="anti")
    by_a = rest.join(exact.filter(pl.col("m_verksamhet").is_null()).drop("m_verksamhet"),
                     left_on="Ansvar", right_on="m_ansvar", how="inner")
    rest = rest.join(by_a.select("row"), on="row", how="anti")
    by_w = (rest.join(wild.drop("m_verksamhet"), how="cross")
            .filter(pl.col("Ansvar").str.starts_with(pl.col("m_ansvar").str.strip_chars_end("*")))
            .sort(pl.col("m_ansvar").str.len_chars(), descending=True)  # the longest prefix
            .unique("row", keep="first", maintain_order=True))
    cols = ["Belopp", "insats", "enhet", "omrade", "regi", "fordelning"]
    placed = pl.concat([by_v.select(cols), by_a.select(cols), by_w.select(cols)])

    y0, y1 = pl.date(YEAR, 1, 1), pl.date(YEAR, 12, 31)
    codes = pl.DataFrame({"Insats": list(INSATS), "insats": list(INSATS.values())})
    vol = (volumes.join(codes, on="Insats", how="inner")
           .filter((pl.col("Period").is_null() | pl.col("Period").str.starts_with(str(YEAR)))
                   & (pl.col("Från").is_null() | (pl.col("Till").fill_null(y1) >= y0)))
           .with_columns(
               pl.when(pl.col("Från").is_not_null() & pl.col("Beviljad tid").is_null() & pl.col("Utförd tid").is_null())
               .then(((pl.min_horizontal(pl.col("Till").fill_null(y1), y1) - pl.max_horizontal(pl.col("Från"), y0))
                      .dt.total_days() + 1).clip(0).cast(pl.Decimal(18, 2)))
               .otherwise(pl.col("Utförd tid")).alias("utf"),
               pl.col("Regi").fill_null("egen").alias("regi")))
    basis = vol.group_by("insats").agg((pl.col("Beviljad tid").fill_null(0) > 0).any().alias("beviljad"))
    vb = (vol.join(basis, on="insats")
          .select(pl.col("Brukare"), "insats", pl.col("Enhet").alias("enhet"), "regi",
                  pl.when(pl.col("beviljad")).then(pl.col("Beviljad tid").fill_null(0))
                  .otherwise(pl.col("utf").fill_null(0)).alias("v")))
    direct = placed.filter(pl.col("insats").is_not_null()).group_by("insats", "enhet", "regi").agg(
        pl.col("Belopp").sum().alias("direct"))
    cell = (direct.join(vb.group_by("insats", "enhet", "regi").agg(pl.col("v").sum()),
                        on=["insats", "enhet", "regi"], how="full", coalesce=True)
            .with_columns(pl.col("direct").fill_null(0), pl.col("v").fill_null(0)))
    omrade = mapping.filter(pl.col("Enhet").is_not_null() & pl.col("Område").is_not_null()).select(
        pl.col("Enhet").alias("enhet"), pl.col("Område").alias("c_omrade")).unique()
    pool = (placed.filter(pl.col("insats").is_null() & pl.col("fordelning").is_in(["enhet", "område", "förvaltning"]))
            .with_columns(pl.when(pl.col("fordelning") == "enhet").then(pl.col("enhet"))
                          .when(pl.col("fordelning") == "område").then(pl.col("omrade")).alias("pool_key"))
            .group_by("fordelning", "pool_key").agg(pl.col("Belopp").sum().alias("amount")))
    receivers = (cell.filter((pl.col("regi") == "egen") & ((pl.col("direct") != 0) | (pl.col("v") != 0)))
                 .join(omrade, on="enhet", how="left")
                 .with_columns(pl.max_horizontal(pl.col("direct"), pl.lit(0)).alias("w")))
    rec = pl.concat([
        pool.filter(pl.col("fordelning") == "enhet").join(receivers, left_on="pool_key", right_on="enhet")
        .with_columns(pl.col("pool_key").alias("enhet")),
        pool.filter(pl.col("fordelning") == "område").join(receivers, left_on="pool_key", right_on="c_omrade")
        .select(pl.exclude("enhet"), pl.col("enhet")),
        pool.filter(pl.col("fordelning") == "förvaltning").join(receivers.drop("c_omrade"), how="cross"),
    ], how="diagonal")
    allocated = (rec.with_columns(pl.col("w").sum().over("fordelning", "pool_key").alias("wsum"))
                 .filter(pl.col("wsum") > 0)
                 .group_by("insats", "enhet").agg((pl.col("amount") * pl.col("w") / pl.col("wsum")).sum().alias("allocated")))
    unit = (cell.filter(pl.col("regi") == "egen").join(allocated, on=["insats", "enhet"], how="left")
            .with_columns((pl.col("direct") + pl.col("allocated").fill_null(0)).alias("total"))
            # (A Decimal quotient keeps the scale of its operands, öre: in floating point as DuckDB does.)
            .with_columns(pl.when(pl.col("v") != 0).then(pl.col("total").cast(pl.Float64) / pl.col("v").cast(pl.Float64))
                          .alias("unit_cost")))
    client = (vb.filter(pl.col("regi") == "egen").join(unit.select("insats", "enhet", "unit_cost"), on=["insats", "enhet"])
              .filter(pl.col("unit_cost").is_not_null())
              .group_by("Brukare").agg((pl.col("v").cast(pl.Float64) * pl.col("unit_cost")).sum().alias("cost"))
              .filter(pl.col("cost") != 0))
    n, cost = client.height, client["cost"].sum()
    t2 = time.perf_counter()
    cells = unit.select("insats", "enhet", pl.col("total").round(2), "v").sort("insats", "enhet").rows()
    return t1 - t0, t2 - t1, n, cost, cells


def main():
    if sys.argv[1] == "sql":
        # For DuckDB-wasm (bench/duckdb-wasm.mjs): the files by their names, then the rest.
        print(json.dumps({"load": load_sql(""), "compute": SQL, "result": RESULT, "cells": CELLS}))
        return
    which, d = sys.argv[1], sys.argv[2]
    engine = sys.argv[sys.argv.index("--check") + 1] if "--check" in sys.argv else None
    load, compute, n, cost, cells = {"duckdb": run_duckdb, "polars": run_polars}[which](d)
    print(json.dumps({"load_ms": load * 1000, "compute_ms": compute * 1000, "peak_mib": peak_mib(),
                      "clients": n, "cost": f"{cost:.2f}"}))
    if engine:
        ours = {(i, e): (Decimal(str(t)), Decimal(str(v))) for i, e, t, v in cells}
        if len(ours) != len(cells):
            sys.exit(f"{which}: a cell twice")
        theirs, brukare = {}, None
        for line in open(engine):
            i, e, t, v = line.rstrip("\n").split("\t")
            if i == "brukare":
                brukare = (int(e), Decimal(t))
            else:
                theirs[(i, e)] = (Decimal(t), Decimal(v))
        if brukare is None or brukare[0] != n or abs(brukare[1] - Decimal(f"{cost:.2f}")) > 1:
            sys.exit(f"{which}: {n} brukare with cost {cost:.2f} kr, the engine {brukare}")
        bad = [k for k in sorted(ours.keys() | theirs.keys())
               if k not in ours or k not in theirs or ours[k][1] != theirs[k][1] or abs(ours[k][0] - theirs[k][0]) > 1]
        if bad or not theirs:
            sys.exit(f"{which}: {len(bad)} of {len(theirs)} cells differ from the engine's, e.g. "
                     + "; ".join(f"{k}: {ours.get(k)} against {theirs.get(k)}" for k in bad[:3]))
        print(f"{which}: all {len(theirs)} egen regi cells equal the engine's", file=sys.stderr)


if __name__ == "__main__":
    main()
