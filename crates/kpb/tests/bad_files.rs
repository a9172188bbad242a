//! A corpus of bad files: each gives its own clear message, with file, line and column where
//! one row is at fault, and none panics.

use kpb::finding::Severity;
use kpb::import::{FileStatus, ImportSettings, InputFile, load};

fn read(name: &str) -> InputFile {
    let path = format!("{}/tests/data/bad/{name}", env!("CARGO_MANIFEST_DIR"));
    InputFile { name: name.into(), bytes: std::fs::read(&path).unwrap() }
}

/// Loads one bad file and returns its single most important finding (the first error, or the
/// first finding).
fn check(name: &str, kind: &str) -> kpb::Finding {
    let data = load(&[read(name)], &ImportSettings::default());
    let found = data.findings.iter().find(|f| f.kind.code() == kind).cloned();
    found.unwrap_or_else(|| panic!("{name}: no finding of kind {kind}; got {:#?}", data.findings))
}

#[test]
fn empty_file() {
    let f = check("tom.csv", "tom-fil");
    assert_eq!(f.message(), "Filen tom.csv är tom.");
    assert_eq!(f.severity, Severity::Fel);
}

#[test]
fn only_a_header() {
    let f = check("bara-rubrik.csv", "bara-rubrik");
    assert_eq!(f.message(), "Filen bara-rubrik.csv har rubriker men inga rader.");
    assert_eq!(f.pos.line, Some(1));
}

#[test]
fn binary_file() {
    let f = check("binar.bin", "binar-fil");
    assert_eq!(f.message(), "Filen binar.bin är ingen textfil (CSV) och ingen Excel-fil (.xlsx).");
}

#[test]
fn broken_workbook() {
    let f = check("trasig.xlsx", "trasig-xlsx");
    assert!(f.message().starts_with("Filen trasig.xlsx kunde inte läsas som Excel-arbetsbok"), "{}", f.message());
}

#[test]
fn missing_column_is_named() {
    let data = load(&[read("kolumn-saknas.csv")], &ImportSettings::default());
    assert_eq!(data.files[0].status, FileStatus::NeedsMapping);
    assert_eq!(data.files[0].kind, Some(kpb::import::schema::FileKind::Kostnader));
    let f = check("kolumn-saknas.csv", "kolumn-saknas");
    assert_eq!(f.message(), "Filen kolumn-saknas.csv (Kostnader (utdrag ur ekonomisystemet)) saknar kolumnen Belopp.");
}

#[test]
fn unrecognised_headers() {
    let data = load(&[read("okand.csv")], &ImportSettings::default());
    assert_eq!(data.files[0].status, FileStatus::NeedsMapping);
    assert_eq!(data.findings[0].kind.code(), "okand-filtyp");
    assert_eq!(data.findings[0].pos.line, Some(1));
}

#[test]
fn text_in_a_number_column() {
    let f = check("text-i-tal.csv", "inte-ett-tal");
    assert_eq!(f.pos.to_string(), "text-i-tal.csv, rad 3, kolumn 3 (Belopp)");
    assert_eq!(f.message(), "\"ca 500\" är inte ett tal.");
    let data = load(&[read("text-i-tal.csv")], &ImportSettings::default());
    assert_eq!(data.ledger.len(), 1, "the good row is kept, the bad one is not");
}

#[test]
fn huge_number() {
    let f = check("for-stort.csv", "for-stort-tal");
    assert_eq!(f.pos.to_string(), "for-stort.csv, rad 2, kolumn 3 (Belopp)");
}

#[test]
fn truncated_file() {
    let f = check("avklippt.csv", "avklippt-fil");
    assert_eq!(f.pos.line, Some(3));
    assert_eq!(f.message(), "Filen avklippt.csv slutar mitt i en rad; den verkar vara avklippt.");
    let short = check("avklippt.csv", "kort-rad");
    assert_eq!(short.pos.line, Some(3));
}

#[test]
fn windows_1252_reads_right() {
    let data = load(&[read("windows1252.csv")], &ImportSettings::default());
    assert_eq!(data.files[0].encoding.as_deref(), Some("Windows-1252"));
    assert_eq!(data.volumes.len(), 1);
    assert_eq!(data.enhet_codes, vec!["Öster".to_string()]);
    assert!(data.findings.is_empty(), "{:#?}", data.findings);
}

#[test]
fn double_encoded_utf8_is_repaired_with_a_warning() {
    let f = check("dubbelkodad.csv", "dubbelkodad");
    assert_eq!(f.severity, Severity::Varning);
    let data = load(&[read("dubbelkodad.csv")], &ImportSettings::default());
    assert_eq!(data.volumes.len(), 1);
    assert_eq!(data.volumes[0].insats, kpb::Insats::SarskiltBoende);
}

/// Every file of the corpus together, in one load: nothing panics, every file is accounted for.
#[test]
fn the_whole_corpus_at_once() {
    let dir = format!("{}/tests/data/bad", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    let files: Vec<InputFile> = names.iter().map(|n| read(n)).collect();
    let data = load(&files, &ImportSettings::default());
    assert_eq!(data.files.len(), files.len());
    let report = kpb::compute(&data, &kpb::Settings::default());
    assert_eq!(report.files.len(), files.len());
}

#[test]
fn a_windows_1252_line_in_a_utf8_file_is_read_as_such_and_said() {
    // The example's brukare.csv (UTF-8) with its line 3001 saved as Windows-1252: every row is
    // read as in the file, and the line is named.
    let path = format!("{}/../../public/exempel/brukare.csv", env!("CARGO_MANIFEST_DIR"));
    let utf8 = std::fs::read(&path).unwrap();
    let text = String::from_utf8(utf8.clone()).unwrap();
    let mut mixed = Vec::new();
    for (n, line) in text.split_inclusive('\n').enumerate() {
        if n + 1 == 3001 {
            assert!(!line.is_ascii(), "{line}");
            mixed.extend(line.chars().map(|c| u8::try_from(u32::from(c)).unwrap()));
        } else {
            mixed.extend(line.as_bytes());
        }
    }
    let read = |bytes: Vec<u8>| load(&[InputFile { name: "brukare.csv".into(), bytes }], &ImportSettings::default());
    let (whole, with_line) = (read(utf8), read(mixed));
    assert_eq!(with_line.volumes.len(), whole.volumes.len());
    assert_eq!(with_line.files[0].rows_used, whole.files[0].rows_used);
    assert_eq!(with_line.files[0].encoding.as_deref(), Some("UTF-8, några rader Windows-1252"));
    let f = with_line.findings.iter().find(|f| f.kind.code() == "blandad-kodning").expect("said");
    assert_eq!((f.pos.line, f.count, f.severity), (Some(3001), 1, Severity::Varning));
    assert_eq!(
        f.message(),
        "Filen brukare.csv är UTF-8, men raden var i en annan teckenkodning (Windows-1252); den lästes som sådan."
    );
}
