//! Deliberate, realistic errors in the example data (size `example` only), each of a kind the
//! engine's checks find. `PLANTED.md` lists them with file and line. The example's ledger is
//! monthly; besides the errors it has a late correction (not an error: the year is right).

use crate::rng::Rng;
use crate::world::*;
use kpb::model::Insats;
use std::collections::BTreeMap;

/// A planted error before line numbers are known: the engine's finding kind, the file, and what
/// was done.
pub struct Plan {
    pub kind: &'static str,
    pub file: &'static str,
    pub what: String,
}

/// An ansvar that the mapping does not have (checked below).
pub const UNMAPPED_ANSVAR: &str = "45990";

/// The late correction: the first hemtjänst area's wages of hourly staff (konto 5011) booked in
/// March on the second's, moved in June with two rows.
pub const CORRECTION: (&str, &str, &str) = ("HT-NORR", "HT-SODER", "5011");
const CORRECTION_BOOKED: u8 = 3;
const CORRECTION_MOVED: u8 = 6;

/// The hemtjänst area whose volume extract lacks a month, and the month. Its rows of that month
/// hold no planted error (those are in months 1–9).
pub const MISSING_MONTH: (&str, u8) = ("HT-CENTRUM", 10);

/// The ansvar of an enhet's hemtjänst cell.
fn hemtjanst_ansvar(w: &World, code: &str) -> String {
    w.cells
        .iter()
        .find(|c| c.insats == Insats::Hemtjanst && w.units[c.unit].code == code)
        .map(|c| c.ansvar.clone())
        .unwrap_or_else(|| panic!("{code} has hemtjänst"))
}

fn block(w: &World, insats: Insats) -> usize {
    w.blocks.iter().position(|b| b.first().is_some_and(|r| r.insats == insats)).expect("block exists")
}

/// Per client of a block: the indices of their rows (in order).
fn by_client(rows: &[VRow]) -> BTreeMap<u32, Vec<usize>> {
    let mut out: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        out.entry(r.person).or_default().push(i);
    }
    out
}

/// Plants the errors in the example's world and monthly ledger, and the late correction. The
/// ledger comes back sorted, the volume rows in their order.
pub fn plant(w: &mut World, ledger: &mut Vec<LRow>, rng: &mut Rng) -> Vec<Plan> {
    assert!(ledger.iter().all(|r| r.period.is_some()), "the example's ledger is monthly");
    let mut plans: Vec<Plan> = Vec::new();
    let tag = |plans: &mut Vec<Plan>, kind: &'static str, file: &'static str, what: String| {
        plans.push(Plan { kind, file, what });
        Some(plans.len() - 1)
    };
    let id = |p: u32| crate::people::People::id(p);

    // Hemtjänst in egen regi: ordinary clients with the whole year, and clients whose decision
    // started during the year.
    let ht = block(w, Insats::Hemtjanst);
    let (full_year, late_start) = {
        let rows = &w.blocks[ht];
        let egen = |i: usize| w.units[rows[i].unit as usize].regi == Regi::Egen;
        let clients = by_client(rows);
        let mut full: Vec<Vec<usize>> = Vec::new();
        let mut late: Vec<Vec<usize>> = Vec::new();
        for idx in clients.into_values() {
            let first = &rows[idx[0]];
            let ordinary = idx.iter().all(|&i| rows[i].beviljad.unwrap_or(0) < 8000);
            if !egen(idx[0]) || !ordinary {
                continue;
            }
            if idx.len() == 12 {
                full.push(idx);
            } else if first.month.unwrap_or(1) >= 3 && idx.len() >= 4 && rows[*idx.last().unwrap()].month == Some(12) {
                late.push(idx);
            }
        }
        rng.shuffle(&mut full);
        rng.shuffle(&mut late);
        (full, late)
    };
    let mut inserts: Vec<(usize, VRow)> = Vec::new();
    let units = &w.units;
    let unit = |r: &VRow| units[r.unit as usize].code.clone();
    let rows_ht = &mut w.blocks[ht];

    // 6. Utförd tid above beviljad tid in the first month of three clients.
    for idx in &full_year[0..3] {
        let r = &mut rows_ht[idx[0]];
        let b = r.beviljad.unwrap_or(0);
        let u = b + (b * rng.range(40, 120) / 1000).max(25);
        r.utford = Some(u);
        r.plant.tag = tag(
            &mut plans,
            "over-beviljat",
            "brukare.csv",
            format!(
                "Hemtjänst {}: client {} has utförd tid {} h against beviljad {} h in month {:02} (the client's first row).",
                unit(r),
                id(r.person),
                crate::text::qty(u),
                crate::text::qty(b),
                r.month.unwrap_or(0)
            ),
        );
    }
    // 6. A decision never carried out: beviljad every month, utförd 0 all year.
    {
        let idx = &late_start[0];
        for &i in idx {
            rows_ht[i].utford = Some(0);
        }
        let r = &mut rows_ht[idx[0]];
        r.plant.tag = tag(
            &mut plans,
            "ej-verkstallt",
            "brukare.csv",
            format!(
                "Hemtjänst {}: client {} is granted time from month {:02} but has utförd tid 0 every month (beslut ej verkställt).",
                unit(r),
                id(r.person),
                r.month.unwrap_or(0)
            ),
        );
    }
    // 3. Text in a number column.
    {
        let r = &mut rows_ht[full_year[3][8]];
        r.plant.beviljad_text = Some("ca 8");
        r.plant.tag = tag(
            &mut plans,
            "inte-ett-tal",
            "brukare.csv",
            format!(
                "Hemtjänst {}: client {} has Beviljad tid \"ca 8\" in month {:02}; the row cannot be read.",
                unit(r),
                id(r.person),
                r.month.unwrap_or(0)
            ),
        );
    }
    // 1. An exact duplicate row.
    {
        let i = full_year[4][4];
        let mut copy = rows_ht[i].clone();
        copy.plant.tag = tag(
            &mut plans,
            "dubblett",
            "brukare.csv",
            format!(
                "Hemtjänst {}: the row of client {} for month {:02} appears twice (this line is the second).",
                unit(&copy),
                id(copy.person),
                copy.month.unwrap_or(0)
            ),
        );
        inserts.push((i + 1, copy));
    }
    // 2. A local insats name that is not in the catalogue.
    {
        let i = full_year[5][3];
        let mut extra = rows_ht[i].clone();
        extra.beviljad = None;
        extra.utford = Some(100);
        extra.plant.insats_text = Some("Fotvård");
        extra.plant.tag = tag(
            &mut plans,
            "okand-insats",
            "brukare.csv",
            format!(
                "Hemtjänst {}: client {} has a row with insats \"Fotvård\" (month {:02}), which is not in the catalogue.",
                unit(&extra),
                id(extra.person),
                extra.month.unwrap_or(0)
            ),
        );
        inserts.push((i + 1, extra));
    }
    inserts.sort_by_key(|x| std::cmp::Reverse(x.0));
    for (at, row) in inserts {
        rows_ht.insert(at, row);
    }

    // 4. One client with two birth years (two digits swapped on one row).
    {
        let dv = block(w, Insats::DagligVerksamhet);
        let rows = &mut w.blocks[dv];
        let mut candidates: Vec<Vec<usize>> = by_client(rows)
            .into_values()
            .filter(|idx| idx.len() >= 10 && rows[idx[0]].boende == Boende::Ordinart)
            .collect();
        rng.shuffle(&mut candidates);
        let i = candidates[0][5];
        let birth = w.people.get(rows[i].person).birth;
        let (tens, ones) = (birth / 10 % 10, birth % 10);
        let wrong = if tens != ones { birth - 10 * tens - ones + 10 * ones + tens } else { birth - 10 };
        rows[i].plant.birth = Some(wrong);
        rows[i].plant.tag = tag(
            &mut plans,
            "motstridig-brukare",
            "brukare.csv",
            format!(
                "Daglig verksamhet: client {} has födelseår {wrong} on this row but {birth} on the others.",
                id(rows[i].person)
            ),
        );
    }

    // 7. A resident of a gruppbostad coded as servicebostad.
    {
        let gb = block(w, Insats::Gruppbostad);
        let unit = w.units.iter().position(|u| u.code == "GB-SVALAN").expect("GB-SVALAN") as u32;
        let rows = &mut w.blocks[gb];
        let i = rows.iter().position(|r| r.unit == unit).expect("a resident");
        rows[i].insats = Insats::Servicebostad;
        rows[i].plant.tag = tag(
            &mut plans,
            "grupp-och-servicebostad",
            "brukare.csv",
            format!(
                "Client {} lives in Gruppbostad Svalan but the row says Servicebostad: the enhet has both insatser (the servicebostad volume also has no cost).",
                id(rows[i].person)
            ),
        );
    }

    // 5. A cost on an ansvar the mapping does not have.
    {
        assert!(
            w.cells.iter().all(|c| c.ansvar != UNMAPPED_ANSVAR)
                && w.units.iter().all(|u| u.admin.as_ref().is_none_or(|a| a.0 != UNMAPPED_ANSVAR))
                && w.pools.iter().all(|p| p.ansvar.iter().all(|a| a.0 != UNMAPPED_ANSVAR)),
            "the unmapped ansvar must not be mapped"
        );
        let mut row = LRow::new(UNMAPPED_ANSVAR, "530", "6410", 1_843_000).in_month(9);
        row.tag = tag(
            &mut plans,
            "ansvar-utan-mappning",
            "kostnader.csv",
            format!(
                "Ansvar {UNMAPPED_ANSVAR} (a new LSS project, 18 430 kr on konto 6410 in {}09) is not in the mapping.",
                w.year
            ),
        );
        ledger.push(row);
    }

    // A late correction, not an error: wages of HT-NORR's booked in March on HT-SODER and
    // moved in June (−amount on HT-SODER, +amount on HT-NORR). HT-NORR's other months on the
    // konto keep their shape and carry the year less the invoice, so each ansvar's year on the
    // konto is what it was.
    {
        let (right, wrong) = (hemtjanst_ansvar(w, CORRECTION.0), hemtjanst_ansvar(w, CORRECTION.1));
        let konto = CORRECTION.2;
        let rows: Vec<usize> = (0..ledger.len())
            .filter(|&i| ledger[i].ansvar == right && ledger[i].konto == konto && ledger[i].brukare.is_none())
            .collect();
        let year: i64 = rows.iter().map(|&i| ledger[i].belopp).sum();
        let amount = rng.range(14_000_000, 16_000_000).min(year / 4);
        let weights: [i128; 12] = std::array::from_fn(|m| {
            rows.iter().filter(|&&i| ledger[i].period == Some(m as u8 + 1)).map(|&i| i128::from(ledger[i].belopp)).sum()
        });
        let months = crate::ledger::spread(year - amount, &weights);
        for &i in &rows {
            ledger[i].belopp = months[usize::from(ledger[i].period.unwrap_or(1)) - 1];
        }
        assert!(rows.iter().all(|&i| ledger[i].belopp > 0), "{right} keeps a cost each month on {konto}");
        let vht = ledger[rows[0]].verksamhet;
        let row = |ansvar: &str, month: u8, belopp: i64| LRow::new(ansvar, vht, konto, belopp).in_month(month);
        ledger.extend([
            row(&wrong, CORRECTION_BOOKED, amount),
            row(&wrong, CORRECTION_MOVED, -amount),
            row(&right, CORRECTION_MOVED, amount),
        ]);
    }
    ledger.sort();

    // 8. A month without volume: the volume extract lacks HT-CENTRUM's October, while the ledger
    // (derived before) has the unit's October cost. Found at the first row of the unit's direct
    // cost (its ansvar, a cost konto) in that month.
    {
        let (code, month) = MISSING_MONTH;
        let unit = w.units.iter().position(|u| u.code == code).expect("the unit") as u32;
        let ansvar = hemtjanst_ansvar(w, code);
        let mut removed = 0;
        for block in &mut w.blocks {
            let before = block.len();
            block.retain(|r| {
                let gone = r.unit == unit && r.month == Some(month);
                assert!(!(gone && r.plant.tag.is_some()), "a planted error in the missing month");
                !gone
            });
            removed += before - block.len();
        }
        assert!(removed > 0, "{code} has rows in month {month}");
        let first = ledger
            .iter()
            // Direct cost nets internal revenue (38xx); fees (31xx) and other revenue (34xx) are not.
            .position(|r| {
                r.ansvar == ansvar
                    && r.period == Some(month)
                    && !r.konto.starts_with("31")
                    && !r.konto.starts_with("34")
            })
            .expect("the month's cost");
        ledger[first].tag = tag(
            &mut plans,
            "manad-utan-volym",
            "kostnader.csv",
            format!(
                "Hemtjänst {code}: brukare.csv has no rows for {year}-{month:02} (the unit's {removed} rows of the month are \
                 missing from the volume extract), but the ledger has the unit's cost for the month; this line is the first \
                 row of its direct cost (ansvar {ansvar}, internal revenue included) in period {year}{month:02}. The month's unit cost cannot be computed.",
                year = w.year
            ),
        );
    }
    plans
}
