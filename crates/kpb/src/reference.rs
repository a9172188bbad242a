//! Reference data shipped with the tool: Kolada's KPI catalogue for KPB and elderly/disability
//! costs, and the public reference values of KPB.md §7 with their sources.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Kolada's KPI list (id, title): a 2021 snapshot of Kolada's metadata for these areas.
const KPIS: &str = include_str!("../data/kolada-kpis.tsv");

/// The title of a Kolada KPI, if the bundled catalogue has it.
pub fn kpi_title(id: &str) -> Option<&'static str> {
    KPIS.lines().skip(1).filter_map(|l| l.split_once('\t')).find(|(k, _)| *k == id).map(|(_, t)| t)
}

/// Every KPI of the bundled catalogue.
pub fn kpis() -> impl Iterator<Item = (&'static str, &'static str)> {
    KPIS.lines().skip(1).filter_map(|l| l.split_once('\t'))
}

/// A published reference value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Published {
    /// The Kolada KPI it corresponds to.
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
    fn the_catalogue_knows_the_kpb_figures() {
        assert_eq!(kpi_title("U21003"), Some("KPB - Kostnad hemtjänst, egen regi, kr/beviljad timme"));
        assert_eq!(kpi_title("U99999"), None);
        assert_eq!(kpis().count(), 119);
        assert!(published().iter().all(|p| kpi_title(&p.kpi).is_some()));
    }
}
