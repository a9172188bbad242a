//! Every table of a report, as CSV files (Swedish: `;`, decimal comma, UTF-8 with BOM so that
//! Excel opens them right) and as one Excel workbook with a sheet per table.
//!
//! Client-level tables carry only the pseudonym (or the file's own non-personal id). Amounts are
//! exported to the öre, unit costs with two decimals, shares with two; nothing else is rounded.

use crate::report::Report;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use serde::{Deserialize, Serialize};

/// Whether the figures have been checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    #[default]
    Preliminar,
    Validerad,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Preliminar => "Preliminär",
            Status::Validerad => "Validerad",
        }
    }
}

/// What the export says about itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The organisation, as the user names it (may be empty).
    pub organisation: String,
    pub status: Status,
    /// When the export was made, as (year, month, day, hour, minute) – given by the caller, so
    /// that the engine reads no clock.
    pub created: (u16, u8, u8, u8, u8),
}

/// How a column's values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Kronor, to the öre.
    Money,
    /// Kronor per unit, two decimals.
    Rate,
    /// A volume or count with up to two decimals.
    Number,
    /// A percentage, two decimals.
    Percent,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(Decimal),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<Decimal> for Cell {
    fn from(d: Decimal) -> Cell {
        Cell::Number(d)
    }
}

impl From<Option<Decimal>> for Cell {
    fn from(d: Option<Decimal>) -> Cell {
        d.map_or(Cell::Empty, Cell::Number)
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Number(Decimal::from(n))
    }
}

/// One table: a CSV file or a worksheet.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// File and sheet name (no extension, at most 31 characters).
    pub name: &'static str,
    /// What the table is, one line.
    pub title: &'static str,
    pub columns: Vec<(&'static str, Kind)>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    fn new(name: &'static str, title: &'static str, columns: &[(&'static str, Kind)]) -> Table {
        Table { name, title, columns: columns.to_vec(), rows: Vec::new() }
    }

    fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "{}", self.name);
        self.rows.push(row);
    }
}

use Kind::*;

fn opt_text(s: &Option<String>) -> Cell {
    s.as_deref().map_or(Cell::Empty, Cell::from)
}

/// Every table of the report, in the order of the workbook.
pub fn tables(report: &Report, meta: &Meta) -> Vec<Table> {
    let mut out = Vec::new();

    let mut about = Table::new("Om", "Om beräkningen", &[("Uppgift", Text), ("Värde", Text)]);
    let s = &report.settings;
    let (y, mo, d, h, mi) = meta.created;
    for (k, v) in [
        ("Organisation", meta.organisation.clone()),
        ("År", report.year.to_string()),
        ("Status", meta.status.name().to_owned()),
        ("Skapad", format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")),
        ("Metod", "Kostnad per brukare (KPB) enligt SKR:s metodbeskrivning".to_owned()),
        (
            "Kostnadsbegrepp",
            "Bruttokostnad minus interna intäkter och försäljning till andra huvudmän; avgifter dras inte av"
                .to_owned(),
        ),
        ("Fördelningsnyckel", s.key.name().to_owned()),
        ("Ytterfallsgräns ordinärt boende, kr", crate::format::kr(s.thresholds.ordinart)),
        ("Ytterfallsgräns särskilt boende, kr", crate::format::kr(s.thresholds.sarskilt)),
        ("Ytterfallsgräns LSS, kr", crate::format::kr(s.thresholds.lss)),
        ("Åldersgrupper", s.age_groups().join(", ")),
        ("Enheter som valts bort", s.excluded_enheter.iter().cloned().collect::<Vec<_>>().join(", ")),
    ] {
        about.push(vec![k.into(), v.into()]);
    }
    for f in &report.files {
        about.push(vec![
            format!("Fil: {}", f.name).into(),
            format!("{} – {} rader, {} använda", f.kind.map_or("okänd filtyp", |k| k.name()), f.rows, f.rows_used)
                .into(),
        ]);
    }
    out.push(about);

    let mut n = Table::new(
        "Nyckeltal",
        "Nyckeltal: Koladas (N-id, Koladas definition) och KPB-metodens (U-id)",
        &[
            ("Id", Text),
            ("Nyckeltal", Text),
            ("Värde", Rate),
            ("Enhet", Text),
            ("Täljare", Number),
            ("Täljare avser", Text),
            ("Nämnare", Number),
            ("Nämnare avser", Text),
            ("Saknas underlag", Text),
            ("Definition", Text),
            ("Ingår", Text),
            ("Ingår inte", Text),
        ],
    );
    for k in &report.nyckeltal {
        n.push(vec![
            k.id.clone().into(),
            k.name.clone().into(),
            k.value.into(),
            k.unit.clone().into(),
            k.numerator.into(),
            k.numerator_label.clone().into(),
            k.denominator.into(),
            k.denominator_label.clone().into(),
            opt_text(&k.missing),
            k.definition.clone().into(),
            k.includes.clone().into(),
            k.excludes.clone().into(),
        ]);
    }
    out.push(n);

    let mut ne = Table::new(
        "Nyckeltal per enhet",
        "Nyckeltal per enhet",
        &[
            ("Id", Text),
            ("Nyckeltal", Text),
            ("Enhet", Text),
            ("Enhetsnamn", Text),
            ("Värde", Rate),
            ("Täljare", Number),
            ("Nämnare", Number),
        ],
    );
    for k in &report.nyckeltal {
        for e in &k.by_enhet {
            ne.push(vec![
                k.id.clone().into(),
                k.name.clone().into(),
                e.enhet.clone().into(),
                e.enhet_name.clone().into(),
                e.value.into(),
                e.numerator.into(),
                e.denominator.into(),
            ]);
        }
    }
    out.push(ne);

    let mut u = Table::new(
        "Enheter",
        "Kostnad och volym per insats, enhet och regi",
        &[
            ("Insatskod", Text),
            ("Insats", Text),
            ("Enhet", Text),
            ("Enhetsnamn", Text),
            ("Område", Text),
            ("Regi", Text),
            ("Direkt kostnad", Money),
            ("Varav personal", Money),
            ("Fördelad gemensam kostnad", Money),
            ("Kostnad", Money),
            ("Assistansersättning", Money),
            ("Volym", Number),
            ("Volymenhet", Text),
            ("Volymtyp", Text),
            ("Kr per volymenhet", Rate),
            ("Netto kr per volymenhet", Rate),
            ("Brukare", Number),
        ],
    );
    for c in &report.units {
        u.push(vec![
            c.insats.code().into(),
            c.insats.name().into(),
            c.enhet.clone().into(),
            c.enhet_name.clone().into(),
            opt_text(&c.omrade),
            c.regi.name().into(),
            c.direct.into(),
            c.personnel.into(),
            c.allocated.into(),
            c.total.into(),
            c.assistansersattning.into(),
            c.volume.into(),
            c.insats.unit().plural().into(),
            c.basis.name().into(),
            c.unit_cost.into(),
            c.net_unit_cost.into(),
            c.clients.into(),
        ]);
    }
    out.push(u);

    let mut i = Table::new(
        "Insatser",
        "Per insats för hela kommunen (egen regi; annan regi för sig)",
        &[
            ("Insats", Text),
            ("Kostnad egen regi", Money),
            ("Volym egen regi", Number),
            ("Kr per volymenhet", Rate),
            ("Lägst (enhet)", Text),
            ("Lägst, kr", Rate),
            ("Högst (enhet)", Text),
            ("Högst, kr", Rate),
            ("Kostnad annan regi", Money),
            ("Volym annan regi", Number),
            ("Brukare", Number),
        ],
    );
    for s in &report.insatser {
        i.push(vec![
            s.insats.name().into(),
            s.cost.into(),
            s.volume.into(),
            s.unit_cost.into(),
            s.min.as_ref().map_or(Cell::Empty, |m| m.0.clone().into()),
            s.min.as_ref().map(|m| m.1).into(),
            s.max.as_ref().map_or(Cell::Empty, |m| m.0.clone().into()),
            s.max.as_ref().map(|m| m.1).into(),
            s.annan_cost.into(),
            s.annan_volume.into(),
            s.clients.into(),
        ]);
    }
    out.push(i);

    let mut p = Table::new(
        "Gemensamma kostnader",
        "Hur de gemensamma kostnaderna fördelades",
        &[
            ("Nivå", Text),
            ("Belopp", Money),
            ("Mottagare: insats", Text),
            ("Mottagare: enhet", Text),
            ("Fördelat", Money),
        ],
    );
    for pool in &report.pools {
        for (insats, enhet, amount) in &pool.shares {
            p.push(vec![
                pool.level.describe().into(),
                pool.amount.into(),
                insats.name().into(),
                enhet.clone().into(),
                (*amount).into(),
            ]);
        }
        if !pool.unplaced.is_zero() {
            p.push(vec![
                pool.level.describe().into(),
                pool.amount.into(),
                "(ej fördelat)".into(),
                Cell::Empty,
                pool.unplaced.into(),
            ]);
        }
    }
    out.push(p);

    let mut b = Table::new(
        "Brukare",
        "Kostnad per brukare och år (pseudonymiserat)",
        &[
            ("Brukare", Text),
            ("Ålder", Number),
            ("Åldersgrupp", Text),
            ("Kön", Text),
            ("Boendeform", Text),
            ("Kostnad", Money),
            ("Assistansersättning", Money),
            ("Nettokostnad", Money),
            ("Insatser", Text),
        ],
    );
    let mut bl = Table::new(
        "Brukare per insats",
        "Varje brukares insatser (pseudonymiserat)",
        &[
            ("Brukare", Text),
            ("Insats", Text),
            ("Enhet", Text),
            ("Regi", Text),
            ("Volym", Number),
            ("Kostnad", Money),
            ("Assistansersättning", Money),
            ("Varav bokfört på brukaren", Money),
            ("Beviljad", Number),
            ("Utförd", Number),
        ],
    );
    for c in &report.clients {
        let mut insatser: Vec<&str> = c.lines.iter().map(|l| l.insats.name()).collect();
        insatser.dedup();
        b.push(vec![
            c.id.clone().into(),
            c.age.map(Decimal::from).into(),
            opt_text(&c.age_group),
            c.kon.map_or(Cell::Empty, |k| k.kolada().into()),
            c.boendeform.name().into(),
            c.total.into(),
            c.assistansersattning.into(),
            c.net().into(),
            insatser.join(", ").into(),
        ]);
        for l in &c.lines {
            bl.push(vec![
                c.id.clone().into(),
                l.insats.name().into(),
                l.enhet.clone().into(),
                l.regi.name().into(),
                l.volume.into(),
                l.cost.into(),
                l.assistansersattning.into(),
                l.booked.into(),
                l.beviljad.into(),
                l.utford.into(),
            ]);
        }
    }
    out.push(b);
    out.push(bl);

    let mut y = Table::new(
        "Ytterfall",
        "Ytterfall per område",
        &[
            ("Område", Text),
            ("Id", Text),
            ("Gräns, kr", Money),
            ("Brukare med kostnad", Number),
            ("Ytterfall", Number),
            ("Andel, %", Percent),
            ("Ytterfallens kostnad", Money),
            ("Områdets kostnad", Money),
        ],
    );
    let mut yl = Table::new(
        "Ytterfall brukare",
        "Brukarna över gränsen, dyrast först (underlag för individgenomgång)",
        &[
            ("Område", Text),
            ("Brukare", Text),
            ("Kostnad i området", Money),
            ("Ålder", Number),
            ("Kön", Text),
            ("Boendeform", Text),
        ],
    );
    for yf in &report.ytterfall {
        y.push(vec![
            yf.scope.name().into(),
            opt_text(&yf.kolada),
            yf.threshold.into(),
            yf.clients.into(),
            yf.count.into(),
            yf.share.into(),
            yf.cost.into(),
            yf.total_cost.into(),
        ]);
        for id in &yf.list {
            if let Some(c) = report.clients.iter().find(|c| &c.id == id) {
                yl.push(vec![
                    yf.scope.name().into(),
                    id.clone().into(),
                    c.in_scope(yf.scope).into(),
                    c.age.map(Decimal::from).into(),
                    c.kon.map_or(Cell::Empty, |k| k.kolada().into()),
                    c.boendeform.name().into(),
                ]);
            }
        }
    }
    out.push(y);
    out.push(yl);

    let mut dist = Table::new(
        "Kostnadsfördelning",
        "Hur stor andel av kostnaden olika andelar av brukarna står för",
        &[("Brukare (dyrast först)", Text), ("Andel av kostnaden, %", Percent)],
    );
    for (g, share) in report.distribution.deciles.iter().enumerate() {
        dist.push(vec![format!("Decil {} ({}–{} %)", g + 1, g * 10, (g + 1) * 10).into(), (*share).into()]);
    }
    for (x, share) in &report.distribution.top {
        dist.push(vec![format!("De dyraste {x} %").into(), (*share).into()]);
    }
    out.push(dist);

    let mut mix = Table::new(
        "Brukarmix",
        "Brukare och kostnad per grupp",
        &[
            ("Indelning", Text),
            ("Grupp", Text),
            ("Brukare", Number),
            ("Kostnad", Money),
            ("Kostnad per brukare", Money),
            ("Andel av kostnaden, %", Percent),
        ],
    );
    for (dim, groups) in [
        ("Åldersgrupp", &report.mix.by_age),
        ("Kön", &report.mix.by_kon),
        ("Boendeform", &report.mix.by_boendeform),
        ("Insats", &report.mix.by_insats),
    ] {
        for g in groups {
            mix.push(vec![
                dim.into(),
                g.label.clone().into(),
                g.clients.into(),
                g.cost.into(),
                g.per_client.into(),
                g.share.into(),
            ]);
        }
    }
    out.push(mix);

    let mut ug = Table::new(
        "Utförandegrad",
        "Utförd tid i förhållande till beviljad, per enhet (egen regi)",
        &[
            ("Insats", Text),
            ("Enhet", Text),
            ("Beviljad", Number),
            ("Utförd", Number),
            ("Utförandegrad, %", Percent),
            ("Brukare", Number),
        ],
    );
    for g in &report.utforandegrad {
        ug.push(vec![
            g.insats.name().into(),
            g.enhet_name.clone().into(),
            g.beviljad.into(),
            g.utford.into(),
            g.grad.into(),
            g.clients.into(),
        ]);
    }
    out.push(ug);

    let mut r = Table::new(
        "Avstämning",
        "Avstämning mot huvudboken",
        &[("Post", Text), ("Belopp", Money), ("Förklaring", Text)],
    );
    r.push(vec![
        "Huvudbokens summa".into(),
        report.reconciliation.ledger_total.into(),
        format!("{} rader", report.reconciliation.ledger_rows).into(),
    ]);
    for line in &report.reconciliation.lines {
        r.push(vec![line.label.clone().into(), line.amount.into(), line.explanation.clone().into()]);
    }
    r.push(vec!["Differens".into(), report.reconciliation.difference.into(), "Ska vara 0.".into()]);
    out.push(r);

    let mut f = Table::new(
        "Kontroll",
        "Arbetslista: fel och varningar i underlaget",
        &[
            ("Allvarlighet", Text),
            ("Typ", Text),
            ("Meddelande", Text),
            ("Enhet", Text),
            ("Fil", Text),
            ("Blad", Text),
            ("Rad", Number),
            ("Kolumn", Text),
            ("Antal", Number),
            ("Fler rader", Text),
            ("Vad göra", Text),
        ],
    );
    for x in &report.findings {
        f.push(vec![
            x.severity.name().into(),
            x.kind.code().into(),
            x.message().into(),
            opt_text(&x.enhet),
            x.pos.file.clone().into(),
            opt_text(&x.pos.sheet),
            x.pos.line.map(Decimal::from).into(),
            match (x.pos.column, &x.pos.column_name) {
                (Some(c), Some(n)) if !n.is_empty() => format!("{c} ({n})").into(),
                (Some(c), _) => c.to_string().into(),
                _ => Cell::Empty,
            },
            x.count.into(),
            x.more_lines.iter().map(u32::to_string).collect::<Vec<_>>().join(", ").into(),
            x.help().into(),
        ]);
    }
    out.push(f);
    out
}

fn round(value: Decimal, kind: Kind) -> Decimal {
    let dp = match kind {
        Money | Rate | Percent | Number => 2,
        Text => 28,
    };
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero).normalize()
}

/// A table as CSV: `;`-separated, decimal comma, no thousands separator, CRLF, UTF-8 with BOM.
///
/// Text that a spreadsheet would take for a formula (it starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return: a name or code from the user's files, say `=HYPERLINK(…)`) gets an
/// apostrophe in front, as OWASP recommends against formula injection, so that Excel and
/// LibreOffice show it as text and never evaluate it. Numbers are written as numbers, negative
/// ones too (`-12,5`).
pub fn csv(table: &Table) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * (table.rows.len() + 1));
    out.extend_from_slice(b"\xEF\xBB\xBF");
    let mut writer = csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(out);
    let text = |t: &str| -> String {
        if t.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{t}") } else { t.to_owned() }
    };
    let _ = writer.write_record(table.columns.iter().map(|c| text(c.0)));
    for row in &table.rows {
        let cells = row.iter().zip(&table.columns).map(|(cell, (_, kind))| match cell {
            Cell::Text(t) => text(t),
            Cell::Number(d) => round(*d, *kind).to_string().replace('.', ","),
            Cell::Empty => String::new(),
        });
        let _ = writer.write_record(cells);
    }
    writer.into_inner().unwrap_or_default()
}

/// All tables as one workbook, a sheet per table, with the title and status on top.
pub fn xlsx(tables: &[Table], meta: &Meta, year: i32) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let (y, mo, d, h, mi) = meta.created;
    let created = ExcelDateTime::from_ymd(y, mo, d)?.and_hms(u16::from(h), mi, 0)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("Kostnad per brukare {year}"))
            .set_subject("KPB enligt SKR:s metod")
            .set_company(&meta.organisation)
            .set_status(meta.status.name())
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(13);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let money = Format::new().set_num_format("# ##0");
    let rate = Format::new().set_num_format("# ##0.00");
    let number = Format::new().set_num_format("# ##0.##");
    let percent = Format::new().set_num_format("0.0");
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(table.name)?;
        sheet.write_with_format(0, 0, table.title, &title)?;
        sheet.write_with_format(1, 0, format!("KPB {year} – {}", meta.status.name()), &bold)?;
        let top = 3u32;
        for (c, (name, kind)) in table.columns.iter().enumerate() {
            sheet.write_with_format(top, c as u16, *name, &head)?;
            sheet.set_column_width(c as u16, if *kind == Text { 22 } else { 14 })?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = top + 1 + r as u32;
            for (c, (cell, (_, kind))) in row.iter().zip(&table.columns).enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => {
                        sheet.write(r, c, t.as_str())?;
                    }
                    Cell::Number(d) => {
                        let value = round(*d, *kind).to_f64().unwrap_or(0.0);
                        let format = match kind {
                            Money => &money,
                            Rate => &rate,
                            Percent => &percent,
                            _ => &number,
                        };
                        sheet.write_with_format(r, c, value, format)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(top + 1, 0)?;
        if !table.rows.is_empty() {
            sheet.autofilter(top, 0, top + table.rows.len() as u32, table.columns.len() as u16 - 1)?;
        }
    }
    book.save_to_buffer()
}
