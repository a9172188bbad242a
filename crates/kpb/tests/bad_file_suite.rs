//! The bad-file suite: files as municipalities really have them, each broken its own way.
//!
//! For every kind, whatever the bytes: no panic; bounded time and memory; every physical line
//! of every file accounted for (the header or above it, blank, or a row that became data or has
//! a finding naming it); the exact findings expected (kind, file, line, column); and no
//! personnummer in any output (the report as sent to the page, every export table as CSV, the
//! Excel workbook, the network file).
//!
//! One test runs the cases one after the other, so that the peak memory measured by the
//! counting allocator below is one case's.

use kpb::client_list::{ClientList, ClientQuery, ClientSort};
use kpb::export::{Meta, Status};
use kpb::import::{FileStatus, ImportSettings, InputFile, sheet::Item};
use kpb::pseudonym::contains_personnummer;
use kpb::{Dataset, Report, Settings, compute, load};
use rust_decimal::Decimal;
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts the bytes allocated now and at the peak.
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new) };
        if !q.is_null() {
            if new > layout.size() {
                let now = NOW.fetch_add(new - layout.size(), Ordering::Relaxed) + new - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                NOW.fetch_sub(layout.size() - new, Ordering::Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A finding a case must have: kind, file, line and column (`None`: not checked).
struct Want {
    kind: &'static str,
    file: &'static str,
    line: Option<u32>,
    column: Option<u32>,
}

fn want(kind: &'static str, file: &'static str, line: Option<u32>, column: Option<u32>) -> Want {
    Want { kind, file, line, column }
}

struct Case {
    name: &'static str,
    files: Vec<InputFile>,
    import: ImportSettings,
    settings: Settings,
    want: Vec<Want>,
    /// Kinds of finding the case must not have.
    not: Vec<&'static str>,
    /// Further checks on what was read and computed.
    check: Option<Box<dyn Fn(&Dataset, &Report)>>,
}

fn case(name: &'static str, files: Vec<InputFile>) -> Case {
    Case {
        name,
        files,
        import: import_settings(),
        settings: Settings { year: Some(2025), ..Settings::default() },
        want: Vec::new(),
        not: Vec::new(),
        check: None,
    }
}

impl Case {
    fn want(mut self, kind: &'static str, file: &'static str, line: u32, column: Option<u32>) -> Case {
        self.want.push(want(kind, file, Some(line), column));
        self
    }
    fn want_file(mut self, kind: &'static str, file: &'static str) -> Case {
        self.want.push(want(kind, file, None, None));
        self
    }
    fn not(mut self, kinds: &[&'static str]) -> Case {
        self.not.extend(kinds);
        self
    }
    fn check(mut self, f: impl Fn(&Dataset, &Report) + 'static) -> Case {
        self.check = Some(Box::new(f));
        self
    }
    fn year(mut self, year: Option<i32>) -> Case {
        self.settings.year = year;
        self
    }
}

fn import_settings() -> ImportSettings {
    ImportSettings { pseudonym_key: b"suite".to_vec(), reference_year: 2026, ..ImportSettings::default() }
}

fn file(name: &str, bytes: impl Into<Vec<u8>>) -> InputFile {
    InputFile { name: name.into(), bytes: bytes.into() }
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

const MAPPNING: &str = "Ansvar;Verksamhet;Insats;Enhet;Enhetsnamn;Område;Regi;Fördelning
4110;;Hemtjänst;HT1;Hemtjänst Norr;Hemtjänst;egen;
4120;;Hemtjänst;HT2;Hemtjänst Söder;Hemtjänst;egen;
4210;;Vård- och omsorgsboende;SB1;Solgården;Särskilt boende;egen;
4100;;;;;;;förvaltning
";

const KONTON: &str = "Konto från;Konto till;Kontotyp\n3000;3999;avgift\n4000;7999;kostnad\n";

const KOSTNADER: &str = "Ansvar;Verksamhet;Konto;Belopp
4110;510;5011;1 000 000,00
4110;510;6110;200 000,00
4120;510;5011;900 000,00
4210;520;5011;3 000 000,00
4100;500;5011;100 000,00
";

const BRUKARE: &str = "Brukare;Födelseår;Kön;Insats;Enhet;Volym;Period
B1;1931;K;Hemtjänst;HT1;100;2025-01
B2;1935;M;Hemtjänst;HT1;200;2025-01
B3;1940;K;Hemtjänst;HT2;150;2025-02
B4;1928;K;Vård- och omsorgsboende;SB1;365;2025
B5;1930;M;Vård- och omsorgsboende;SB1;300;2025
";

/// The four good files, with `replace` swapped in for the one of the same name.
fn with(replace: Vec<InputFile>) -> Vec<InputFile> {
    let mut files = vec![
        file("mappning.csv", MAPPNING),
        file("konton.csv", KONTON),
        file("kostnader.csv", KOSTNADER),
        file("brukare.csv", BRUKARE),
    ];
    for r in replace {
        match files.iter_mut().find(|f| f.name == r.name) {
            Some(f) => *f = r,
            None => files.push(r),
        }
    }
    files
}

fn ledger_total(r: &Report) -> Decimal {
    r.reconciliation.ledger_total
}

fn unit_cost(r: &Report, enhet: &str) -> Option<Decimal> {
    r.units.iter().find(|u| u.enhet == enhet).and_then(|u| u.unit_cost)
}

/// An .xlsx workbook of rows of text cells (numbers written as numbers).
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.replace(' ', "").replace(',', ".").parse::<f64>() {
                Ok(n) => sheet.write_number(r as u32, c as u16, n).unwrap(),
                Err(_) => sheet.write_string(r as u32, c as u16, *cell).unwrap(),
            };
        }
    }
    book.save_to_buffer().unwrap()
}

fn cases() -> Vec<Case> {
    let mut all = Vec::new();

    // --- Quoting and line endings -------------------------------------------------------
    all.push(
        case(
            "a quote that never closes swallows nothing",
            with(vec![file(
                "kostnader.csv",
                "Ansvar;Verksamhet;Konto;Belopp\n4110;510;5011;1 000 000,00\n4110;\"510;6110;200 000,00\n4120;510;5011;900 000,00\n4210;520;5011;3 000 000,00\n4100;500;5011;100 000,00\n",
            )]),
        )
        .want("oavslutat-citattecken", "kostnader.csv", 3, Some(2))
        .check(|ds, r| {
            assert_eq!(ds.ledger.len(), 5, "every row read, the one with the stray quote too");
            assert_eq!(ledger_total(r), d("5200000"));
        }),
    );
    all.push(
        case(
            "two stray quotes do not join the rows between them",
            with(vec![file(
                "brukare.csv",
                "Brukare;Födelseår;Kön;Insats;Enhet;Volym;Period\nB1;1931;K;\"Hemtjänst;HT1;100;2025-01\nB2;1935;M;Hemtjänst;HT1;200;2025-01\nB3;1940;K;Hemtjänst;HT2\";150;2025-02\nB4;1928;K;Vård- och omsorgsboende;SB1;365;2025\nB5;1930;M;Vård- och omsorgsboende;SB1;300;2025\n",
            )]),
        )
        .want("oavslutat-citattecken", "brukare.csv", 2, Some(4))
        .check(|ds, _| {
            let lines: BTreeSet<u32> = ds.volumes.iter().map(|v| v.line).collect();
            assert!(lines.contains(&3) && lines.contains(&5) && lines.contains(&6), "{lines:?}");
        }),
    );
    all.push(
        case("CR-only line endings (old Mac)", with(vec![file("kostnader.csv", KOSTNADER.replace('\n', "\r"))]))
            .not(&["bara-rubrik", "kort-rad"])
            .check(|ds, r| {
                assert_eq!(ds.ledger.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 3, 4, 5, 6]);
                assert_eq!(ledger_total(r), d("5200000"));
            }),
    );
    all.push(
        case(
            "mixed line endings",
            with(vec![file(
                "kostnader.csv",
                "Ansvar;Verksamhet;Konto;Belopp\r\n4110;510;5011;1 000 000,00\r4110;510;6110;200 000,00\n4120;510;5011;900 000,00\r\n4210;520;5011;3 000 000,00\r4100;500;5011;100 000,00",
            )]),
        )
        .not(&["avklippt-fil"])
        .check(|ds, r| {
            assert_eq!(ds.ledger.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 3, 4, 5, 6]);
            assert_eq!(ledger_total(r), d("5200000"));
        }),
    );
    all.push(
        case(
            "a quoted line break inside a text field is one row",
            with(vec![file(
                "kostnader.csv",
                "Ansvar;Verksamhet;Konto;Belopp;Text\n4110;510;5011;1 000 000,00;\"Löner\njanuari\"\n4110;510;6110;200 000,00;\n4120;510;5011;900 000,00;\n4210;520;5011;3 000 000,00;\n4100;500;5011;100 000,00;\n",
            )]),
        )
        .not(&["oavslutat-citattecken"])
        .check(|ds, _| {
            assert_eq!(ds.files.iter().find(|f| f.name == "kostnader.csv").unwrap().continued, 1);
            assert_eq!(ds.ledger.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 4, 5, 6, 7]);
        }),
    );
    let long = format!("4110;510;5011;{}\n", "9".repeat(10 * 1024 * 1024));
    all.push(
        case(
            "a 10 MB line",
            with(vec![file(
                "kostnader.csv",
                format!("Ansvar;Verksamhet;Konto;Belopp\n4110;510;5011;1 000 000,00\n{long}4110;510;6110;200 000,00\n4120;510;5011;900 000,00\n4210;520;5011;3 000 000,00\n4100;500;5011;100 000,00\n"),
            )]),
        )
        .want("for-lang-rad", "kostnader.csv", 3, None)
        .check(|ds, r| {
            assert_eq!(ds.ledger.len(), 5);
            assert_eq!(ledger_total(r), d("5200000"));
        }),
    );
    all.push(
        case(
            "a row with more fields than the header",
            with(vec![file(
                "kostnader.csv",
                KOSTNADER.replace("4120;510;5011;900 000,00", "4120;510;5011;900 000,00;77"),
            )]),
        )
        .want("lang-rad", "kostnader.csv", 4, Some(5))
        .check(|ds, _| assert_eq!(ds.ledger.len(), 4)),
    );
    all.push(
        case(
            "decimal commas in a comma-delimited file",
            with(vec![file(
                "brukare.csv",
                "Brukare,Födelseår,Kön,Insats,Enhet,Volym,Period\nB1,1931,K,Hemtjänst,HT1,100,5,2025-01\nB2,1935,M,Hemtjänst,HT1,200,2025-01\nB3,1940,K,Hemtjänst,HT2,150,2025-02\nB4,1928,K,Vård- och omsorgsboende,SB1,365,2025\nB5,1930,M,Vård- och omsorgsboende,SB1,300,2025\n",
            )]),
        )
        .want("lang-rad", "brukare.csv", 2, Some(8))
        .check(|ds, _| {
            assert_eq!(ds.clients.len(), 4, "no fake client from the split decimal");
            let f = ds.findings.iter().find(|f| f.kind.code() == "lang-rad").unwrap();
            assert!(f.help().contains("kommaseparerad"), "{}", f.help());
        }),
    );
    all.push(
        case(
            "the header repeated on every page",
            with(vec![file(
                "kostnader.csv",
                "Ansvar;Verksamhet;Konto;Belopp\n4110;510;5011;1 000 000,00\n4110;510;6110;200 000,00\nAnsvar;Verksamhet;Konto;Belopp\n4120;510;5011;900 000,00\n4210;520;5011;3 000 000,00\n4100;500;5011;100 000,00\n",
            )]),
        )
        .want("upprepad-rubrik", "kostnader.csv", 4, None)
        .not(&["inte-ett-tal"])
        .check(|_, r| assert_eq!(ledger_total(r), d("5200000"))),
    );
    all.push(
        case(
            "subtotal rows",
            with(vec![file(
                "kostnader.csv",
                "Ansvar;Verksamhet;Konto;Belopp\n4110;510;5011;1 000 000,00\n4110;510;6110;200 000,00\nSumma 4110;;;1 200 000,00\n4120;510;5011;900 000,00\n4210;520;5011;3 000 000,00\n4100;500;5011;100 000,00\nTotalt;;;5 200 000,00\n",
            )]),
        )
        .want("summarad", "kostnader.csv", 4, None)
        .want("summarad", "kostnader.csv", 8, None)
        .check(|ds, r| {
            assert_eq!(ledger_total(r), d("5200000"), "the sums are not counted");
            let f = ds.findings.iter().find(|f| f.kind.code() == "summarad").unwrap();
            assert_eq!((f.count, f.more_lines.clone()), (2, vec![8]), "one finding for the file: {f:?}");
            assert_eq!(f.message(), "Summeringsrader som \"Summa 4110\" räknas inte.");
            assert_eq!(f.enhet, None, "a subtotal belongs to no enhet");
        }),
    );
    all.push(
        case(
            "a file cut off in the middle of a row",
            with(vec![file("kostnader.csv", "Ansvar;Verksamhet;Konto;Belopp\n4110;510;5011;1 000 000,00\n4110;510")]),
        )
        .want("avklippt-fil", "kostnader.csv", 3, None)
        .want("kort-rad", "kostnader.csv", 3, None),
    );

    // --- Numbers and units -------------------------------------------------------------
    all.push(
        case(
            "132.993 alone: point as thousands separator, flagged",
            with(vec![file(
                "kostnader.csv",
                "Ansvar;Verksamhet;Konto;Belopp\n4110;510;5011;1000000\n4110;510;6110;132.993\n4120;510;5011;900000\n4210;520;5011;3000000\n4100;500;5011;100000\n",
            )]),
        )
        .want("tvetydigt-tal", "kostnader.csv", 3, Some(4))
        .check(|ds, _| assert_eq!(ds.ledger[1].belopp, d("132993"))),
    );
    all.push(
        case(
            "132.993 among decimal points: read as 132,993",
            with(vec![file(
                "kostnader.csv",
                "Ansvar;Verksamhet;Konto;Belopp\n4110;510;5011;1000000.50\n4110;510;6110;132.993\n4120;510;5011;900000.25\n",
            )]),
        )
        .want("decimalpunkt", "kostnader.csv", 3, Some(4))
        .not(&["tvetydigt-tal"])
        .check(|ds, _| assert_eq!(ds.ledger[1].belopp, d("132.993"))),
    );
    all.push(
        case(
            "1.620 hours among decimal commas: 1 620 hours",
            with(vec![file("brukare.csv", BRUKARE.replace(";200;", ";1.620;").replace(";150;", ";150,5;"))]),
        )
        .not(&["tvetydigt-tal", "decimalpunkt"])
        .check(|ds, _| assert!(ds.volumes.iter().any(|v| v.volume() == Some(d("1620"))))),
    );
    all.push(
        case("amounts in öre", with(vec![file("kostnader.csv", KOSTNADER.replace("Belopp", "Belopp (öre)"))]))
            .want("enhet-i-rubrik", "kostnader.csv", 1, Some(4))
            .check(|_, r| assert_eq!(ledger_total(r), d("52000"))),
    );
    all.push(
        case("amounts in tkr", with(vec![file("kostnader.csv", KOSTNADER.replace("Belopp", "Belopp, tkr"))]))
            .want("enhet-i-rubrik", "kostnader.csv", 1, Some(4))
            .check(|_, r| assert_eq!(ledger_total(r), d("5200000000"))),
    );
    all.push(
        case("hours in minutes", with(vec![file("brukare.csv", BRUKARE.replace(";Volym;", ";Tid (min);"))]))
            .want("enhet-i-rubrik", "brukare.csv", 1, Some(6))
            .check(|ds, _| assert_eq!(ds.volumes[0].volume(), Some(d("100") / d("60")))),
    );
    all.push(
        case(
            "an amount column headed in hours",
            with(vec![file("kostnader.csv", KOSTNADER.replace("Belopp", "Belopp (timmar)"))]),
        )
        .want("enhet-passar-inte", "kostnader.csv", 1, Some(4))
        .want("kolumn-saknas", "kostnader.csv", 1, None)
        .check(|ds, _| assert_eq!(ds.files[2].status, FileStatus::NeedsMapping)),
    );
    all.push(
        case(
            "dygn in a column of minutes",
            with(vec![file(
                "brukare.csv",
                BRUKARE.replace(";Volym;", ";Beviljade minuter;").replace(";365;", ";525600;"),
            )]),
        )
        .want("fel-volymenhet", "brukare.csv", 5, Some(6)),
    );
    all.push(
        case(
            "brukar-id damaged by Excel (1,93804E+11)",
            with(vec![file(
                "brukare.csv",
                "Brukare;Födelseår;Kön;Insats;Enhet;Volym;Period\n1,93804E+11;1931;K;Hemtjänst;HT1;100;2025-01\n1,93804E+11;1935;M;Hemtjänst;HT1;200;2025-01\nB3;1940;K;Hemtjänst;HT2;150;2025-02\nB4;1928;K;Vård- och omsorgsboende;SB1;365;2025\nB5;1930;M;Vård- och omsorgsboende;SB1;300;2025\n",
            )]),
        )
        .want("excel-exponent", "brukare.csv", 2, Some(1))
        .check(|ds, _| {
            let f = ds.findings.iter().find(|f| f.kind.code() == "excel-exponent").unwrap();
            assert_eq!((f.count, f.more_lines.clone()), (2, vec![3]));
            assert_eq!(ds.clients.len(), 3, "the damaged ids are not merged into one client");
        }),
    );
    all.push(
        case("a volume of 1e12 hours", with(vec![file("brukare.csv", BRUKARE.replace(";200;", ";1000000000000;"))]))
            .want("orimligt-tal", "brukare.csv", 3, Some(6))
            .check(|_, r| {
                assert_eq!(r.units.iter().find(|u| u.enhet == "HT1").unwrap().volume, d("100"));
                assert!(unit_cost(r, "HT1").unwrap() > d("12000"), "the row is out, not 0,00 kr per hour");
            }),
    );
    all.push(
        case(
            "an OCR number (16 digits) in the amount column",
            with(vec![file("kostnader.csv", KOSTNADER.replace("200 000,00", "1234567890123456"))]),
        )
        .want("orimligt-tal", "kostnader.csv", 3, Some(4)),
    );
    all.push(
        case(
            "two values near Decimal's limit (7,9e28)",
            with(vec![file(
                "kostnader.csv",
                "Ansvar;Verksamhet;Konto;Belopp\n4110;510;5011;79000000000000000000000000000\n4110;510;6110;79000000000000000000000000000\n4120;510;5011;900 000,00\n",
            )]),
        )
        .want("orimligt-tal", "kostnader.csv", 2, Some(4))
        .want("orimligt-tal", "kostnader.csv", 3, Some(4)),
    );
    all.push(
        case(
            "an exponent of 999 999 999",
            with(vec![file("kostnader.csv", KOSTNADER.replace("200 000,00", "0e999999999"))]),
        )
        .want("for-stort-tal", "kostnader.csv", 3, Some(4)),
    );
    all.push(
        case("text in a number column", with(vec![file("brukare.csv", BRUKARE.replace(";200;", ";ca 8;"))])).want(
            "inte-ett-tal",
            "brukare.csv",
            3,
            Some(6),
        ),
    );

    // --- The same data twice, and years ------------------------------------------------
    all.push(
        case("the same ledger twice (kostnader (1).csv)", with(vec![file("kostnader (1).csv", KOSTNADER)]))
            .want_file("dubblettfil", "kostnader (1).csv")
            .check(|ds, r| {
                assert_eq!(
                    ds.files.iter().find(|f| f.name == "kostnader (1).csv").unwrap().status,
                    FileStatus::Duplicate
                );
                assert_eq!(ledger_total(r), d("5200000"), "not doubled");
            }),
    );
    all.push(
        case(
            "the same ledger with other line endings",
            with(vec![file("kostnader kopia.csv", KOSTNADER.replace('\n', "\r\n"))]),
        )
        .want_file("dubblettfil", "kostnader kopia.csv")
        .check(|_, r| assert_eq!(ledger_total(r), d("5200000"))),
    );
    all.push(
        case(
            "the same ledger as .csv and as .xlsx",
            with(vec![file(
                "kostnader.xlsx",
                xlsx(&[
                    &["Ansvar", "Verksamhet", "Konto", "Belopp"],
                    &["4110", "510", "5011", "1000000"],
                    &["4110", "510", "6110", "200000"],
                    &["4120", "510", "5011", "900000"],
                    &["4210", "520", "5011", "3000000"],
                    &["4100", "500", "5011", "100000"],
                ]),
            )]),
        )
        .want_file("dubblettfil", "kostnader.xlsx")
        .check(|_, r| assert_eq!(ledger_total(r), d("5200000"))),
    );
    all.push(
        case(
            "two ledgers that share rows",
            with(vec![file(
                "kostnader del 2.csv",
                "Ansvar;Verksamhet;Konto;Belopp\n4120;510;5011;900 000,00\n4110;510;5011;12,00\n",
            )]),
        )
        .want("overlappande-filer", "kostnader del 2.csv", 2, None),
    );
    all.push(
        case(
            "rows of another year",
            with(vec![file(
                "brukare.csv",
                BRUKARE.replace("B3;1940;K;Hemtjänst;HT2;150;2025-02", "B3;1940;K;Hemtjänst;HT2;150;2024-12"),
            )]),
        )
        .want("annat-ar", "brukare.csv", 4, None)
        .check(|_, r| {
            let f = r.findings.iter().find(|f| f.kind.code() == "annat-ar").unwrap();
            assert_eq!(f.severity, kpb::Severity::Varning);
        }),
    );
    all.push(
        case(
            "a ledger titled Utfall 2025 beside volumes of 2024",
            with(vec![
                file("kostnader.csv", format!("Utfall 2025\n\n{KOSTNADER}")),
                file("brukare.csv", BRUKARE.replace("2025", "2024")),
            ]),
        )
        .year(None)
        .want_file("ar-motstridigt", "brukare.csv")
        .check(|_, r| {
            assert_eq!(r.year, 2024);
            assert!(r.year_basis.contains("brukare.csv"), "{}", r.year_basis);
        }),
    );
    all.push(
        case(
            "no year anywhere",
            with(vec![file(
                "brukare.csv",
                BRUKARE.replace(";Period", "").replace(";2025-01", "").replace(";2025-02", "").replace(";2025\n", "\n"),
            )]),
        )
        .year(None)
        .want("ar-gissat", "", 0, None)
        .check(|_, r| assert_eq!(r.year, 2025, "the year before the year read")),
    );

    // --- Units with volume and no cost -------------------------------------------------
    all.push(
        case(
            "a unit with volume and no cost",
            with(vec![file("kostnader.csv", KOSTNADER.replace("4120;510;5011;900 000,00\n", ""))]),
        )
        .want("volym-utan-kostnad", "brukare.csv", 4, None)
        .check(|_, r| {
            let u = r.units.iter().find(|u| u.enhet == "HT2").unwrap();
            assert_eq!((u.unit_cost, u.error.as_deref()), (None, Some("volym men ingen kostnad")));
            let s = r.insatser.iter().find(|s| s.insats == kpb::Insats::Hemtjanst).unwrap();
            assert_eq!(s.volume, d("300"), "HT2's 150 hours are left out of the municipality's figure");
            let n = r.nyckeltal.iter().find(|n| n.id == "U21003").unwrap();
            assert_eq!(n.denominator, d("300"));
            assert!(n.by_enhet.iter().any(|e| e.enhet == "HT2" && e.value.is_none() && e.error.is_some()));
        }),
    );

    // --- Files that are not what they seem ---------------------------------------------
    all.push(case("an empty file", with(vec![file("brukare.csv", "")])).want_file("tom-fil", "brukare.csv"));
    all.push(
        case(
            "a binary file",
            with(vec![file("brukare.csv", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0".to_vec())]),
        )
        .want_file("binar-fil", "brukare.csv"),
    );
    all.push(
        case("only a header", with(vec![file("brukare.csv", "Brukare;Födelseår;Kön;Insats;Enhet;Volym;Period\n")]))
            .want("bara-rubrik", "brukare.csv", 1, None),
    );
    let mut far = rust_xlsxwriter::Workbook::new();
    let sheet = far.add_worksheet();
    for (r, row) in [["Ansvar", "Verksamhet", "Konto", "Belopp"], ["4110", "510", "5011", "1000000"]].iter().enumerate()
    {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    all.push(
        case("an .xlsx with a cell at XFD1048576", with(vec![file("kostnader.xlsx", far.save_to_buffer().unwrap())]))
            .want("lang-rad", "kostnader.xlsx", 1_048_576, None),
    );
    all.push(
        case("an .xlsx zip bomb", with(vec![file("zipbomb.xlsx", std::fs::read(bad("zipbomb.xlsx")).unwrap())]))
            .want_file("trasig-xlsx", "zipbomb.xlsx"),
    );
    all.push(
        case("a broken workbook", with(vec![file("trasig.xlsx", std::fs::read(bad("trasig.xlsx")).unwrap())]))
            .want_file("trasig-xlsx", "trasig.xlsx"),
    );

    // --- Found by a tester with real extracts in mind ------------------------------------
    all.push(
        case(
            "a row-number column headed Id before the client column",
            with(vec![file("brukare.csv", BRUKARE.replace("Brukare;", "Id;Brukare;").replace("\nB", "\n7;B"))]),
        )
        .check(|ds, _| assert_eq!(ds.clients.len(), 5, "the clients are B1–B5, not the row numbers")),
    );
    all.push(
        case("amounts written 1 000 000,- (no öre)", with(vec![file("kostnader.csv", KOSTNADER.replace(",00", ",-"))]))
            .not(&["inte-ett-tal"])
            .check(|_, r| assert_eq!(ledger_total(r), d("5200000"), "not negative")),
    );
    all.push(
        case(
            "unquoted decimal commas in a comma-separated file with an empty last column",
            with(vec![file(
                "brukare.csv",
                "Brukare,Födelseår,Kön,Insats,Enhet,Volym,Period,Kommentar\nB1,1931,K,Hemtjänst,HT1,100,5,2025-01,\nB2,1935,M,Hemtjänst,HT1,200,2025-01,\nB3,1940,K,Hemtjänst,HT2,150,2025-02,\nB4,1928,K,Vård- och omsorgsboende,SB1,365,2025,\nB5,1930,M,Vård- och omsorgsboende,SB1,300,2025,\n",
            )]),
        )
        .want("lang-rad", "brukare.csv", 2, Some(9)),
    );
    all.push(
        case(
            "a subtotal per konto class, later on the row",
            with(vec![file(
                "kostnader.csv",
                "Ansvar;Verksamhet;Konto;Text;Belopp\n4110;510;5011;Löner;1 000 000,00\n4110;510;5;Summa personalkostnader;1 000 000,00\n4110;510;6110;Hyra;200 000,00\n4120;510;5011;Löner;900 000,00\n4210;520;5011;Löner;3 000 000,00\n4100;500;5011;Löner;100 000,00\n",
            )]),
        )
        .want("summarad", "kostnader.csv", 3, None)
        .check(|_, r| assert_eq!(ledger_total(r), d("5200000"))),
    );
    all.push(
        case(
            "a client's year beside its months",
            with(vec![file("brukare.csv", format!("{BRUKARE}B1;1931;K;Hemtjänst;HT1;1200;2025\n"))]),
        )
        .want("ar-och-manader", "brukare.csv", 7, None),
    );
    all.push(
        case(
            "a workbook with a budget sheet and an outcome sheet",
            with(vec![file("kostnader.xlsx", {
                let mut book = rust_xlsxwriter::Workbook::new();
                for (name, amount) in [("Budget 2025", 9.0), ("Utfall 2025", 1.0)] {
                    let sheet = book.add_worksheet().set_name(name).unwrap();
                    for (c, h) in ["Ansvar", "Verksamhet", "Konto", "Belopp"].iter().enumerate() {
                        sheet.write_string(0, c as u16, *h).unwrap();
                    }
                    for (r, (a, k, b)) in
                        [("4110", "5011", 1_000_000.0), ("4120", "5011", 900_000.0)].iter().enumerate()
                    {
                        sheet.write_string(r as u32 + 1, 0, *a).unwrap();
                        sheet.write_string(r as u32 + 1, 2, *k).unwrap();
                        sheet.write_number(r as u32 + 1, 3, b * amount).unwrap();
                    }
                }
                book.save_to_buffer().unwrap()
            })]),
        )
        .want_file("fler-blad", "kostnader.xlsx")
        .check(|ds, _| {
            let f = ds.findings.iter().find(|f| f.kind.code() == "fler-blad").unwrap();
            assert_eq!(
                f.message(),
                "Arbetsboken kostnader.xlsx har fler blad med data (Utfall 2025); bara bladet Budget 2025 lästes."
            );
        }),
    );
    let mut headerless = case(
        "a ledger without a header row, its columns mapped by the user",
        with(vec![file("kostnader.csv", KOSTNADER.split_once('\n').unwrap().1)]),
    );
    headerless.import.kinds.insert("kostnader.csv".into(), kpb::import::schema::FileKind::Kostnader);
    headerless.import.columns.insert(
        kpb::import::schema::FileKind::Kostnader,
        [("ansvar", "Kolumn 1"), ("verksamhet", "Kolumn 2"), ("konto", "Kolumn 3"), ("belopp", "Kolumn 4")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    );
    all.push(headerless.check(|ds, r| {
        let f = ds.files.iter().find(|f| f.name == "kostnader.csv").unwrap();
        assert_eq!((f.header_line, f.rows, f.rows_used), (0, 5, 5), "no row taken for a header");
        assert_eq!(f.headers[0], "Kolumn 1");
        assert_eq!(ledger_total(r), d("5200000"));
    }));
    all.push(
        case(
            "a ledger whose period column says another year",
            with(vec![file(
                "kostnader.csv",
                KOSTNADER
                    .replace("Belopp\n", "Belopp;Period\n")
                    .replace(",00\n", ",00;202503\n")
                    .replacen(";202503", ";202412", 1),
            )]),
        )
        .want("annat-ar", "kostnader.csv", 2, None)
        .check(|_, r| {
            let line = r.reconciliation.lines.iter().find(|l| l.key.code() == "annat-ar").unwrap();
            assert_eq!(line.amount, d("1000000"));
        }),
    );
    all.push(
        case(
            "a date in an amount column",
            with(vec![file("kostnader.csv", KOSTNADER.replace("200 000,00", "1.5.2025"))]),
        )
        .want("inte-ett-tal", "kostnader.csv", 3, Some(4)),
    );
    all.push(
        case(
            "a decision id taken for the insats",
            with(vec![file("brukare.csv", {
                let mut t = String::from("Brukare;Insats;Enhet;Volym;Period\n");
                for i in 0..2_000 {
                    t.push_str(&format!("B{};Beslut {i};HT1;10;2025-01\n", i % 50));
                }
                t
            })]),
        )
        .want_file("manga-okanda-insatser", "brukare.csv")
        .check(|ds, _| assert_eq!(ds.unknown_insatser.len(), 100, "only the most common are listed for mapping")),
    );
    all.push(
        case(
            "stays dated by Excel serial days",
            with(vec![file(
                "brukare.csv",
                format!("{BRUKARE}B6;1930;M;Vård- och omsorgsboende;SB1;;;45658;45688\n")
                    .replace("Volym;Period\n", "Volym;Period;Från;Till\n"),
            )]),
        )
        .not(&["felaktigt-datum"]),
    );
    let mut sheet = rust_xlsxwriter::Workbook::new();
    let ws = sheet.add_worksheet().set_name("19380412-1238").unwrap();
    for (r, row) in [["Ansvar", "Konto", "Belopp"], ["4110", "5011", "tolv"]].iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    all.push(
        case("a sheet named by a personnummer", with(vec![file("blad.xlsx", sheet.save_to_buffer().unwrap())]))
            .want("inte-ett-tal", "blad.xlsx", 2, Some(3))
            .check(|_, r| {
                let f = r.findings.iter().find(|f| f.pos.file == "blad.xlsx").unwrap();
                assert!(!contains_personnummer(&f.pos.to_string()), "{}", f.pos);
            }),
    );

    all.push(
        case(
            "a ledger with debet and kredit instead of belopp",
            with(vec![file(
                "kostnader.csv",
                "Ansvar;Verksamhet;Konto;Debet;Kredit\n4110;510;5011;1 000 000,00;\n4110;510;6110;250 000,00;50 000,00\n4120;510;5011;900 000,00;0\n4210;520;5011;3 000 000,00;\n4100;500;5011;100 000,00;\n",
            )]),
        )
        .not(&["kolumn-saknas"])
        .check(|_, r| assert_eq!(ledger_total(r), d("5200000"))),
    );
    all.push(
        case(
            "minutes in a column of hours",
            with(vec![
                file(
                    "brukare.csv",
                    BRUKARE.replace(";100;", ";6000;").replace(";200;", ";8000;").replace(";150;", ";8000;"),
                ),
                file(
                    "kostnader.csv",
                    KOSTNADER.replace("1 000 000,00", "100 000,00").replace("900 000,00", "90 000,00"),
                ),
            ]),
        )
        .want("orimlig-styckkostnad", "brukare.csv", 2, None),
    );

    // --- Personnummer in every spelling, in every column -------------------------------
    all.push(personnummer_everywhere());

    // --- Many clients in one unit: every check linear ----------------------------------
    let mut many = String::from("Brukare;Insats;Enhet;Beviljad tid;Utförd tid;Period\n");
    for c in 0..40_000 {
        many.push_str(&format!("C{c};Hemtjänst;HT1;10;{};2025-03\n", if c % 2 == 0 { 12 } else { 9 }));
    }
    all.push(
        case("40 000 clients in one unit", with(vec![file("brukare.csv", many)]))
            .want("over-beviljat", "brukare.csv", 2, None)
            .check(|ds, _| assert_eq!(ds.clients.len(), 40_000)),
    );
    all
}

fn bad(name: &str) -> String {
    format!("{}/tests/data/bad/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Skatteverket's test numbers and invented ones, in the spellings Excel and case systems write.
const SPELLINGS: [&str; 14] = [
    "19121212-1212",
    "19121212–1212",
    "19121212/1212",
    "12-12-12-1212",
    "'191212121212",
    "191212121212.0",
    "=\"191212121212\"",
    "19400230-1234",
    "501011233",
    "050101-1233",
    "19701063-2391",
    "1912 12 12 1212",
    "121212+1212",
    "20050101—1233",
];

fn personnummer_everywhere() -> Case {
    let mut brukare = String::from("Brukare;Födelseår;Kön;Insats;Enhet;Volym;Period\n");
    let mut kostnader = KOSTNADER.replace("Belopp\n", "Belopp;Brukare\n").replace(",00\n", ",00;\n");
    for (i, p) in SPELLINGS.iter().enumerate() {
        let q = if p.contains(['"', ';']) { format!("\"{}\"", p.replace('"', "\"\"")) } else { p.to_string() };
        brukare.push_str(&format!("{q};1940;K;Hemtjänst;HT1;{};2025-01\n", 10 + i));
        // In the enhet column, and as an insats the catalogue does not have.
        brukare.push_str(&format!("B{i};1940;K;Hemtjänst;{q};5;2025-01\n"));
        brukare.push_str(&format!("B{i};1940;K;Fotvård {q};5;HT1;2025-01\n"));
        // In the ansvar, the konto and the brukare column of the ledger.
        kostnader.push_str(&format!("{q};510;5011;100;\n4110;510;{q};100;\n4110;510;5011;100;{q}\n"));
    }
    let mut c = case(
        "personnummer in every spelling in every column",
        with(vec![
            file("brukare.csv", brukare),
            file("kostnader.csv", kostnader),
            file("19121212-1212 extra.csv", "Ansvar;Konto;Belopp\n19121212-1212;5011;1\n"),
        ]),
    );
    c.check = Some(Box::new(|ds: &Dataset, r: &Report| {
        // At least the clients B0, B1, … and one for the personnummer spellings; the five files.
        assert!(ds.clients.len() > SPELLINGS.len(), "{} clients", ds.clients.len());
        assert!(ds.clients.iter().all(|c| !contains_personnummer(&c.id)));
        assert_eq!(r.files.len(), 5);
        assert!(r.files.iter().all(|f| !contains_personnummer(&f.name)), "file names are masked");
    }));
    c
}

/// Every output of the report, as text: the report and the first page of each list of brukare as
/// the page gets them (JSON), every export table as CSV, the Excel workbook's cells, the network
/// file.
fn outputs(report: &Report) -> Vec<(String, String)> {
    let meta = Meta {
        organisation: "Testkommun".into(),
        status: Status::Preliminar,
        created: (2026, 12, 1, 9, 0),
        validation: Default::default(),
    };
    let mut out = vec![
        ("rapporten".to_owned(), serde_json::to_string(&report.for_display()).unwrap()),
        ("hela rapporten".to_owned(), serde_json::to_string(report).unwrap()),
    ];
    for list in [ClientList::WithCost, ClientList::Ytterfall(None)] {
        let query = ClientQuery { list, search: String::new(), sort: ClientSort::Cost, descending: true, page: 0 };
        out.push((format!("listan {list:?}"), serde_json::to_string(&report.client_page(&query)).unwrap()));
    }
    let tables = kpb::export::tables(report, &meta);
    for t in &tables {
        out.push((format!("{}.csv", t.name), String::from_utf8(kpb::export::csv(t)).unwrap()));
    }
    let book = kpb::export::xlsx(&tables, &meta, report.year).unwrap();
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(book)).unwrap();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let text: Vec<String> = range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
        out.push((format!("Excel-bladet {name}"), text.join("\n")));
    }
    out.push(("nätverksfilen".to_owned(), kpb::compare::network::write(report, ("0000", "Test"), "Preliminär", 1)));
    out
}

/// The lines a finding names.
fn lines_of(f: &kpb::Finding) -> impl Iterator<Item = u32> + '_ {
    f.pos.line.into_iter().chain(f.more_lines.iter().copied())
}

/// Every physical line of every text file is the header or above it, blank, or a row that
/// became data or has a finding naming it.
fn accounted(case: &Case, ds: &Dataset) {
    for (input, report) in case.files.iter().zip(&ds.files) {
        if report.status != FileStatus::Read {
            assert!(
                ds.findings.iter().any(|f| f.pos.file == report.name) || report.status == FileStatus::Replaced,
                "{}: {} not read, without a finding",
                case.name,
                report.name
            );
            continue;
        }
        let used: BTreeSet<u32> = match report.kind {
            Some(kpb::import::schema::FileKind::Kostnader) => {
                ds.ledger.iter().filter(|r| ds.file_name(r.file) == report.name).map(|r| r.line).collect()
            }
            Some(kpb::import::schema::FileKind::Brukare) => {
                ds.volumes.iter().filter(|r| ds.file_name(r.file) == report.name).map(|r| r.line).collect()
            }
            Some(kpb::import::schema::FileKind::Mappning) => ds.org.rules().iter().map(|r| r.line).collect(),
            Some(kpb::import::schema::FileKind::Konton) => ds.konton.rules.iter().filter_map(|r| r.line).collect(),
            _ => continue,
        };
        let named: BTreeSet<u32> =
            ds.findings.iter().filter(|f| f.pos.file == report.name).flat_map(lines_of).collect();
        assert_eq!(
            report.lines,
            report.header_line + report.blank + report.rows + report.continued,
            "{}: {} lines do not add up: {report:?}",
            case.name,
            report.name
        );
        if !input.name.ends_with(".xlsx") {
            // The physical lines, counted here without the engine's reader.
            let text = String::from_utf8_lossy(&input.bytes);
            let mut pieces: Vec<&str> = text.split("\r\n").flat_map(|l| l.split(['\r', '\n'])).collect();
            if pieces.last() == Some(&"") {
                pieces.pop();
            }
            assert_eq!(report.lines as usize, pieces.len(), "{}: {}", case.name, report.name);
        }
        let sheet = match kpb::import::decode::decode(&input.bytes) {
            kpb::import::decode::Content::Text { text, .. } => kpb::import::sheet::Sheet::csv(&report.name, text),
            _ => continue,
        };
        // Rows neither data nor named: a finding that repeats more often than it lists its
        // lines must count them.
        let mut unnamed = 0u32;
        sheet.read(Some(report.headers.len()), |item| {
            if let Item::Row { line, .. } | Item::TooLong { line, .. } = item
                && line > report.header_line
                && !used.contains(&line)
                && !named.contains(&line)
            {
                unnamed += 1;
            }
            true
        });
        let counted: u32 = ds
            .findings
            .iter()
            .filter(|f| f.pos.file == report.name)
            .map(|f| f.count - 1 - f.more_lines.len() as u32)
            .sum();
        assert!(unnamed <= counted, "{}: {}: {unnamed} rows neither data nor in a finding", case.name, report.name);
    }
}

#[test]
fn every_kind_of_bad_file() {
    let all = cases();
    assert!(all.len() >= 40, "{} kinds", all.len());
    let mut failures = Vec::new();
    for case in &all {
        let input: usize = case.files.iter().map(|f| f.bytes.len()).sum();
        PEAK.store(NOW.load(Ordering::Relaxed), Ordering::Relaxed);
        let base = NOW.load(Ordering::Relaxed);
        let start = Instant::now();
        let ds = load(&case.files, &case.import);
        let report = compute(&ds, &case.settings);
        let elapsed = start.elapsed();
        let peak = PEAK.load(Ordering::Relaxed) - base;
        eprintln!("{:>8.0} ms {:>6} MB peak  {}", elapsed.as_secs_f64() * 1000.0, peak >> 20, case.name);
        // Bounded: generous limits (an unoptimised build), far below a freeze or a blow-up.
        assert!(elapsed < Duration::from_secs(20), "{}: {elapsed:?}", case.name);
        assert!(peak < 128 * 1024 * 1024 + 16 * input, "{}: {peak} bytes at the peak for {input} bytes in", case.name);

        for w in &case.want {
            let found = report.findings.iter().any(|f| {
                f.kind.code() == w.kind
                    && f.pos.file == w.file
                    && (w.line.is_none()
                        || w.line == Some(0) && f.pos.line.is_none()
                        || lines_of(f).any(|l| Some(l) == w.line))
                    && (w.column.is_none() || f.pos.column == w.column)
            });
            if !found {
                let got: Vec<String> = report
                    .findings
                    .iter()
                    .map(|f| format!("{} [{}] {:?} {:?}", f.pos, f.kind.code(), f.pos.line, f.pos.column))
                    .collect();
                failures.push(format!(
                    "{}: no {} in {} line {:?} column {:?}; got:\n  {}",
                    case.name,
                    w.kind,
                    w.file,
                    w.line,
                    w.column,
                    got.join("\n  ")
                ));
            }
        }
        for kind in &case.not {
            if let Some(f) = report.findings.iter().find(|f| f.kind.code() == *kind) {
                failures.push(format!("{}: unexpected {kind}: {f}", case.name));
            }
        }
        accounted(case, &ds);
        if let Some(check) = &case.check {
            check(&ds, &report);
        }
        for (what, text) in outputs(&report) {
            assert!(!contains_personnummer(&text), "{}: a personnummer in {what}: {}", case.name, excerpt(&text));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Where in a text a personnummer is, for the failure message.
fn excerpt(text: &str) -> String {
    // The shortest prefix that holds one: the match ends there.
    let ends: Vec<usize> = text.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
    let at = ends.partition_point(|&end| !contains_personnummer(&text[..end]));
    let end = ends.get(at).copied().unwrap_or(text.len());
    let start = text[..end].char_indices().rev().nth(80).map_or(0, |(i, _)| i);
    format!("…{}…", &text[start..end])
}
