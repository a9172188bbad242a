//! The six files as text: `;`-separated, UTF-8 without BOM, `\n` line endings.

use crate::date::iso;
use crate::konto::KONTON;
use crate::people::{Kon, People};
use crate::text::{money, qty};
use crate::world::*;
use std::fmt::Write;

pub const BRUKARE_HEADER: &str =
    "Brukare;Födelseår;Kön;Insats;Enhet;Regi;Boendeform;Beviljad tid;Utförd tid;Period;Från;Till;Belopp";
pub const KOSTNADER_HEADER: &str = "Ansvar;Verksamhet;Konto;Belopp;Brukare";
/// A monthly ledger: the accounting period as ledger systems write it, `202503`.
pub const KOSTNADER_HEADER_MONTHLY: &str = "Ansvar;Verksamhet;Konto;Period;Belopp;Brukare";
pub const MAPPNING_HEADER: &str = "Ansvar;Verksamhet;Insats;Enhet;Enhetsnamn;Område;Regi;Fördelning";

pub fn brukare(w: &World) -> String {
    let rows: usize = w.blocks.iter().map(Vec::len).sum();
    let mut out = String::with_capacity(80 * (rows + 1));
    out.push_str(BRUKARE_HEADER);
    out.push('\n');
    for r in w.blocks.iter().flatten() {
        let p = w.people.get(r.person);
        let unit = &w.units[r.unit as usize];
        let _ = write!(
            out,
            "{};{};{};{};{};{};{};",
            People::id(r.person),
            r.plant.birth.unwrap_or(p.birth),
            match p.kon {
                Kon::K => "K",
                Kon::M => "M",
            },
            r.plant.insats_text.unwrap_or(local_name(r.insats)),
            unit.code,
            unit.regi.text(),
            r.boende.text(),
        );
        match (r.plant.beviljad_text, r.beviljad) {
            (Some(t), _) => out.push_str(t),
            (None, Some(b)) => out.push_str(&qty(b)),
            _ => {}
        }
        out.push(';');
        if let Some(u) = r.utford {
            out.push_str(&qty(u));
        }
        out.push(';');
        if let Some(m) = r.month {
            let _ = write!(out, "{}-{m:02}", w.year);
        }
        out.push(';');
        if let Some((from, to)) = r.stay {
            out.push_str(&iso(from));
            out.push(';');
            if let Some(to) = to {
                out.push_str(&iso(to));
            }
        } else {
            out.push(';');
        }
        out.push(';');
        if let Some(b) = r.belopp {
            out.push_str(&money(b));
        }
        out.push('\n');
    }
    out
}

/// The ledger; with a Period column when its rows are monthly (all or none are).
pub fn kostnader(ledger: &[LRow], year: i32) -> String {
    let monthly = ledger.iter().any(|r| r.period.is_some());
    assert!(ledger.iter().all(|r| r.period.is_some() == monthly), "a ledger is monthly or not");
    let mut out = String::with_capacity(48 * (ledger.len() + 1));
    out.push_str(if monthly { KOSTNADER_HEADER_MONTHLY } else { KOSTNADER_HEADER });
    out.push('\n');
    for r in ledger {
        let _ = write!(out, "{};{};{};", r.ansvar, r.verksamhet, r.konto);
        if let Some(m) = r.period {
            let _ = write!(out, "{year}{m:02};");
        }
        let _ = writeln!(out, "{};{}", money(r.belopp), r.brukare.map(People::id).unwrap_or_default());
    }
    out
}

pub fn mappning(rows: &[[String; 8]]) -> String {
    let mut out = String::new();
    out.push_str(MAPPNING_HEADER);
    out.push('\n');
    for r in rows {
        out.push_str(&r.join(";"));
        out.push('\n');
    }
    out
}

pub fn konton() -> String {
    let mut out = String::from("Konto från;Konto till;Kontotyp\n");
    for (from, to, typ) in KONTON {
        let _ = writeln!(out, "{from};{to};{typ}");
    }
    out
}

pub fn platser(w: &World) -> String {
    let mut out = String::from("Enhet;Platser\n");
    for &(unit, places) in &w.places {
        let _ = writeln!(out, "{};{places}", w.units[unit].code);
    }
    out
}

/// Population by age group: about 15 000 inhabitants at scale 1, of whom about 6.5 % are 80+.
pub fn befolkning(w: &World, rng: &mut crate::rng::Rng) -> String {
    const GROUPS: [(&str, u64); 7] = [
        ("0-17", 3150),
        ("18-64", 8250),
        ("65-74", 1750),
        ("75-79", 875),
        ("80-84", 520),
        ("85-89", 300),
        ("90-w", 155),
    ];
    let mut out = String::from("Ålder;Antal\n");
    for (group, base) in GROUPS {
        let n = w.scaled(base * rng.range(985, 1015) as u64);
        let _ = writeln!(out, "{group};{n}");
    }
    out
}
