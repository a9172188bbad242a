//! Reference data shipped with the tool: Kolada's catalogue for "Äldre och funktionshinder", its
//! municipalities and regions and its municipality groups (a March 2026 snapshot, see
//! `data/kolada/`), the historical KPB U-KPIs (no longer published by Kolada), and the public
//! KPB reference values of KPB.md §7 with their sources.
//!
//! The groups are four fifths of the lists' weight and are needed only for comparisons, so the
//! web app leaves them out of its WebAssembly (feature `kolada-groups` off) and gives them with
//! [`provide_groups`] once it has fetched the file ([`GROUPS_FILE`]). Built with the feature (the
//! default), the engine has them from the start.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

const CATALOGUE: &str = include_str!("../data/kolada/kpi-aldre-funktionshinder.tsv");
const MUNICIPALITIES: &str = include_str!("../data/kolada/kommuner.tsv");
/// Kolada's groups, when built in.
#[cfg(feature = "kolada-groups")]
const GROUPS: Option<&str> = Some(include_str!("../data/kolada/kommungrupper.tsv"));
#[cfg(not(feature = "kolada-groups"))]
const GROUPS: Option<&str> = None;
/// The 35 "KPB - …" KPIs as Kolada's April 2024 catalogue had them: the ids and titles of SKR's
/// method, absent from Kolada since 2025.
const KPB_KPIS: &str = include_str!("../data/kpb-kpis-2024.tsv");

/// Where the shipped catalogue and lists come from, for the user to read.
pub const KOLADA_SOURCE: &str = "Källa: Kolada (RKA), katalog, kommunlista och kommungrupper per mars 2026";

/// The N-KPIs of KPB.md §3b that the engine reproduces from a KPB data set.
pub const REPRODUCED: [&str; 15] = [
    "N21006", "N21009", "N21024", "N23009", "N23007", "N23001", "N21701", "N21704", "N23801", "N21706", "N21806",
    "N28013", "N28015", "N28008", "N25016",
];

/// A KPI of Kolada's catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kpi {
    pub id: &'static str,
    pub title: &'static str,
    /// Values per gender (T, K, M) exist.
    pub by_gender: bool,
    /// The latest year Kolada published; `None`: no longer published.
    pub publ_period: Option<i32>,
    /// Kolada has values per organisational unit (`ou`).
    pub has_ou_data: bool,
    pub perspective: &'static str,
}

fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines().skip(1).map(|l| l.split('\t').collect::<Vec<_>>())
}

/// Every KPI of Kolada's catalogue for "Äldre och funktionshinder".
pub fn catalogue() -> impl Iterator<Item = Kpi> {
    rows(CATALOGUE).filter(|r| r.len() >= 7).map(|r| Kpi {
        id: r[0],
        title: r[1],
        by_gender: r[3] == "True",
        publ_period: r[4].parse().ok(),
        has_ou_data: r[5] == "True",
        perspective: r[6],
    })
}

/// A KPI of Kolada's current catalogue.
pub fn kpi(id: &str) -> Option<Kpi> {
    catalogue().find(|k| k.id == id)
}

/// Whether Kolada publishes the KPI today (in the catalogue with a publication year).
pub fn is_published(id: &str) -> bool {
    kpi(id).is_some_and(|k| k.publ_period.is_some())
}

/// The historical KPB U-KPIs: (id, title).
pub fn kpb_kpis() -> impl Iterator<Item = (&'static str, &'static str)> {
    KPB_KPIS.lines().skip(1).filter_map(|l| l.split_once('\t'))
}

/// The title of one of the historical KPB U-KPIs.
pub fn kpb_kpi(id: &str) -> Option<&'static str> {
    kpb_kpis().find(|(k, _)| *k == id).map(|(_, t)| t)
}

/// Whether Kolada no longer publishes the KPI: a KPB U-KPI, or a catalogue KPI without a
/// publication year.
pub fn is_historical(id: &str) -> bool {
    kpb_kpi(id).is_some() || kpi(id).is_some_and(|k| k.publ_period.is_none())
}

/// The title of a KPI: Kolada's current one, else the historical KPB title.
pub fn kpi_title(id: &str) -> Option<&'static str> {
    kpi(id).map(|k| k.title).or_else(|| kpb_kpi(id))
}

/// A municipality, a region or Riket (`0000`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Municipality {
    /// Four digits, kept as text.
    pub id: &'static str,
    pub title: &'static str,
    /// A kommun (not a region or Riket).
    pub is_kommun: bool,
}

/// Every municipality and region of Kolada's list.
pub fn municipalities() -> impl Iterator<Item = Municipality> {
    rows(MUNICIPALITIES).filter(|r| r.len() >= 3).map(|r| Municipality {
        id: r[0],
        title: r[1],
        is_kommun: r[2] == "K",
    })
}

pub fn municipality(id: &str) -> Option<Municipality> {
    municipalities().find(|m| m.id == id)
}

/// A Kolada municipality group (SKR's kommungrupper, networks …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Starts with `G`.
    pub id: &'static str,
    pub title: &'static str,
    /// Member municipality ids.
    pub members: Vec<&'static str>,
}

/// Where the web app serves the list of groups from (a copy of `data/kolada/kommungrupper.tsv`),
/// relative to the app.
pub const GROUPS_FILE: &str = "kolada/kommungrupper.tsv";

/// Kolada's groups in the list's order, and where each id is.
struct Groups {
    list: Vec<Group>,
    by_id: std::collections::HashMap<&'static str, usize>,
}

impl Groups {
    fn read(tsv: &'static str) -> Groups {
        let list: Vec<Group> = rows(tsv)
            .filter(|r| r.len() >= 3)
            .map(|r| Group {
                id: r[0],
                title: r[1],
                members: r[2].split(',').map(str::trim).filter(|m| !m.is_empty()).collect(),
            })
            .collect();
        let by_id = list.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
        Groups { list, by_id }
    }
}

/// The groups given by [`provide_groups`].
static PROVIDED: std::sync::OnceLock<Groups> = std::sync::OnceLock::new();
/// The groups built in, read on first use.
static BUILT_IN: std::sync::OnceLock<Groups> = std::sync::OnceLock::new();

/// Gives the engine Kolada's groups: the text of [`GROUPS_FILE`]. Refused (with why, for the
/// console) when the text is not that list, such as a web server's page for a missing file;
/// once given, the groups stay (a second call changes nothing).
pub fn provide_groups(tsv: String) -> Result<(), String> {
    let header = tsv.trim_start_matches('\u{feff}').lines().next().map(str::trim_end);
    if header != Some("id\ttitle\tmembers") {
        return Err(format!("not Kolada's list of groups: {:?}", tsv.chars().take(40).collect::<String>()));
    }
    if groups_known() {
        return Ok(());
    }
    // Provided once in a process's life, and read as long as it lasts.
    PROVIDED.get_or_init(|| Groups::read(String::leak(tsv)));
    Ok(())
}

/// Whether the engine has Kolada's groups (built in, or given).
pub fn groups_known() -> bool {
    GROUPS.is_some() || PROVIDED.get().is_some()
}

fn known() -> Option<&'static Groups> {
    PROVIDED.get().or_else(|| GROUPS.map(|tsv| BUILT_IN.get_or_init(|| Groups::read(tsv))))
}

/// Every group of Kolada's list; none until the list is known ([`groups_known`]).
pub fn groups() -> impl Iterator<Item = &'static Group> {
    known().map_or(&[][..], |g| g.list.as_slice()).iter()
}

pub fn group(id: &str) -> Option<&'static Group> {
    known().and_then(|g| g.by_id.get(id).map(|&i| &g.list[i]))
}

/// A published reference value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Published {
    /// The KPB KPI it corresponds to.
    pub kpi: String,
    pub label: String,
    pub year: i32,
    pub value: Decimal,
    pub source: String,
}

const DET_FUNKAR: &str = "SKL, Det funkar! Erfarenheter från 7 kommuner som arbetar med KPB (2012)";
const SKL_JAMFORELSE: &str = "SKL:s årliga jämförelse av KPB-kommunerna";

/// KPB.md §7: means of the municipalities in the KPB comparison (one lowest value).
pub fn published() -> Vec<Published> {
    let p = |kpi: &str, label: &str, year: i32, value: i64, source: &str| Published {
        kpi: kpi.to_owned(),
        label: label.to_owned(),
        year,
        value: Decimal::from(value),
        source: source.to_owned(),
    };
    vec![
        p("U21003", "Medel KPB-kommunerna", 2010, 424, DET_FUNKAR),
        p("U21003", "Medel KPB-kommunerna", 2015, 461, SKL_JAMFORELSE),
        p("U21003", "Medel KPB-kommunerna", 2016, 472, SKL_JAMFORELSE),
        p("U23004", "Medel KPB-kommunerna", 2010, 1593, DET_FUNKAR),
        p("U23004", "Medel KPB-kommunerna", 2015, 1809, SKL_JAMFORELSE),
        p("U23004", "Medel KPB-kommunerna", 2016, 1880, SKL_JAMFORELSE),
        p("U28030", "Medel KPB-kommunerna", 2011, 2491, DET_FUNKAR),
        p("U28030", "Lägsta kommun", 2011, 1635, DET_FUNKAR),
        p("U25005", "Medel KPB-kommunerna", 2010, 76, DET_FUNKAR),
        p("U25005", "Medel KPB-kommunerna", 2011, 78, DET_FUNKAR),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_kolada_2026() {
        // Counts and facts as the files in ../shared/domain/kolada/ state them.
        assert_eq!(catalogue().count(), 790);
        assert_eq!(catalogue().filter(|k| k.publ_period.is_none()).count(), 197);
        assert_eq!(kpi("N21006").map(|k| k.title), Some("Kostnad hemtjänst äldreomsorg, kr/hemtjänsttagare"));
        assert!(kpi("N21701").unwrap().by_gender);
        assert!(is_published("N28013"));
        // N04127 ended in 2024: in the catalogue, not published.
        assert!(!is_published("N04127") && is_historical("N04127"));
        // The KPB U-KPIs are gone from Kolada: historical, with their titles kept.
        assert!(kpi("U21003").is_none() && is_historical("U21003"));
        assert_eq!(kpi_title("U21003"), Some("KPB - Kostnad hemtjänst, egen regi, kr/beviljad timme"));
        assert_eq!(kpb_kpis().count(), 35);
        assert!(REPRODUCED.iter().all(|id| is_published(id)), "every reproduced N-KPI is published");
        assert!(published().iter().all(|p| kpb_kpi(&p.kpi).is_some()));
    }

    #[test]
    fn municipalities_and_groups_are_kolada_2026() {
        assert_eq!(municipalities().count(), 312);
        assert_eq!(municipalities().filter(|m| m.is_kommun).count(), 290);
        assert_eq!(municipality("0180").map(|m| m.title), Some("Stockholm"));
        assert_eq!(groups().count(), 3630);
        let four = groups().find(|g| g.title.starts_with("Fyrkommunsnätverket")).unwrap();
        assert_eq!((four.id, four.members.as_slice()), ("G114418", ["0682", "1499", "1885", "2081"].as_slice()));
        assert!(group("G92792").unwrap().title.starts_with("Pendlingskommun nära större stad"));
    }

    #[test]
    fn a_list_of_groups_is_read_in_its_order_and_found_by_id() {
        let read = Groups::read("id\ttitle\tmembers\nG2\tTvå\t0180, 1480,\nG1\tEn\t\nkort\trad\n");
        let titles: Vec<_> = read.list.iter().map(|g| (g.id, g.title, g.members.clone())).collect();
        assert_eq!(titles, [("G2", "Två", vec!["0180", "1480"]), ("G1", "En", vec![])]);
        assert_eq!(read.by_id.get("G1"), Some(&1));
    }

    #[test]
    fn only_the_list_of_groups_is_taken_as_it() {
        // What a web server may answer for a missing file, nothing, another list.
        for not in ["<!doctype html><html lang=\"sv\">", "", "id;title;members\n"] {
            assert!(provide_groups(not.to_owned()).is_err(), "{not:?}");
        }
        assert_eq!(provide_groups(include_str!("../data/kolada/kommungrupper.tsv").to_owned()), Ok(()));
        // Saved again with a BOM and Windows line ends, it is the list still.
        assert_eq!(provide_groups("\u{feff}id\ttitle\tmembers\r\nG1\tEn\t0180\r\n".to_owned()), Ok(()));
        assert!(groups_known());
    }
}
