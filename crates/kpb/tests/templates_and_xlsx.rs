//! The templates the app offers are read without a single error, and Excel workbooks are read
//! directly: numbers as numbers, dates as dates, the sheet and row numbers as Excel shows them.

use kpb::import::schema::FileKind;
use kpb::import::{FileStatus, ImportSettings, InputFile, Span, load};
use kpb::{Insats, Severity};
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

#[test]
fn every_template_reads_cleanly_as_its_kind() {
    let dir = format!("{}/../../public/mallar", env!("CARGO_MANIFEST_DIR"));
    let expect = [
        ("kostnader.csv", FileKind::Kostnader),
        ("brukare.csv", FileKind::Brukare),
        ("mappning.csv", FileKind::Mappning),
        ("konton.csv", FileKind::Konton),
        ("platser.csv", FileKind::Platser),
        ("befolkning.csv", FileKind::Befolkning),
    ];
    let files: Vec<InputFile> = expect
        .iter()
        .map(|(n, _)| InputFile { name: n.to_string(), bytes: std::fs::read(format!("{dir}/{n}")).unwrap() })
        .collect();
    let data = load(&files, &ImportSettings::default());
    for (file, (name, kind)) in data.files.iter().zip(expect) {
        assert_eq!((file.name.as_str(), file.kind, file.status), (name, Some(kind), FileStatus::Read));
        assert_eq!(file.rows, file.rows_used, "{name}");
    }
    let errors: Vec<_> = data.findings.iter().filter(|f| f.severity == Severity::Fel).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn xlsx_is_read_directly() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Brukare").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write(0, 0, "Utdrag ur verksamhetssystemet 2026-01-10").unwrap();
    for (c, h) in ["Brukare", "Födelseår", "Kön", "Insats", "Enhet", "Beviljad tid", "Från", "Till"].iter().enumerate()
    {
        sheet.write(2, c as u16, *h).unwrap();
    }
    sheet.write(3, 0, "B1").unwrap();
    sheet.write(3, 1, 1938).unwrap();
    sheet.write(3, 2, "K").unwrap();
    sheet.write(3, 3, "Hemtjänst").unwrap();
    sheet.write(3, 4, "HT1").unwrap();
    sheet.write(3, 5, 42.25).unwrap();
    sheet.write(4, 0, "B2").unwrap();
    sheet.write(4, 3, "Särskilt boende").unwrap();
    sheet.write(4, 4, "SB1").unwrap();
    sheet.write_datetime_with_format(4, 6, ExcelDateTime::from_ymd(2025, 3, 1).unwrap(), &date).unwrap();
    sheet.write_datetime_with_format(4, 7, ExcelDateTime::from_ymd(2025, 3, 31).unwrap(), &date).unwrap();
    sheet.write(5, 0, "B3").unwrap();
    sheet.write(5, 3, "Hemtjänst").unwrap();
    sheet.write(5, 4, "HT1").unwrap();
    sheet.write(5, 5, "tolv").unwrap();
    let bytes = book.save_to_buffer().unwrap();

    let data = load(&[InputFile { name: "brukare.xlsx".into(), bytes }], &ImportSettings::default());
    let file = &data.files[0];
    assert_eq!(
        (file.kind, file.status, file.sheet.as_deref()),
        (Some(FileKind::Brukare), FileStatus::Read, Some("Brukare"))
    );
    assert_eq!(file.header_line, 3, "the header is on Excel row 3, below a title");
    assert_eq!(data.volumes.len(), 2);
    assert_eq!(data.volumes[0].insats, Insats::Hemtjanst);
    assert_eq!(data.volumes[0].volume(), Some(Decimal::new(4225, 2)));
    assert_eq!(data.clients[0].birth_year, Some(1938));
    match data.volumes[1].span() {
        Span::Stay { from, to } => {
            assert_eq!((from.to_string(), to.map(|t| t.to_string())), ("2025-03-01".into(), Some("2025-03-31".into())))
        }
        other => panic!("{other:?}"),
    }
    let bad = data.findings.iter().find(|f| f.kind.code() == "inte-ett-tal").unwrap();
    assert_eq!(bad.pos.to_string(), "brukare.xlsx, blad Brukare, rad 6, kolumn 6 (Beviljad tid)");
}
