#!/usr/bin/env python3
"""Independent reference implementation of the KPB computation, in DuckDB SQL.

This re-implements docs/METHOD.md from the written rules only (not from the engine's code), so
that a disagreement with the Rust engine (crates/kpb) points at a bug on one side or at a rule
that the text leaves open. `crates/kpb/tests/reference.rs` runs it against the engine.

Usage:

    .tools/venv/bin/python crates/kpb/tests/reference/kpb_duckdb.py DIR [--key direct|volume|personnel]
                                                                         [--json]

DIR holds the input files in the shapes FORMAT.md describes, restricted to what the generator
(crates/kpb-gen) writes: `;`-separated UTF-8 CSV, header on the first line, decimal comma
(optionally spaces as thousands separators and a leading `-` or `−`):

    kostnader.csv  Ansvar;Verksamhet;Konto;Belopp[;Brukare][;Insats]   (Verksamhet/Brukare optional)
    brukare.csv    Brukare;Födelseår;Kön;Insats;Enhet;Regi;Boendeform;Beviljad tid;Utförd tid;
                   Period;Från;Till;Belopp                             (columns may be missing)
    mappning.csv   Ansvar;Verksamhet;Insats;Enhet;Enhetsnamn;Område;Regi;Fördelning  (optional)
    konton.csv     Konto från;Konto till;Kontotyp                      (optional)

Not supported (the generator does not write them): Volym/Volymtyp, minutes, Ålder, Excel,
other encodings and delimiters, title rows above the header, excluded enheter, fixed shares.

Output (stdout). By default one record per line, fields separated by TAB, money and volumes as
plain decimals with 10 decimals (DECIMAL(38,10)), an empty field for "no value":

    meta        year         <year>
    meta        key          <direct|volume|personnel>
    meta        ledger_total <kr>
    cell        <insats code> <enhet> <egen|annan> <direct> <personnel> <allocated> <total>
                <assistansersättning> <volume> <basis beviljad|utford>
    client      <id> <total KPB cost> <assistansersättning>
    recon       <line key> <amount>        (keys: see RECON_KEYS below; `difference` last)
    nyckeltal   <id> <enhet, or * for the whole> <numerator> <denominator> <value>

With --json the same records are printed as one JSON object (decimals as strings).

Rules METHOD.md leaves open, and the choice made here (the engine agrees on all but the last):
- a stay's days count as utförd (performed) volume;
- the basis (beviljad/utförd) is decided by the rows of the year only;
- avgift and övrig intäkt go to their reconciliation lines whatever the ansvar's target
  (also on an excluded or unmapped ansvar);
- "non-zero volume" of a receiving cell means its basis volume V;
- an annan regi cell's total is what its clients were charged (paid + share of L − P);
  assistansersättning on an annan regi cell goes to "asst_ej_placerad";
- a client's age uses the first row (file order) that gives a birth year;
- a pool's område is matched to the enheter' område case-insensitively (the engine: exactly).

How the work is split: Python only reads the header lines (to map column names), defines the
small lookup tables (insats catalogue and local names, regi words) and prints. Everything else —
parsing the numbers and dates, the konto and organisation mapping, allocation, client costs,
reconciliation and nyckeltal — is SQL run by DuckDB.

Exact arithmetic: money is DECIMAL(38,10). DuckDB turns DECIMAL / DECIMAL into DOUBLE, so every
division goes through the macro `muldiv(a, b, c)` = a × b / c computed on 128-bit integers
(a at scale 10, b and c at scale 4; rounded to 1e-10 kr). Volumes and weights in the files
have at most two decimals, so they are exact at scale 4.
"""

import argparse
import decimal
import json
import os
import sys

import duckdb

# --- Small lookup tables (from crates/kpb/src/model.rs: catalogue codes, names, local names) ---

# code -> (catalogue name, local names recognised without a user mapping). Compared after
# lower-casing, trimming and collapsing whitespace; the code itself is also recognised.
CATALOGUE = {
    "HEMTJ": ("Hemtjänst", ["hemtjänst", "hemtjänst sol", "hemtjanst", "htj", "ht", "hemtjänst service",
                            "hemtjänst omvårdnad", "service och omvårdnad", "hemtjänst service och omvårdnad"]),
    "HSV": ("Hemsjukvård / delegerad HSL", ["hemsjukvård", "hemsjukvard", "delegerad hsl",
                                            "delegerad hälso- och sjukvård", "hsl ordinärt boende"]),
    "LARM": ("Trygghetslarm", ["trygghetslarm", "trygghetslarm sol"]),
    "MAT": ("Matdistribution", ["matdistribution", "matlåda", "matlådor"]),
    "DAGV": ("Dagverksamhet", ["dagverksamhet", "dagverksamhet sol", "dagverksamhet äldre"]),
    "KORTBO": ("Korttidsboende", ["korttidsboende", "korttidsvård", "korttid", "korttidsplats"]),
    "SABO": ("Särskilt boende", ["särskilt boende", "sarskilt boende", "säbo", "vård- och omsorgsboende",
                                 "vård och omsorgsboende", "vob", "demensboende", "särskilt boende demens",
                                 "särskilt boende somatik"]),
    "SABOHSL": ("HSL-insatser i särskilt boende", ["hsl särskilt boende", "hsl i särskilt boende", "hsl säbo"]),
    "BOSTOD": ("Boendestöd", ["boendestöd", "boendestod", "boendestöd sol"]),
    "PSYKBO": ("Boende psykisk funktionsnedsättning", ["boende psykisk funktionsnedsättning",
                                                       "boende för personer med psykisk funktionsnedsättning",
                                                       "särskilt boende psykiatri", "psykiatriboende"]),
    "PASFB": ("Personlig assistans SFB", ["personlig assistans sfb", "personlig assistans enligt sfb",
                                          "assistansersättning", "pa sfb", "ass sfb", "personlig assistans lass"]),
    "PALSS": ("Personlig assistans LSS", ["personlig assistans lss", "personlig assistans enligt lss", "pa lss"]),
    "GRUPP": ("Gruppbostad LSS, vuxna", ["gruppbostad", "gruppbostad lss", "gruppboende", "gruppboende lss",
                                         "bostad med särskild service gruppbostad"]),
    "SERVBO": ("Servicebostad LSS", ["servicebostad", "servicebostad lss", "servicebostäder"]),
    "BOBARN": ("Bostad med särskild service, barn och ungdomar",
               ["bostad med särskild service för barn", "bostad barn och ungdom", "boende barn lss", "elevhem"]),
    "DV": ("Daglig verksamhet LSS", ["daglig verksamhet", "daglig verksamhet lss", "dv lss"]),
    "KORTV": ("Korttidsvistelse LSS", ["korttidsvistelse", "korttidsvistelse lss", "korttidshem"]),
    "KORTTS": ("Korttidstillsyn LSS", ["korttidstillsyn", "korttidstillsyn lss", "fritids lss"]),
    "LEDS": ("Ledsagarservice LSS", ["ledsagarservice", "ledsagning", "ledsagarservice lss"]),
    "KONTP": ("Kontaktperson LSS", ["kontaktperson", "kontaktperson lss"]),
    "AVLOS": ("Avlösarservice LSS", ["avlösarservice", "avlösning", "avlösarservice lss"]),
}

REGI_WORDS = {
    "egen": ["egen", "egen regi", "e", "kommunal", "kommunal regi", "intern"],
    "annan": ["annan", "annan regi", "a", "extern", "extern regi", "privat", "entreprenad", "köpt",
              "köpt plats", "lov", "externa utförare", "extern utförare"],
}

# Header synonyms per file (canonical field -> accepted headers, normalised). FORMAT.md's list.
HEADERS = {
    "kostnader": {
        "ansvar": ["ansvar", "ansvarsställe", "kostnadsställe", "kst"],
        "verksamhet": ["verksamhet", "vht", "verksamhetskod"],
        "konto": ["konto", "kontonummer", "kto"],
        "belopp": ["belopp", "utfall", "summa", "bokfört", "netto"],
        "insats": ["insats", "insatskod", "aktivitet"],
        "brukare": ["brukare", "brukar-id", "personnummer", "pnr", "klient"],
    },
    "brukare": {
        "brukare": ["brukare", "brukar-id", "personnummer", "pnr", "klient-id"],
        "fodelsear": ["födelseår", "född"],
        "kon": ["kön"],
        "insats": ["insats", "insatskod", "insatstyp", "bistånd"],
        "enhet": ["enhet", "utförare", "utförarenhet"],
        "regi": ["regi", "driftform"],
        "boendeform": ["boendeform", "boende"],
        "beviljad": ["beviljad tid", "beviljade timmar", "beviljad volym"],
        "utford": ["utförd tid", "utförda timmar", "utförd volym"],
        "period": ["period", "månad", "år"],
        "fran": ["från", "startdatum"],
        "till": ["till", "slutdatum"],
        "belopp": ["belopp", "ersättning", "utbetalt"],
    },
    "mappning": {
        "ansvar": ["ansvar"],
        "verksamhet": ["verksamhet"],
        "insats": ["insats"],
        "enhet": ["enhet"],
        "enhetsnamn": ["enhetsnamn"],
        "omrade": ["område"],
        "regi": ["regi"],
        "fordelning": ["fördelning"],
    },
    "konton": {
        "fran": ["konto från"],
        "till": ["konto till"],
        "typ": ["kontotyp"],
    },
}

# Reconciliation lines, in the order printed (ledger total = Σ of these + difference).
RECON_KEYS = [
    "placerat",                  # Σ clients' KPB cost
    "assistansersattning",       # Σ clients' assistansersättning
    "avgifter",                  # avgift rows (never deducted)
    "ovriga_intakter",           # övrig intäkt rows
    "utanfor_kpb",               # mapped to `exkludera`
    "saknas_i_mappning",         # no mapping rule for the ansvar
    "asst_fel_mottagare",        # assistansersättning on a pool or on a direct cell other than PASFB
    "gemensamt_utan_mottagare",  # pools with Σ weights = 0
    "kostnad_utan_volym",        # egen cells with V = 0: T − B
    "asst_ej_placerad",          # egen cells with V = 0: F − Fb (and any on annan cells)
    "annan_regi_skillnad",       # annan regi: booked L minus what was placed on clients
]


def norm(text):
    """Lower-case, trim, collapse whitespace (the form names are compared in)."""
    return " ".join(text.split()).lower()


def header_norm(text):
    """A header as compared: normalised, a trailing unit in parentheses dropped (`Belopp (kr)`)."""
    t = norm(text.lstrip("\ufeff"))
    if t.endswith(")") and "(" in t:
        t = t[: t.rindex("(")].strip()
    return t


def load_csv(con, table, path, fields):
    """Loads a `;`-separated CSV as VARCHAR columns named by canonical field, with `ln` = the
    0-based data row index in file order (file line = ln + 2). Missing columns become NULL."""
    with open(path, encoding="utf-8-sig") as f:
        header = f.readline().rstrip("\r\n").split(";")
    names = [header_norm(h) for h in header]
    cols = {f"c{i}": "VARCHAR" for i in range(len(header))}
    select = []
    for field, synonyms in fields.items():
        idx = next((i for i, n in enumerate(names) if n in synonyms), None)
        select.append(f"c{idx} AS {field}" if idx is not None else f"CAST(NULL AS VARCHAR) AS {field}")
    # The scan keeps file order (preserve_insertion_order), so the staging table's rowid is the
    # row's position in the file.
    con.execute(
        f"CREATE TEMP TABLE stage_{table} AS SELECT * FROM read_csv(?, delim=';', header=true, "
        f"auto_detect=false, columns={cols!r}, quote='\"', escape='\"', null_padding=true)",
        [path],
    )
    con.execute(f"CREATE TABLE {table} AS SELECT rowid AS ln, {', '.join(select)} FROM stage_{table}")
    con.execute(f"DROP TABLE stage_{table}")


def load(con, directory):
    """Loads the four files (an absent optional file is an empty table) and the lookup tables."""
    for name, fields in HEADERS.items():
        path = os.path.join(directory, f"{name}.csv")
        if os.path.exists(path):
            load_csv(con, name, path, fields)
        else:
            if name in ("kostnader", "brukare"):
                sys.exit(f"{path} saknas")
            cols = ", ".join(f"CAST(NULL AS VARCHAR) AS {f}" for f in fields)
            con.execute(f"CREATE TABLE {name} AS SELECT CAST(0 AS BIGINT) AS ln, {cols} WHERE false")
    con.execute(
        "CREATE TABLE has_mapping AS SELECT ? AS present",
        [os.path.exists(os.path.join(directory, "mappning.csv"))],
    )
    rows = []
    for code, (name, synonyms) in CATALOGUE.items():
        for s in {norm(code), norm(name), *synonyms}:
            rows.append((s, code))
    con.execute("CREATE TABLE insats_name (name VARCHAR PRIMARY KEY, code VARCHAR)")
    con.executemany("INSERT INTO insats_name VALUES (?, ?)", rows)
    con.execute("CREATE TABLE regi_word (word VARCHAR PRIMARY KEY, regi VARCHAR)")
    con.executemany("INSERT INTO regi_word VALUES (?, ?)", [(w, r) for r, ws in REGI_WORDS.items() for w in ws])


# --- The computation, in SQL ---

MACROS = r"""
-- Text helpers.
CREATE MACRO norm(s) AS lower(trim(regexp_replace(coalesce(s, ''), '[\s\x{00A0}\x{202F}]+', ' ', 'g')));
CREATE MACRO blank(s) AS coalesce(trim(s), '') = '';

-- Swedish numbers: spaces as thousands separators, decimal comma, '-' or '−' in front, also
-- '750-' and '(750)'. NULL when blank or not a number. In three steps, because a macro
-- argument used twice is evaluated twice: on the big files each step is a column of its own.
CREATE MACRO num_clean(s) AS
    replace(regexp_replace(replace(trim(s), '−', '-'), '[\s\x{00A0}\x{202F}]', '', 'g'), ',', '.');
CREATE MACRO num_signed(t) AS CASE
    WHEN t LIKE '(%)' THEN '-' || substr(t, 2, length(t) - 2)
    WHEN t LIKE '%-' AND t NOT LIKE '-%' THEN '-' || substr(t, 1, length(t) - 1)
    ELSE t END;
-- (Text to DECIMAL(38, 10) is slow in DuckDB; the usual case, at most 12 integer digits and 6
-- decimals, goes exactly through DECIMAL(18, 6).)
CREATE MACRO num_cast(t) AS CASE
    WHEN regexp_full_match(t, '-?[0-9]{1,12}(\.[0-9]{0,6})?') THEN CAST(CAST(t AS DECIMAL(18, 6)) AS DECIMAL(38, 10))
    WHEN regexp_full_match(t, '-?([0-9]+(\.[0-9]*)?|\.[0-9]+)') THEN CAST(t AS DECIMAL(38, 10)) END;
CREATE MACRO num(s) AS num_cast(num_signed(num_clean(s)));

-- Exact a × b / c (see the module doc): 128-bit integers, a at scale 10, b and c at scale 4
-- (c > 0), the quotient rounded half away from zero to 1e-10.
CREATE MACRO fx10(x) AS CAST(CAST(x AS DECIMAL(38, 10)) * 10000000000 AS HUGEINT);
CREATE MACRO fx4(x) AS CAST(CAST(x AS DECIMAL(38, 4)) * 10000 AS HUGEINT);
CREATE MACRO from10(i) AS CAST(i AS DECIMAL(38, 0)) * CAST(0.0000000001 AS DECIMAL(11, 10));
CREATE MACRO idiv_round(n, d) AS CASE WHEN n >= 0 THEN (2 * n + d) // (2 * d) ELSE -((2 * -n + d) // (2 * d)) END;
CREATE MACRO muldiv(a, b, c) AS from10(idiv_round(fx10(a) * fx4(b), fx4(c)));
"""

COMPUTE = r"""
------------------------------------------------------------------------------------------------
-- §1 Konto → kind of money
------------------------------------------------------------------------------------------------
-- The user's ranges; compared on as many leading digits as the range is written with.
CREATE TABLE konto_rule AS
SELECT ln,
       length(trim(fran)) AS ndig,
       CAST(trim(fran) AS BIGINT) AS lo,
       CAST(coalesce(nullif(trim(till), ''), trim(fran)) AS BIGINT) AS hi,
       CASE norm(typ)
           WHEN 'kostnad' THEN 'kostnad'
           WHEN 'personalkostnad' THEN 'personalkostnad'
           WHEN 'intern intäkt' THEN 'intern_intakt'
           WHEN 'försäljning' THEN 'forsaljning'
           WHEN 'avgift' THEN 'avgift'
           WHEN 'assistansersättning' THEN 'assistansersattning'
           WHEN 'övrig intäkt' THEN 'ovrig_intakt'
       END AS kind
FROM konton
WHERE regexp_full_match(trim(fran), '[0-9]+')
  AND (blank(till) OR regexp_full_match(trim(till), '[0-9]+'));
DELETE FROM konto_rule WHERE kind IS NULL;

-- A konto's first n digits as a number (right-padded with zeros when shorter).
CREATE MACRO konto_prefix(konto, n) AS
    TRY_CAST(CASE WHEN length(konto) >= n THEN left(konto, n) ELSE rpad(konto, CAST(n AS INTEGER), '0') END AS BIGINT);

-- Readable ledger rows: ansvar, konto and a number in Belopp; an Insats, if given, known.
CREATE TABLE ledger0 AS
WITH c AS (SELECT *, num_clean(belopp) AS belopp_c FROM kostnader),
     s AS (SELECT *, num_signed(belopp_c) AS belopp_s FROM c),
     p AS (SELECT *, num_cast(belopp_s) AS amount FROM s)
SELECT p.ln, trim(p.ansvar) AS ansvar, norm(p.ansvar) AS ansvar_k, nullif(trim(p.verksamhet), '') AS verksamhet,
       trim(p.konto) AS konto, p.amount,
       CASE WHEN NOT blank(p.brukare) THEN trim(p.brukare) END AS brukare,
       i.code AS row_insats
FROM p LEFT JOIN insats_name i ON i.name = norm(p.insats)
WHERE NOT blank(p.ansvar) AND NOT blank(p.konto) AND p.amount IS NOT NULL
  AND (blank(p.insats) OR i.code IS NOT NULL);

-- The narrowest user range that holds the konto (range width relative to its digit count;
-- ties: the first in the file), else the defaults, else by sign.
CREATE TABLE ledger AS
WITH user_kind AS (
    SELECT l.ln, arg_min(r.kind, ((r.hi - r.lo + 1) * pow(10, 20 - r.ndig)::HUGEINT, r.ln)) AS kind
    FROM ledger0 l JOIN konto_rule r ON konto_prefix(l.konto, r.ndig) BETWEEN r.lo AND r.hi
    GROUP BY l.ln
)
SELECT l.*,
       coalesce(u.kind,
                CASE WHEN konto_prefix(l.konto, 4) BETWEEN 5000 AND 5999 THEN 'personalkostnad'
                     WHEN konto_prefix(l.konto, 4) BETWEEN 4000 AND 9999 THEN 'kostnad'
                     WHEN l.amount >= 0 THEN 'kostnad'
                     ELSE 'ovrig_intakt' END) AS kind
FROM ledger0 l LEFT JOIN user_kind u USING (ln);

-- The kinds that make up the KPB cost (revenues negative, so deducted).
CREATE MACRO is_kpb(kind) AS kind IN ('kostnad', 'personalkostnad', 'intern_intakt', 'forsaljning');

------------------------------------------------------------------------------------------------
-- §2 Organisation mapping: ledger row → direct cell, pool, excluded or unmapped
------------------------------------------------------------------------------------------------
CREATE TABLE mrule AS
SELECT m.ln,
       CASE WHEN norm(m.ansvar) = '*' THEN 0 WHEN norm(m.ansvar) LIKE '%*' THEN 1 ELSE 2 END AS a_class,
       rtrim(norm(m.ansvar), '*') AS a_key,
       CASE WHEN blank(m.verksamhet) OR norm(m.verksamhet) = '*' THEN 0
            WHEN norm(m.verksamhet) LIKE '%*' THEN 1 ELSE 2 END AS v_class,
       rtrim(norm(m.verksamhet), '*') AS v_key,
       i.code AS insats,
       CASE WHEN NOT blank(m.enhet) THEN trim(m.enhet) END AS enhet,
       CASE WHEN NOT blank(m.enhetsnamn) THEN trim(m.enhetsnamn) END AS enhetsnamn,
       CASE WHEN NOT blank(m.omrade) THEN trim(m.omrade) END AS omrade,
       r.regi AS regi,
       CASE norm(m.fordelning)
           WHEN '' THEN 'direkt'
           WHEN 'enhet' THEN 'enhet'
           WHEN 'område' THEN 'omrade'
           WHEN 'förvaltning' THEN 'forvaltning'
           WHEN 'exkludera' THEN 'exkludera'
       END AS fordelning
FROM mappning m
LEFT JOIN insats_name i ON i.name = norm(m.insats)
LEFT JOIN regi_word r ON r.word = norm(m.regi)
WHERE NOT blank(m.ansvar);

-- The enheter the mapping knows: code, name, område and regi (first non-empty, file order).
CREATE TABLE enhet AS
SELECT lower(enhet) AS k,
       arg_min(enhet, ln) AS code,
       arg_min(enhetsnamn, ln) FILTER (WHERE enhetsnamn IS NOT NULL) AS name,
       arg_min(omrade, ln) FILTER (WHERE omrade IS NOT NULL) AS omrade,
       coalesce(arg_min(regi, ln) FILTER (WHERE regi IS NOT NULL), 'egen') AS regi
FROM mrule WHERE enhet IS NOT NULL GROUP BY 1;
CREATE TABLE enhet_by_name AS
SELECT lower(name) AS k, arg_min(code, code) AS code FROM enhet WHERE name IS NOT NULL GROUP BY 1;
-- An enhet code as the mapping writes it, by code then by name (case-insensitive).
CREATE MACRO canon_enhet(e) AS coalesce(
    (SELECT code FROM enhet WHERE enhet.k = lower(e)),
    (SELECT code FROM enhet_by_name WHERE enhet_by_name.k = lower(e)),
    e);

-- The most specific rule per ledger row: ansvar class (exact > prefix > *), longer prefix,
-- verksamhet class, longer prefix, then the first in the file.
CREATE TABLE ledger_rule AS
WITH by_ansvar AS (
    -- Exact ansvar (a hash join), prefixes, and `*` (few rules: nested loops are cheap).
    SELECT l.ln, l.verksamhet, r.* EXCLUDE (ln), r.ln AS rule_ln
    FROM ledger l JOIN mrule r ON r.a_class = 2 AND r.a_key = l.ansvar_k
    UNION ALL
    SELECT l.ln, l.verksamhet, r.* EXCLUDE (ln), r.ln
    FROM ledger l JOIN mrule r ON r.a_class = 1 AND starts_with(l.ansvar_k, r.a_key)
    UNION ALL
    SELECT l.ln, l.verksamhet, r.* EXCLUDE (ln), r.ln
    FROM ledger l JOIN mrule r ON r.a_class = 0
), cand AS (
    SELECT * FROM by_ansvar
    WHERE v_class = 0
       OR (v_class = 2 AND v_key = norm(verksamhet))
       OR (v_class = 1 AND starts_with(norm(verksamhet), v_key))
)
SELECT ln, arg_max(rule_ln, (a_class, length(a_key), v_class, length(v_key), -rule_ln)) AS rule_ln
FROM cand GROUP BY ln;

-- Every ledger row with its target: 'cell' (insats, enhet, regi), 'pool' (level, pool key) or a
-- reconciliation line. Avgift and övrig intäkt are never part of KPB, whatever the target.
CREATE TABLE placed AS
WITH j AS (
    SELECT l.*, r.rule_ln IS NOT NULL AS has_rule, m.fordelning, m.omrade AS rule_omrade,
           CASE WHEN r.rule_ln IS NULL AND NOT (SELECT present FROM has_mapping) AND l.row_insats IS NOT NULL
                THEN l.row_insats ELSE coalesce(l.row_insats, m.insats) END AS c_insats,
           CASE WHEN r.rule_ln IS NULL THEN canon_enhet(l.ansvar) ELSE canon_enhet(m.enhet) END AS c_enhet,
           coalesce(m.regi, 'egen') AS c_regi
    FROM ledger l LEFT JOIN ledger_rule r USING (ln) LEFT JOIN mrule m ON m.ln = r.rule_ln
)
SELECT ln, amount, kind, brukare, c_insats AS insats, c_enhet AS enhet, c_regi AS regi,
       CASE
           WHEN kind = 'avgift' THEN 'avgifter'
           WHEN kind = 'ovrig_intakt' THEN 'ovriga_intakter'
           WHEN NOT has_rule AND NOT (SELECT present FROM has_mapping) AND row_insats IS NOT NULL THEN 'cell'
           WHEN NOT has_rule THEN 'saknas_i_mappning'
           WHEN fordelning = 'exkludera' THEN 'utanfor_kpb'
           WHEN fordelning IN ('enhet', 'omrade', 'forvaltning') AND kind = 'assistansersattning' THEN 'asst_fel_mottagare'
           WHEN fordelning = 'enhet' AND c_enhet IS NOT NULL THEN 'pool'
           WHEN fordelning = 'omrade' AND rule_omrade IS NOT NULL THEN 'pool'
           WHEN fordelning = 'forvaltning' THEN 'pool'
           WHEN fordelning = 'direkt' AND c_insats IS NOT NULL AND c_enhet IS NOT NULL THEN
               CASE WHEN kind = 'assistansersattning' AND c_insats <> 'PASFB' THEN 'asst_fel_mottagare' ELSE 'cell' END
           ELSE 'saknas_i_mappning'  -- a rule that names no usable target
       END AS target,
       fordelning AS pool_level,
       CASE fordelning WHEN 'enhet' THEN lower(c_enhet) WHEN 'omrade' THEN lower(rule_omrade) ELSE '' END AS pool_key
FROM j;

------------------------------------------------------------------------------------------------
-- §0, §3 Volume rows
------------------------------------------------------------------------------------------------
-- Well-formed rows: client, known insats, enhet; numbers, period and dates readable.
CREATE TABLE vrow0 AS
WITH c AS (
    SELECT *, num_clean(beviljad) AS bev_c, num_clean(utford) AS utf_c, num_clean(belopp) AS paid_c
    FROM brukare
), s AS (
    SELECT *, num_signed(bev_c) AS bev_s, num_signed(utf_c) AS utf_s, num_signed(paid_c) AS paid_s FROM c
), p AS (
    SELECT *, num_cast(bev_s) AS bev, num_cast(utf_s) AS utf, num_cast(paid_s) AS paid,
           TRY_CAST(trim(fran) AS DATE) AS fran_d, TRY_CAST(trim(till) AS DATE) AS till_d
    FROM s
)
SELECT p.ln, trim(p.brukare) AS brukare, i.code AS insats, trim(p.enhet) AS enhet_txt,
       CASE WHEN NOT blank(p.regi) THEN rw.regi END AS own_regi,
       p.bev, p.utf, p.paid,
       TRY_CAST(trim(p.fodelsear) AS INTEGER) AS birth,
       CASE WHEN NOT blank(p.period) THEN CAST(left(trim(p.period), 4) AS INTEGER) END AS period_year,
       p.fran_d AS fran, p.till_d AS till
FROM p
LEFT JOIN insats_name i ON i.name = norm(p.insats)
LEFT JOIN regi_word rw ON rw.word = norm(p.regi)
WHERE NOT blank(p.brukare) AND i.code IS NOT NULL AND NOT blank(p.enhet)
  -- A number column with text in it leaves the row out; so do negative volumes.
  AND (blank(p.beviljad) OR p.bev IS NOT NULL) AND coalesce(p.bev, 0) >= 0
  AND (blank(p.utford) OR p.utf IS NOT NULL) AND coalesce(p.utf, 0) >= 0
  AND (blank(p.belopp) OR p.paid IS NOT NULL)
  AND (blank(p.fodelsear) OR regexp_full_match(trim(p.fodelsear), '[0-9]{4}'))
  AND (blank(p.regi) OR rw.regi IS NOT NULL)
  AND (blank(p.period) OR regexp_full_match(trim(p.period), '[0-9]{4}(-[0-9]{2})?'))
  AND (blank(p.fran) OR p.fran_d IS NOT NULL)
  AND (blank(p.till) OR p.till_d IS NOT NULL);

-- §0 The year: the year most rows fall in (period's year; a stay's end, or start when open);
-- ties to the later year; 2025 when no row says.
CREATE TABLE year AS
SELECT coalesce((
    SELECT y FROM (
        SELECT coalesce(period_year, year(coalesce(till, fran))) AS y, count(*) AS n
        FROM vrow0 GROUP BY 1 HAVING y IS NOT NULL)
    ORDER BY n DESC, y DESC LIMIT 1), 2025) AS y;

-- Rows of the year with their volumes. A stay counts its days inside the year (both days, open
-- end = 31 December), unless the row gives a volume. METHOD.md does not say which kind of volume
-- a stay's days are; like the engine, they count as utförd (performed) volume.
CREATE TABLE vrow AS
WITH s AS (
    SELECT v.*, y.y AS yr,
           CASE WHEN v.fran IS NOT NULL THEN
               greatest(0, date_diff('day',
                   greatest(v.fran, make_date(y.y, 1, 1)),
                   least(coalesce(v.till, make_date(y.y, 12, 31)), make_date(y.y, 12, 31))) + 1)
           END AS days
    FROM vrow0 v, year y
)
SELECT s.ln, s.brukare, s.insats, s.birth, s.paid,
       coalesce(by_code.code, by_name.code, s.enhet_txt) AS enhet,
       coalesce(s.own_regi, by_code.regi, named.regi, 'egen') AS regi,
       s.bev,
       CASE WHEN s.days IS NOT NULL AND s.bev IS NULL AND s.utf IS NULL THEN s.days ELSE s.utf END AS utf
FROM s
-- The enhet by code, else by name (case-insensitive); unmatched it stays as written.
LEFT JOIN enhet by_code ON by_code.k = lower(s.enhet_txt)
LEFT JOIN enhet_by_name by_name ON by_name.k = lower(s.enhet_txt)
LEFT JOIN enhet named ON named.k = lower(by_name.code)
WHERE (s.period_year IS NULL OR s.period_year = s.yr)
  AND (s.days IS NULL OR s.days > 0);

-- Basis per insats: beviljad if any row has a positive beviljad volume, else utförd.
CREATE TABLE basis AS
SELECT insats, CASE WHEN bool_or(coalesce(bev, 0) > 0) THEN 'beviljad' ELSE 'utford' END AS basis
FROM vrow GROUP BY insats;

CREATE TABLE vrow_b AS
SELECT v.*, CASE b.basis WHEN 'beviljad' THEN coalesce(v.bev, 0) ELSE coalesce(v.utf, 0) END AS vb
FROM vrow v JOIN basis b USING (insats);

------------------------------------------------------------------------------------------------
-- Cells: direct cost, personnel, assistansersättning (ledger) and volume (volume rows)
------------------------------------------------------------------------------------------------
CREATE TABLE cell AS
WITH lc AS (
    SELECT insats, enhet, regi,
           sum(amount) FILTER (WHERE is_kpb(kind)) AS direct,
           sum(amount) FILTER (WHERE kind = 'personalkostnad') AS personnel,
           sum(amount) FILTER (WHERE kind = 'assistansersattning') AS asst
    FROM placed WHERE target = 'cell' GROUP BY ALL
), vc AS (
    SELECT insats, enhet, regi, sum(vb) AS v FROM vrow_b GROUP BY ALL
)
SELECT insats, enhet, regi,
       CAST(coalesce(lc.direct, 0) AS DECIMAL(38, 10)) AS direct,
       CAST(coalesce(lc.personnel, 0) AS DECIMAL(38, 10)) AS personnel,
       CAST(coalesce(lc.asst, 0) AS DECIMAL(38, 10)) AS asst,
       CAST(coalesce(vc.v, 0) AS DECIMAL(38, 10)) AS v,
       coalesce(b.basis, 'beviljad') AS basis,
       e.omrade
FROM lc FULL JOIN vc USING (insats, enhet, regi)
LEFT JOIN basis b USING (insats)
LEFT JOIN enhet e ON e.k = lower(enhet);

------------------------------------------------------------------------------------------------
-- §4 Allocation of the pools onto egen regi cells
------------------------------------------------------------------------------------------------
CREATE TABLE pool AS
SELECT pool_level AS level, pool_key, CAST(sum(amount) AS DECIMAL(38, 10)) AS amount
FROM placed WHERE target = 'pool' GROUP BY ALL;

-- Receivers within each pool's level, with their weight by the chosen key.
CREATE TABLE receiver AS
SELECT p.level, p.pool_key, c.insats, c.enhet, c.regi,
       CASE getvariable('key')
           WHEN 'direct' THEN greatest(c.direct, 0)
           WHEN 'volume' THEN greatest(c.v, 0)
           WHEN 'personnel' THEN greatest(c.personnel, 0)
       END AS w
FROM pool p JOIN cell c
  ON c.regi = 'egen' AND (c.direct <> 0 OR c.v <> 0)
 AND ((p.level = 'enhet' AND lower(c.enhet) = p.pool_key)
   OR (p.level = 'omrade' AND lower(c.omrade) = p.pool_key)
   OR p.level = 'forvaltning');

CREATE TABLE pool_w AS
SELECT p.level, p.pool_key, p.amount, coalesce(sum(r.w), 0) AS wsum
FROM pool p LEFT JOIN receiver r USING (level, pool_key) GROUP BY ALL;

CREATE TABLE share AS
SELECT r.insats, r.enhet, r.regi, muldiv(p.amount, r.w, p.wsum) AS amount
FROM receiver r JOIN pool_w p USING (level, pool_key) WHERE p.wsum > 0;

CREATE TABLE cell_t AS
SELECT c.*, coalesce(s.allocated, 0) AS allocated, c.direct + coalesce(s.allocated, 0) AS total
FROM cell c LEFT JOIN (SELECT insats, enhet, regi, sum(amount) AS allocated FROM share GROUP BY ALL) s
  USING (insats, enhet, regi);

------------------------------------------------------------------------------------------------
-- §5 Clients
------------------------------------------------------------------------------------------------
-- Booked amounts per client and cell (KPB kinds and assistansersättning).
CREATE TABLE booked AS
SELECT brukare, insats, enhet, regi,
       coalesce(sum(amount) FILTER (WHERE is_kpb(kind)), 0) AS b,
       coalesce(sum(amount) FILTER (WHERE kind = 'assistansersattning'), 0) AS f
FROM placed WHERE target = 'cell' AND brukare IS NOT NULL GROUP BY ALL;

-- Client volume per cell: basis volume, and (annan regi) paid amounts and unpaid basis volume.
CREATE TABLE cvol AS
SELECT brukare, insats, enhet, regi, sum(vb) AS v,
       coalesce(sum(paid), 0) AS paid,
       coalesce(sum(vb) FILTER (WHERE paid IS NULL), 0) AS unpaid_v
FROM vrow_b GROUP BY ALL;

CREATE TABLE cpart AS
SELECT brukare, insats, enhet, regi,
       coalesce(b.b, 0) AS b, coalesce(b.f, 0) AS f,
       coalesce(v.v, 0) AS v, coalesce(v.paid, 0) AS paid, coalesce(v.unpaid_v, 0) AS unpaid_v
FROM booked b FULL JOIN cvol v USING (brukare, insats, enhet, regi);

-- Egen regi: b_c + (T − B) × v_c / V, f_c + (F − Fb) × v_c / V (second terms 0 when V = 0).
CREATE TABLE egen_sum AS
SELECT insats, enhet, regi, sum(b) AS bsum, sum(f) AS fsum FROM cpart WHERE regi = 'egen' GROUP BY ALL;

CREATE TABLE client_line AS
SELECT p.brukare, p.insats, p.enhet, p.regi, p.v,
       p.b + CASE WHEN c.v <> 0 THEN muldiv(c.total - coalesce(s.bsum, 0), p.v, c.v) ELSE 0 END AS cost,
       p.f + CASE WHEN c.v <> 0 THEN muldiv(c.asst - coalesce(s.fsum, 0), p.v, c.v) ELSE 0 END AS asst
FROM cpart p JOIN cell_t c USING (insats, enhet, regi) LEFT JOIN egen_sum s USING (insats, enhet, regi)
WHERE p.regi = 'egen';

-- Annan regi, per insats: L booked, P paid, U unpaid basis volume. A client's cost in a cell is
-- its paid amounts + (L − P) × u_c / U when U > 0 and L − P > 0.
CREATE TABLE annan_insats AS
WITH l AS (SELECT insats, sum(direct) AS l FROM cell WHERE regi = 'annan' GROUP BY insats),
     p AS (SELECT insats, sum(paid) AS p, sum(unpaid_v) AS u FROM cpart WHERE regi = 'annan' GROUP BY insats)
SELECT insats, coalesce(l.l, 0) AS l, coalesce(p.p, 0) AS p, coalesce(p.u, 0) AS u
FROM l FULL JOIN p USING (insats);

INSERT INTO client_line
SELECT p.brukare, p.insats, p.enhet, p.regi, p.v,
       p.paid + CASE WHEN a.u > 0 AND a.l - a.p > 0 THEN muldiv(a.l - a.p, p.unpaid_v, a.u) ELSE 0 END,
       0
FROM cpart p JOIN annan_insats a USING (insats)
WHERE p.regi = 'annan' AND (p.v <> 0 OR p.paid <> 0 OR p.unpaid_v <> 0 OR p.b <> 0);

CREATE TABLE client AS
SELECT brukare, sum(cost) AS total, sum(asst) AS asst FROM client_line GROUP BY brukare;

-- Annan cells' total: what their clients were charged (paid + the share of L − P).
CREATE TABLE cell_out AS
SELECT c.insats, c.enhet, c.regi, c.direct, c.personnel,
       CASE WHEN c.regi = 'egen' THEN c.allocated ELSE 0 END AS allocated,
       CASE WHEN c.regi = 'egen' THEN c.total ELSE coalesce(a.cost, 0) END AS total,
       c.asst, c.v, c.basis
FROM cell_t c LEFT JOIN (SELECT insats, enhet, regi, sum(cost) AS cost FROM client_line
                         WHERE regi = 'annan' GROUP BY ALL) a USING (insats, enhet, regi);

------------------------------------------------------------------------------------------------
-- §6 Reconciliation
------------------------------------------------------------------------------------------------
CREATE TABLE recon AS
SELECT 'placerat' AS k, (SELECT coalesce(sum(total), 0) FROM client) AS amount
UNION ALL SELECT 'assistansersattning', (SELECT coalesce(sum(asst), 0) FROM client)
UNION ALL SELECT target, sum(amount) FROM placed
    WHERE target NOT IN ('cell', 'pool') GROUP BY target
UNION ALL SELECT 'gemensamt_utan_mottagare', sum(amount) FROM pool_w WHERE wsum = 0
UNION ALL SELECT 'kostnad_utan_volym', sum(c.total - coalesce(s.bsum, 0))
    FROM cell_t c LEFT JOIN egen_sum s USING (insats, enhet, regi) WHERE c.regi = 'egen' AND c.v = 0
UNION ALL SELECT 'asst_ej_placerad', sum(CASE WHEN c.regi = 'annan' THEN c.asst ELSE c.asst - coalesce(s.fsum, 0) END)
    FROM cell_t c LEFT JOIN egen_sum s USING (insats, enhet, regi) WHERE c.regi = 'annan' OR c.v = 0
UNION ALL SELECT 'annan_regi_skillnad',
    (SELECT coalesce(sum(l), 0) FROM annan_insats)
    - (SELECT coalesce(sum(cost), 0) FROM client_line WHERE regi = 'annan');

------------------------------------------------------------------------------------------------
-- §7 Nyckeltal from the clients' egen regi cells
------------------------------------------------------------------------------------------------
-- A client's age: the year − the birth year of the first row that gives one.
CREATE TABLE client_age AS
SELECT brukare, (SELECT y FROM year) - arg_min(birth, ln) AS age
FROM vrow0 WHERE birth IS NOT NULL GROUP BY brukare;

CREATE TABLE nk_def (id VARCHAR, num_insats VARCHAR[], den_insats VARCHAR, min_age INTEGER, needs_beviljad BOOLEAN);
INSERT INTO nk_def VALUES
    ('U21003', ['HEMTJ'], 'HEMTJ', NULL, true),
    ('U23004', ['SABO', 'SABOHSL'], 'SABO', NULL, false),
    ('U28030', ['GRUPP'], 'GRUPP', 18, false);

CREATE TABLE nk_part AS
SELECT d.id, l.enhet,
       sum(CASE WHEN list_contains(d.num_insats, l.insats) THEN l.cost ELSE 0 END) AS num,
       sum(CASE WHEN l.insats = d.den_insats THEN l.v ELSE 0 END) AS den
FROM nk_def d JOIN client_line l ON l.regi = 'egen'
    AND (list_contains(d.num_insats, l.insats) OR l.insats = d.den_insats)
LEFT JOIN client_age a ON a.brukare = l.brukare
LEFT JOIN basis b ON b.insats = d.den_insats
WHERE (d.min_age IS NULL OR a.age IS NULL OR a.age >= d.min_age)
  AND (NOT d.needs_beviljad OR b.basis = 'beviljad')
GROUP BY ALL;

CREATE TABLE nyckeltal AS
SELECT id, enhet, num, den, CASE WHEN den > 0 THEN muldiv(num, 1, den) END AS value FROM nk_part
UNION ALL
SELECT id, '*', sum(num), sum(den), CASE WHEN sum(den) > 0 THEN muldiv(sum(num), 1, sum(den)) END
FROM nk_part GROUP BY id;
"""


def dec(x):
    """A DuckDB decimal (Python Decimal) as plain text at scale 10, or '' for None."""
    if x is None:
        return ""
    return format(decimal.Decimal(x).quantize(decimal.Decimal("1e-10")), "f")


def compute(con, key):
    con.execute(f"SET VARIABLE key = '{key}'")
    con.execute(MACROS)
    con.execute(COMPUTE)


def records(con, key):
    """The result as (kind, fields…) tuples, sorted for stable output."""
    out = []
    year = con.execute("SELECT y FROM year").fetchone()[0]
    ledger_total = con.execute("SELECT coalesce(sum(amount), 0) FROM ledger").fetchone()[0]
    out.append(("meta", "year", str(year)))
    out.append(("meta", "key", key))
    out.append(("meta", "ledger_total", dec(ledger_total)))
    for r in con.execute(
        "SELECT insats, enhet, regi, direct, personnel, allocated, total, asst, v, basis FROM cell_out "
        "ORDER BY insats, enhet, regi"
    ).fetchall():
        out.append(("cell", r[0], r[1], r[2], *map(dec, r[3:9]), r[9]))
    for r in con.execute("SELECT brukare, total, asst FROM client ORDER BY brukare").fetchall():
        out.append(("client", r[0], dec(r[1]), dec(r[2])))
    lines = dict(con.execute("SELECT k, sum(amount) FROM recon GROUP BY k").fetchall())
    total_lines = 0
    for k in RECON_KEYS:
        amount = lines.get(k) or 0
        total_lines += amount
        out.append(("recon", k, dec(amount)))
    out.append(("recon", "difference", dec(ledger_total - total_lines)))
    for r in con.execute("SELECT id, enhet, num, den, value FROM nyckeltal ORDER BY id, enhet").fetchall():
        out.append(("nyckeltal", r[0], r[1], dec(r[2]), dec(r[3]), dec(r[4])))
    return out


def as_json(recs):
    j = {"meta": {}, "cells": [], "clients": [], "reconciliation": {}, "nyckeltal": []}
    for r in recs:
        if r[0] == "meta":
            j["meta"][r[1]] = r[2]
        elif r[0] == "cell":
            names = ["insats", "enhet", "regi", "direct", "personnel", "allocated", "total",
                     "assistansersattning", "volume", "basis"]
            j["cells"].append(dict(zip(names, r[1:])))
        elif r[0] == "client":
            j["clients"].append({"id": r[1], "total": r[2], "assistansersattning": r[3]})
        elif r[0] == "recon":
            j["reconciliation"][r[1]] = r[2]
        elif r[0] == "nyckeltal":
            j["nyckeltal"].append({"id": r[1], "enhet": r[2], "numerator": r[3], "denominator": r[4],
                                   "value": r[5] or None})
    return json.dumps(j, ensure_ascii=False, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", help="directory with kostnader.csv, brukare.csv, mappning.csv, konton.csv")
    ap.add_argument("--key", choices=["direct", "volume", "personnel"], default="direct",
                    help="allocation key for common costs (default: direct cost)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of TSV records")
    args = ap.parse_args()

    con = duckdb.connect()  # in memory
    load(con, args.dir)
    compute(con, args.key)
    recs = records(con, args.key)
    if args.json:
        print(as_json(recs))
    else:
        sys.stdout.write("".join("\t".join(map(str, r)) + "\n" for r in recs))


if __name__ == "__main__":
    main()
