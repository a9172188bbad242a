//! No personnummer survives import: not in the data set, not in the report, not in a preview,
//! not quoted in a finding, not in an export. (The numbers below have wrong check digits, so no
//! real person has them.)

use kpb::export::{Meta, csv, tables};
use kpb::{ImportSettings, InputFile, Settings, compute, load};

const PNR: [&str; 3] = ["19380412-4321", "194208012345", "193111111119"];

#[test]
fn personnummer_are_gone_after_import() {
    let brukare = format!(
        "Personnummer;Födelseår;Kön;Insats;Enhet;Beviljad tid;Period\n\
         {a};1938;K;Hemtjänst;HT1;12;2025-01\n\
         {b};;;Hemtjänst;HT1;19311111-1119;2025-01\n\
         {b};;;{a};HT1;3;2025-02\n\
         {c};;;Hemtjänst;HT2;7;2025-01\n",
        a = PNR[0],
        b = PNR[1],
        c = PNR[2]
    );
    let kostnader = format!(
        "Ansvar;Konto;Belopp;Insats;Brukare\nHT1;5011;100 000;Hemtjänst;{}\nHT2;5011;50 000;Hemtjänst;\n",
        PNR[2]
    );
    let files = [
        InputFile { name: "brukare.csv".into(), bytes: brukare.into_bytes() },
        InputFile { name: "kostnader.csv".into(), bytes: kostnader.into_bytes() },
    ];
    let settings =
        ImportSettings { pseudonym_key: b"session".to_vec(), reference_year: 2026, ..ImportSettings::default() };
    let data = load(&files, &settings);
    let report = compute(&data, &Settings::default());
    // The quoted number in the bad cell and the unknown insats are findings – with pseudonyms.
    assert!(report.findings.iter().any(|f| f.kind.code() == "inte-ett-tal"));
    assert!(report.findings.iter().any(|f| f.kind.code() == "okand-insats"));
    let mut everything = serde_json::to_string(&data).unwrap();
    everything.push_str(&serde_json::to_string(&report).unwrap());
    for table in tables(&report, &Meta::default()) {
        everything.push_str(&String::from_utf8(csv(&table)).unwrap());
    }
    for pnr in PNR {
        let digits: String = pnr.chars().filter(char::is_ascii_digit).collect();
        assert!(!everything.contains(pnr), "{pnr} survived");
        assert!(!everything.contains(&digits[2..]), "{pnr} survived as digits");
    }
    // Birth year and sex were read off the number before it went.
    let client = report.clients.iter().find(|c| c.age == Some(94)).expect("born 1931, computed for 2025");
    assert_eq!(client.kon, Some(kpb::model::Kon::Man));
}
