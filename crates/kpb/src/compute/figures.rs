//! The KPB nyckeltal of KPB.md §3 that the data allows. One table, [`NYCKELTAL`], says what each
//! figure is — id, name, unit, definition, what it includes and excludes, what its numerator and
//! denominator count — and how it is counted (a [`Measure`]); one function per kind of measure
//! counts it. For a figure the data does not allow, what is missing.
//!
//! Every ratio over a group is Σ numerator / Σ denominator.

use crate::date::days_in_year;
use crate::import::Dataset;
use crate::model::lower_first;
use crate::model::{Insats, Regi, Scope, VolumeKind, VolumeUnit};
use crate::report::{ClientCost, ClientLine, EnhetValue, FigureUnit, InsatsSummary, Nyckeltal, UnitCost, Ytterfall};
use crate::settings::Settings;
use crate::steps::unit_costs::UnitCosts;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};

use Insats::*;

/// One nyckeltal: what it is, and how it is counted. A text left empty is worded by the measure
/// from the data (the volume basis, the scope, the year, what is missing).
struct Def {
    id: &'static str,
    name: &'static str,
    unit: FigureUnit,
    definition: &'static str,
    includes: &'static str,
    excludes: &'static str,
    /// What the numerator and the denominator count.
    numerator: &'static str,
    denominator: &'static str,
    /// What is said when there is nothing to divide by.
    missing: &'static str,
    measure: Measure,
}

/// How a nyckeltal is counted.
#[derive(Clone, Copy)]
enum Measure {
    /// Σ cost of some insatser ÷ Σ volume of one, also per enhet.
    UnitCost(UnitSpec),
    /// Clients above the scope's ytterfall threshold ÷ clients with a cost in the scope, %.
    Ytterfall(Scope),
    /// Σ cost on the insatser (all insatser when none) ÷ the clients with such a cost.
    PerClient(&'static [Insats]),
    /// Volume in annan regi ÷ all volume of the insats, %.
    AnnanShare(Insats),
    /// Volume of the insats ÷ the clients with such volume.
    VolumePerClient(Insats),
    /// Cost on the insatser ÷ cost of all insatser within LSS and SFB, %.
    ShareOfLssSfb(&'static [Insats]),
    /// Volume of the clients 65 or older ÷ all volume of the insats, %.
    VolumeShareFrom65(Insats),
    /// Volume of the insats, all regi ÷ inhabitants 80 or older.
    PerInhabitant80(Insats),
    /// Särskilt boende in egen regi against its places.
    Places(PlaceFigure),
    /// (Net KPB cost − the standardkostnad set) ÷ the standardkostnad, %.
    Standardkostnad,
}

/// A cost per volume unit: Σ cost of `num` ÷ Σ volume of `den`.
#[derive(Clone, Copy)]
struct UnitSpec {
    num: &'static [Insats],
    den: Insats,
    /// Clients this old or older only.
    min_age: Option<u32>,
    /// Deduct assistansersättning.
    net: bool,
    /// Include annan regi (what was paid).
    all_regi: bool,
    /// Must be granted volume.
    granted: bool,
}

#[derive(Clone, Copy)]
enum PlaceFigure {
    /// Cost per place.
    Cost,
    /// Occupied dygn ÷ (places × the year's days), %.
    Occupancy,
    /// Clients during the year ÷ places.
    Turnover,
}

impl Measure {
    /// The insatser the figure is counted from (to find the rows behind it).
    fn insatser(self) -> Vec<Insats> {
        match self {
            Measure::UnitCost(spec) => {
                let mut insatser: Vec<Insats> = spec.num.iter().copied().chain([spec.den]).collect();
                insatser.dedup();
                insatser
            }
            Measure::PerClient(insatser) | Measure::ShareOfLssSfb(insatser) => insatser.to_vec(),
            Measure::AnnanShare(i)
            | Measure::VolumePerClient(i)
            | Measure::VolumeShareFrom65(i)
            | Measure::PerInhabitant80(i) => vec![i],
            Measure::Places(_) => vec![SarskiltBoende],
            Measure::Ytterfall(_) | Measure::Standardkostnad => Vec::new(),
        }
    }
}

/// A figure of the clients' cost per client.
const fn per_client(id: &'static str, name: &'static str, insatser: &'static [Insats], includes: &'static str) -> Def {
    Def {
        id,
        name,
        unit: FigureUnit::KrPerBrukare,
        definition: "Summa kostnad delad med antal brukare med kostnad.",
        includes,
        excludes: "",
        numerator: "Kostnad, kr",
        denominator: "Brukare",
        missing: "Saknas underlag: inga brukare med insatsen.",
        measure: Measure::PerClient(insatser),
    }
}

/// A figure of an insats' share of the cost within LSS and SFB.
const fn share_of_lss_sfb(id: &'static str, name: &'static str, insatser: &'static [Insats]) -> Def {
    Def {
        id,
        name,
        unit: FigureUnit::Procent,
        definition: "Kostnad för insatsen delad med all kostnad för insatser enligt LSS och personlig assistans SFB.",
        includes: "Egen och annan regi, kostnad före assistansersättning.",
        excludes: "",
        numerator: "Kostnad för insatsen, kr",
        denominator: "Kostnad LSS och SFB, kr",
        missing: "Saknas underlag: inga kostnader inom LSS och SFB.",
        measure: Measure::ShareOfLssSfb(insatser),
    }
}

/// A figure of särskilt boende against its places.
const fn places(
    id: &'static str,
    name: &'static str,
    unit: FigureUnit,
    definition: &'static str,
    numerator: &'static str,
    denominator: &'static str,
    figure: PlaceFigure,
) -> Def {
    Def {
        id,
        name,
        unit,
        definition,
        includes: "Boenden i egen regi som har platser angivna.",
        excludes: "Annan regi.",
        numerator,
        denominator,
        missing: "Saknas underlag: läs in en fil med platser per boende (Enhet, Platser).",
        measure: Measure::Places(figure),
    }
}

/// Every KPB nyckeltal, in the order shown.
const NYCKELTAL: &[Def] = &[
    Def {
        id: "U21003",
        name: "Kostnad hemtjänst, egen regi, kr/beviljad timme",
        unit: FigureUnit::KrPer(VolumeUnit::Timme),
        definition: "Kostnad för hemtjänst i egen regi delad med beviljade timmar.",
        includes: "Hemtjänst (service och omvårdnad) i egen regi, alla åldrar, med fördelade gemensamma kostnader.",
        excludes: "Delegerad hälso- och sjukvård, boendestöd, annan regi.",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::UnitCost(UnitSpec {
            num: &[Hemtjanst],
            den: Hemtjanst,
            min_age: None,
            net: false,
            all_regi: false,
            granted: true,
        }),
    },
    Def {
        id: "U21005",
        name: "Kostnad korttidsboende, egen regi, kr/dygn",
        unit: FigureUnit::KrPer(VolumeUnit::Dygn),
        definition: "Kostnad för korttidsboende i egen regi delad med antal dygn.",
        includes: "Korttidsboende/korttidsvård i egen regi.",
        excludes: "Korttidsvistelse LSS, annan regi.",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::UnitCost(UnitSpec {
            num: &[Korttidsboende],
            den: Korttidsboende,
            min_age: None,
            net: false,
            all_regi: false,
            granted: false,
        }),
    },
    Def {
        id: "U23004",
        name: "Kostnad särskilt boende, egen regi, kr/dygn",
        unit: FigureUnit::KrPer(VolumeUnit::Dygn),
        definition: "Kostnad för särskilt boende (SoL och HSL) i egen regi delad med antal dygn i särskilt boende.",
        includes: "Särskilt boende i egen regi, även HSL-insatser i särskilt boende, alla åldrar.",
        excludes: "Boende för personer med psykisk funktionsnedsättning, servicehus (boende utan heldygnsomsorg), annan regi.",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::UnitCost(UnitSpec {
            num: &[SarskiltBoende, HslSarskiltBoende],
            den: SarskiltBoende,
            min_age: None,
            net: false,
            all_regi: false,
            granted: false,
        }),
    },
    Def {
        id: "U23008",
        name: "Kostnad för HSL-insatser i särskilt boende, egen regi, kr/dygn",
        unit: FigureUnit::KrPer(VolumeUnit::Dygn),
        definition: "Kostnad för HSL-insatser i särskilt boende i egen regi delad med antal dygn.",
        includes: "HSL-insatser i särskilt boende, egen regi.",
        excludes: "Annan regi.",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::UnitCost(UnitSpec {
            num: &[HslSarskiltBoende],
            den: HslSarskiltBoende,
            min_age: None,
            net: false,
            all_regi: false,
            granted: false,
        }),
    },
    Def {
        id: "U25011",
        name: "Kostnad boende psykiskt funktionsnedsättning, egen regi, kr/dygn",
        unit: FigureUnit::KrPer(VolumeUnit::Dygn),
        definition: "Kostnad för boende för personer med psykisk funktionsnedsättning i egen regi delad med antal dygn.",
        includes: "Boende enligt SoL för personer med psykisk funktionsnedsättning, egen regi.",
        excludes: "Annan regi.",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::UnitCost(UnitSpec {
            num: &[BoendePsykiskFunk],
            den: BoendePsykiskFunk,
            min_age: None,
            net: false,
            all_regi: false,
            granted: false,
        }),
    },
    Def {
        id: "U25005",
        name: "Nettotimkostnad personlig assistans SFB, egen regi, kr/timme",
        unit: FigureUnit::KrPer(VolumeUnit::Timme),
        definition: "(Kostnad för personlig assistans SFB − assistansersättning från Försäkringskassan) delad med timmar, egen regi.",
        includes: "Egen regi, alla brukare, även kommunens kostnad för de första 20 timmarna per vecka.",
        excludes: "Personlig assistans enligt LSS, annan regi.",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::UnitCost(UnitSpec {
            num: &[PersonligAssistansSfb],
            den: PersonligAssistansSfb,
            min_age: None,
            net: true,
            all_regi: false,
            granted: false,
        }),
    },
    Def {
        id: "U25012",
        name: "Kostnad personlig assistans SFB brutto, egen regi, kr/timme",
        unit: FigureUnit::KrPer(VolumeUnit::Timme),
        definition: "Kostnad för personlig assistans SFB delad med timmar, egen regi, före avdrag för assistansersättning.",
        includes: "Egen regi, alla brukare.",
        excludes: "Personlig assistans enligt LSS, annan regi.",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::UnitCost(UnitSpec {
            num: &[PersonligAssistansSfb],
            den: PersonligAssistansSfb,
            min_age: None,
            net: false,
            all_regi: false,
            granted: false,
        }),
    },
    Def {
        id: "U26012",
        name: "Kostnad boendestöd enligt KPB, kr/timme",
        unit: FigureUnit::KrPer(VolumeUnit::Timme),
        definition: "Kostnad för boendestöd delad med timmar.",
        includes: "Boendestöd enligt SoL, egen och annan regi (annan regi med vad som betalats).",
        excludes: "Hemtjänst.",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::UnitCost(UnitSpec {
            num: &[Boendestod],
            den: Boendestod,
            min_age: None,
            net: false,
            all_regi: true,
            granted: false,
        }),
    },
    Def {
        id: "U28030",
        name: "Kostnad gruppboende LSS för vuxna, egen regi, kr/dygn",
        unit: FigureUnit::KrPer(VolumeUnit::Dygn),
        definition: "Kostnad för gruppbostad LSS i egen regi för brukare 18 år och äldre delad med deras dygn.",
        includes: "Gruppbostad för vuxna, egen regi, brukare 18 år och äldre (och brukare utan känd ålder).",
        excludes: "Bostad för barn, servicebostad, annat särskilt anpassat boende, annan regi.",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::UnitCost(UnitSpec {
            num: &[Gruppbostad],
            den: Gruppbostad,
            min_age: Some(18),
            net: false,
            all_regi: false,
            granted: false,
        }),
    },
    Def {
        id: "U28031",
        name: "Kostnad daglig verksamhet LSS, egen regi, kr/dag",
        unit: FigureUnit::KrPer(VolumeUnit::Dag),
        definition: "Kostnad för daglig verksamhet i egen regi delad med antal dagar.",
        includes: "Daglig verksamhet LSS, egen regi.",
        excludes: "Annan regi.",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::UnitCost(UnitSpec {
            num: &[DagligVerksamhet],
            den: DagligVerksamhet,
            min_age: None,
            net: false,
            all_regi: false,
            granted: false,
        }),
    },
    Def {
        id: "U28032",
        name: "Kostnad servicebostad LSS, egen regi, kr/dygn",
        unit: FigureUnit::KrPer(VolumeUnit::Dygn),
        definition: "Kostnad för servicebostad i egen regi delad med antal dygn.",
        includes: "Servicebostad LSS, egen regi.",
        excludes: "Gruppbostad, annan regi.",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::UnitCost(UnitSpec {
            num: &[Servicebostad],
            den: Servicebostad,
            min_age: None,
            net: false,
            all_regi: false,
            granted: false,
        }),
    },
    Def {
        id: "U28096",
        name: "Kostnad korttidsvistelse enligt LSS, egen regi, kr/dygn",
        unit: FigureUnit::KrPer(VolumeUnit::Dygn),
        definition: "Kostnad för korttidsvistelse i egen regi delad med antal dygn.",
        includes: "Korttidsvistelse LSS, egen regi.",
        excludes: "Korttidsboende SoL, annan regi.",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::UnitCost(UnitSpec {
            num: &[Korttidsvistelse],
            den: Korttidsvistelse,
            min_age: None,
            net: false,
            all_regi: false,
            granted: false,
        }),
    },
    Def {
        id: "U21002",
        name: "Ytterfall ordinärt boende, andel brukare (%)",
        unit: FigureUnit::Procent,
        definition: "Andel brukare i ordinärt boende med insatser enligt SoL/HSL vars kostnad för året överstiger gränsen.",
        includes: "",
        excludes: "Personlig assistans SFB.",
        numerator: "Brukare över gränsen",
        denominator: "",
        missing: "",
        measure: Measure::Ytterfall(Scope::Ordinart),
    },
    Def {
        id: "KPB-YTTERFALL-SABO",
        name: "Ytterfall särskilt boende, andel brukare (%)",
        unit: FigureUnit::Procent,
        definition: "Andel brukare i särskilt boende (SoL/HSL) vars kostnad för året överstiger gränsen.",
        includes: "",
        excludes: "Personlig assistans SFB.",
        numerator: "Brukare över gränsen",
        denominator: "",
        missing: "",
        measure: Measure::Ytterfall(Scope::Sarskilt),
    },
    Def {
        id: "U28029",
        name: "Ytterfall insatser inom LSS, andel brukare (%)",
        unit: FigureUnit::Procent,
        definition: "Andel brukare med insatser enligt LSS vars kostnad för året överstiger gränsen.",
        includes: "",
        excludes: "Personlig assistans SFB.",
        numerator: "Brukare över gränsen",
        denominator: "",
        missing: "",
        measure: Measure::Ytterfall(Scope::Lss),
    },
    per_client(
        "U28033",
        "Kostnad insatser inom LSS, kr/brukare",
        Insats::LSS,
        "Alla insatser enligt LSS, egen och annan regi.",
    ),
    per_client(
        "U28012",
        "Kostnad bostad med särskild service LSS för barn, ungdomar eller vuxna, kr/brukare",
        &[Gruppbostad, Servicebostad, BostadBarn],
        "Gruppbostad, servicebostad och bostad för barn och ungdomar, egen och annan regi.",
    ),
    per_client(
        "U28014",
        "Kostnad daglig verksamhet LSS, egen och annan regi, kr/brukare",
        &[DagligVerksamhet],
        "Daglig verksamhet, egen och annan regi.",
    ),
    per_client(
        "U28060",
        "Kostnad personlig assistans LSS, kr/brukare",
        &[PersonligAssistansLss],
        "Personlig assistans enligt LSS, egen och annan regi.",
    ),
    per_client("U25009", "Kostnad boendestöd, kr/brukare", &[Boendestod], "Boendestöd, egen och annan regi."),
    per_client(
        "KPB-BRUKARE",
        "Kostnad per brukare och år, alla insatser",
        &[],
        "Alla insatser och brukare i underlaget, egen och annan regi. Eget nyckeltal.",
    ),
    Def {
        id: "U21015",
        name: "Hemtjänst i extern regi, andel (%)",
        unit: FigureUnit::Procent,
        definition: "Volym i annan regi delad med all volym, hemtjänst.",
        includes: "",
        excludes: "",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::AnnanShare(Hemtjanst),
    },
    Def {
        id: "U21016",
        name: "Korttidsvården i extern regi, andel (%)",
        unit: FigureUnit::Procent,
        definition: "Volym i annan regi delad med all volym, korttidsboende.",
        includes: "",
        excludes: "",
        numerator: "",
        denominator: "",
        missing: "",
        measure: Measure::AnnanShare(Korttidsboende),
    },
    Def {
        id: "U21017",
        name: "Korttidsvård genomsnittligt, antal dygn",
        unit: FigureUnit::Antal(VolumeUnit::Dygn),
        definition: "Dygn i korttidsboende delat med antal brukare med korttidsboende.",
        includes: "Egen och annan regi.",
        excludes: "",
        numerator: "Dygn i korttidsboende",
        denominator: "Brukare",
        missing: "Saknas underlag: inga brukare i korttidsboende.",
        measure: Measure::VolumePerClient(Korttidsboende),
    },
    share_of_lss_sfb(
        "U25010",
        "Kostnad personlig assistans SFB, andel av total kostnad inom LSS och SFB, (%)",
        &[PersonligAssistansSfb],
    ),
    share_of_lss_sfb(
        "U28055",
        "Kostnad personlig assistans LSS, andel av total kostnad inom LSS och SFB, (%)",
        &[PersonligAssistansLss],
    ),
    share_of_lss_sfb("U28056", "Kostnad gruppbostad LSS, andel av total kostnad inom LSS och SFB, (%)", &[Gruppbostad]),
    share_of_lss_sfb(
        "U28057",
        "Kostnad servicebostad LSS, andel av total kostnad inom LSS och SFB, (%)",
        &[Servicebostad],
    ),
    share_of_lss_sfb(
        "U28058",
        "Kostnad daglig verksamhet LSS, andel av total kostnad inom LSS och SFB, (%)",
        &[DagligVerksamhet],
    ),
    share_of_lss_sfb(
        "U25013",
        "Kostnad övriga insatser LSS, andel av total kostnad inom LSS och SFB, (%)",
        &[BostadBarn, Korttidsvistelse, Korttidstillsyn, Ledsagarservice, Kontaktperson, Avlosarservice],
    ),
    Def {
        id: "U28019",
        name: "Andel dygn i gruppboende enligt LSS för personer 65 år och äldre, (%)",
        unit: FigureUnit::Procent,
        definition: "Dygn i gruppbostad för brukare 65 år och äldre delat med alla dygn i gruppbostad.",
        includes: "Egen och annan regi.",
        excludes: "",
        numerator: "Dygn, brukare 65 år och äldre",
        denominator: "Dygn i gruppbostad",
        missing: "Saknas underlag: inga dygn i gruppbostad.",
        measure: Measure::VolumeShareFrom65(Gruppbostad),
    },
    Def {
        id: "U21014",
        name: "Hemtjänsttimmar, antal timmar/inv 80+",
        unit: FigureUnit::PerInvanare(VolumeUnit::Timme),
        definition: "Beviljade hemtjänsttimmar (egen och annan regi) delat med antal invånare 80 år och äldre.",
        includes: "Alla åldrar bland brukarna; invånare 80 år och äldre i nämnaren.",
        excludes: "",
        numerator: "",
        denominator: "Invånare 80 år och äldre",
        missing: "",
        measure: Measure::PerInhabitant80(Hemtjanst),
    },
    Def {
        id: "U23005",
        name: "Dygn inom särskilt boende, antal dygn/inv 80+",
        unit: FigureUnit::PerInvanare(VolumeUnit::Dygn),
        definition: "Dygn i särskilt boende (egen och annan regi) delat med antal invånare 80 år och äldre.",
        includes: "Alla åldrar bland brukarna; invånare 80 år och äldre i nämnaren.",
        excludes: "",
        numerator: "",
        denominator: "Invånare 80 år och äldre",
        missing: "",
        measure: Measure::PerInhabitant80(SarskiltBoende),
    },
    places(
        "U23006",
        "Kostnad särskilt boende, egen regi, kr/plats",
        FigureUnit::KrPerPlats,
        "Kostnad för särskilt boende i egen regi delad med antal platser.",
        "Kostnad särskilt boende, kr",
        "Platser",
        PlaceFigure::Cost,
    ),
    places(
        "U23801",
        "Beläggningsgrad i särskilt boende, egen regi, andel (%)",
        FigureUnit::Procent,
        "Belagda dygn delat med platser gånger årets dagar.",
        "Belagda dygn",
        "",
        PlaceFigure::Occupancy,
    ),
    places(
        "U23802",
        "Omsättningsgrad i särskilt boende, egen regi, antal personer per plats och år",
        FigureUnit::PersonerPerPlats,
        "Antal brukare under året delat med antal platser.",
        "Brukare under året",
        "Platser",
        PlaceFigure::Turnover,
    ),
    Def {
        id: "KPB-STANDARD",
        name: "Avvikelse från standardkostnad, %",
        unit: FigureUnit::Procent,
        definition: "(Nettokostnad enligt KPB − standardkostnad) delat med standardkostnaden.",
        includes: "Alla brukares kostnad efter assistansersättning. Standardkostnaden anges under Inställningar.",
        excludes: "",
        numerator: "Nettokostnad − standardkostnad, kr",
        denominator: "Standardkostnad, kr",
        missing: "",
        measure: Measure::Standardkostnad,
    },
];

pub(super) fn nyckeltal(
    ds: &Dataset,
    settings: &Settings,
    year: i32,
    unit_costs: &UnitCosts,
    clients: &[ClientCost],
    insatser_of: &[u32],
    ytterfall: &[Ytterfall],
) -> Vec<Nyckeltal> {
    // The enheter of the clients' lines, numbered in the order of their codes (the order a
    // figure lists its enheter in): a line's enhet is looked up once here, not per figure.
    let mut number: FxHashMap<&str, u32> = FxHashMap::default();
    for l in clients.iter().flat_map(|c| &c.lines) {
        let next = number.len() as u32;
        number.entry(&*l.enhet).or_insert(next);
    }
    let mut enheter: Vec<&str> = number.keys().copied().collect();
    enheter.sort_unstable();
    for (i, e) in enheter.iter().enumerate() {
        number.insert(e, i as u32);
    }
    let mut lines: BTreeMap<Insats, Vec<Line>> = BTreeMap::new();
    for c in clients {
        for l in &c.lines {
            lines.entry(l.insats).or_default().push(Line { age: c.age, enhet: number[&*l.enhet], line: l });
        }
    }
    let units = &unit_costs.units;
    let names = units.iter().map(|u| (u.enhet.as_str(), u.enhet_name.as_str())).collect();
    let f = Figures {
        ds,
        settings,
        year,
        units,
        insatser: &unit_costs.insatser,
        clients,
        insatser_of,
        ytterfall,
        lines,
        enheter,
        names,
    };
    // The table's unit costs, then the tool's own for the insatser they leave out, then the rest.
    let unit_costs = NYCKELTAL.iter().take_while(|d| matches!(d.measure, Measure::UnitCost(_))).count();
    let (unit_cost_defs, rest) = NYCKELTAL.split_at(unit_costs);
    let mut out: Vec<Nyckeltal> = unit_cost_defs.iter().map(|def| f.count(def)).collect();
    out.extend(f.own_unit_costs());
    out.extend(rest.iter().map(|def| f.count(def)));
    out
}

struct Figures<'a> {
    ds: &'a Dataset,
    settings: &'a Settings,
    year: i32,
    units: &'a [UnitCost],
    insatser: &'a [InsatsSummary],
    clients: &'a [ClientCost],
    /// Each client's insatser ([`Insats::bits`]), beside `clients`.
    insatser_of: &'a [u32],
    ytterfall: &'a [Ytterfall],
    /// Every client line by insats: what the unit figures add up.
    lines: BTreeMap<Insats, Vec<Line<'a>>>,
    /// The enheter of the lines, in order ([`Line::enhet`] is a place here).
    enheter: Vec<&'a str>,
    /// Enhet code → name.
    names: BTreeMap<&'a str, &'a str>,
}

/// A client's line, with the client's age and the line's enhet by number.
struct Line<'a> {
    age: Option<u32>,
    enhet: u32,
    line: &'a ClientLine,
}

/// The figure `def` names, not yet counted.
fn empty(def: &Def) -> Nyckeltal {
    Nyckeltal {
        id: def.id.to_owned(),
        name: def.name.to_owned(),
        unit: def.unit,
        value: None,
        missing: None,
        definition: def.definition.to_owned(),
        includes: def.includes.to_owned(),
        excludes: def.excludes.to_owned(),
        numerator: Decimal::ZERO,
        numerator_label: def.numerator.to_owned(),
        denominator: Decimal::ZERO,
        denominator_label: def.denominator.to_owned(),
        by_enhet: Vec::new(),
        insatser: def.measure.insatser(),
        clients: None,
        basis: Default::default(),
        kpb: None,
        notes: Vec::new(),
    }
}

fn ratio(n: &mut Nyckeltal, num: Decimal, den: Decimal, scale: Decimal, missing: impl FnOnce() -> String) {
    n.numerator = num;
    n.denominator = den;
    if den.is_zero() {
        n.missing = Some(missing());
    } else {
        n.value = Some(num * scale / den);
    }
}

fn volume_label(insats: Insats, basis: VolumeKind) -> String {
    let unit = insats.unit().plural();
    match insats.unit() {
        crate::model::VolumeUnit::Timme => format!(
            "{} {unit}, {}",
            basis.name().replace("utförd", "utförda").replace("beviljad", "beviljade"),
            lower_first(insats.name())
        ),
        _ => format!("{unit}, {}", lower_first(insats.name())),
    }
}

impl Figures<'_> {
    /// The figure `def` says.
    fn count(&self, def: &Def) -> Nyckeltal {
        let mut n = empty(def);
        match def.measure {
            Measure::UnitCost(spec) => self.unit_cost(&mut n, &spec),
            Measure::Ytterfall(scope) => self.ytterfall(&mut n, scope),
            Measure::PerClient(insatser) => self.per_client(&mut n, insatser, def.missing),
            Measure::AnnanShare(insats) => self.annan_share(&mut n, insats),
            Measure::VolumePerClient(insats) => self.volume_per_client(&mut n, insats, def.missing),
            Measure::ShareOfLssSfb(insatser) => self.share_of_lss_sfb(&mut n, insatser, def.missing),
            Measure::VolumeShareFrom65(insats) => self.volume_share_from_65(&mut n, insats, def.missing),
            Measure::PerInhabitant80(insats) => self.per_inhabitant_80(&mut n, insats),
            Measure::Places(figure) => self.places(&mut n, figure, def.missing),
            Measure::Standardkostnad => self.standardkostnad(&mut n),
        }
        n
    }

    /// The clients with one of the insatser `want` ([`Insats::bits`]), without reading the
    /// others' lines.
    fn having(&self, want: u32) -> impl Iterator<Item = &ClientCost> {
        super::having(self.clients, self.insatser_of, want)
    }

    fn name(&self, code: &str) -> String {
        self.names.get(code).map_or(code, |n| n).to_owned()
    }

    fn basis(&self, insats: Insats) -> VolumeKind {
        self.insatser.iter().find(|s| s.insats == insats).map_or(VolumeKind::Utford, |s| s.basis)
    }

    fn unit_cost(&self, n: &mut Nyckeltal, spec: &UnitSpec) {
        let basis = self.basis(spec.den);
        n.numerator_label = format!(
            "Kostnad{} ({}), kr",
            if spec.net { " efter assistansersättning" } else { "" },
            spec.num.iter().map(|i| lower_first(i.name())).collect::<Vec<_>>().join(" och ")
        );
        n.denominator_label = volume_label(spec.den, basis);
        let has_any = self.units.iter().any(|u| u.insats == spec.den);
        if spec.granted && basis != VolumeKind::Beviljad && has_any {
            n.missing = Some(format!(
                "Saknas underlag: brukarstatistiken har ingen beviljad tid för {} (bara utförd).",
                lower_first(spec.den.name())
            ));
            return;
        }
        let regi_ok = |r: Regi| spec.all_regi || r == Regi::Egen;
        // Per enhet, from the clients' lines (so that an age limit can apply).
        let mut per_enhet: Vec<(Decimal, Decimal)> = vec![(Decimal::ZERO, Decimal::ZERO); self.enheter.len()];
        let mut insatser: Vec<Insats> = spec.num.to_vec();
        if !insatser.contains(&spec.den) {
            insatser.push(spec.den);
        }
        for insats in insatser {
            let lines = self.lines.get(&insats).map_or(&[][..], Vec::as_slice);
            for Line { age, enhet, line: l } in lines {
                if !regi_ok(l.regi) || spec.min_age.is_some_and(|min| age.is_some_and(|a| a < min)) {
                    continue;
                }
                let e = &mut per_enhet[*enhet as usize];
                if spec.num.contains(&insats) {
                    e.0 += l.cost + if spec.net { l.assistansersattning } else { Decimal::ZERO };
                }
                if insats == spec.den {
                    e.1 += l.volume;
                }
            }
        }
        let per_enhet: Vec<(&str, Decimal, Decimal)> = (self.enheter.iter().zip(per_enhet))
            .filter(|(_, (num, den))| !num.is_zero() || !den.is_zero())
            .map(|(e, (num, den))| (*e, num, den))
            .collect();
        n.by_enhet = per_enhet
            .iter()
            .map(|(e, num, den)| {
                let error = crate::steps::data_error(*num, *den);
                EnhetValue {
                    enhet: (*e).to_owned(),
                    enhet_name: self.name(e),
                    value: error.is_none().then(|| *num / *den),
                    numerator: *num,
                    denominator: *den,
                    error,
                }
            })
            .collect();
        // An enhet with a data error is left out of the municipality's ratio.
        let ok = per_enhet.iter().filter(|(_, num, den)| crate::steps::data_error(*num, *den).is_none());
        let (num, den) = ok.fold((Decimal::ZERO, Decimal::ZERO), |(n, d), v| (n + v.1, d + v.2));
        ratio(n, num, den, Decimal::ONE, || {
            if has_any {
                format!(
                    "Saknas underlag: ingen volym för {} i {}.",
                    lower_first(spec.den.name()),
                    if spec.all_regi { "brukarstatistiken" } else { "egen regi" }
                )
            } else {
                format!("Saknas underlag: inga uppgifter om {}.", lower_first(spec.den.name()))
            }
        });
    }

    /// A unit cost in egen regi for every insats with cells there that no figure of the table
    /// covers: the tool's own figures, for insatser Kolada never had a KPB figure for.
    fn own_unit_costs(&self) -> Vec<Nyckeltal> {
        let covered: BTreeSet<Insats> = NYCKELTAL
            .iter()
            .filter_map(|d| match d.measure {
                Measure::UnitCost(spec) => Some(spec.num),
                _ => None,
            })
            .flatten()
            .copied()
            .collect();
        let own = Insats::all()
            .filter(|i| !covered.contains(i))
            .filter(|i| self.units.iter().any(|u| u.insats == *i && u.regi == Regi::Egen));
        own.map(|insats| {
            let spec = UnitSpec {
                num: insats.alone(),
                den: insats,
                min_age: None,
                net: false,
                all_regi: false,
                granted: false,
            };
            let def = Def {
                id: "",
                name: "",
                unit: FigureUnit::KrPer(insats.unit()),
                definition: "",
                includes: "",
                excludes: "Annan regi.",
                numerator: "",
                denominator: "",
                missing: "",
                measure: Measure::UnitCost(spec),
            };
            let mut n = empty(&def);
            self.unit_cost(&mut n, &spec);
            // Its texts name the insats.
            n.id = format!("KPB-{}", insats.code());
            n.name = format!("Kostnad {}, egen regi, kr/{}", lower_first(insats.name()), insats.unit().singular());
            n.definition = format!(
                "Kostnad för {} i egen regi delad med antal {}.",
                lower_first(insats.name()),
                insats.unit().plural()
            );
            n.includes =
                format!("{}, egen regi. Eget nyckeltal: Kolada har inget KPB-nyckeltal för insatsen.", insats.name());
            n
        })
        .collect()
    }

    fn ytterfall(&self, n: &mut Nyckeltal, scope: Scope) {
        let Some(y) = self.ytterfall.iter().find(|y| y.scope == scope) else { return };
        n.includes = format!(
            "Egen och annan regi. Gräns: mer än {} kr per brukare och år (strikt större än). En brukares kostnad i området är summan av brukarens kostnader för insatser i området; en brukare som flyttat kan räknas i två områden.",
            crate::format::kr(y.threshold)
        );
        n.denominator_label = format!("Brukare med kostnad i {}", lower_first(scope.name()));
        ratio(n, Decimal::from(y.count), Decimal::from(y.clients), Decimal::ONE_HUNDRED, || {
            format!("Saknas underlag: inga brukare med kostnad i {}.", lower_first(scope.name()))
        });
    }

    fn per_client(&self, n: &mut Nyckeltal, insatser: &[Insats], missing: &str) {
        let mut cost = Decimal::ZERO;
        let mut clients = 0u32;
        let want = if insatser.is_empty() { u32::MAX } else { Insats::bits(insatser) };
        for c in self.having(want) {
            // (Of all insatser, the client's total: the same sum of the same lines in order.)
            let sum: Decimal = if insatser.is_empty() {
                c.total
            } else {
                c.lines.iter().filter(|l| insatser.contains(&l.insats)).map(|l| l.cost).sum()
            };
            if !sum.is_zero() {
                cost += sum;
                clients += 1;
            }
        }
        ratio(n, cost, Decimal::from(clients), Decimal::ONE, || missing.into());
    }

    fn annan_share(&self, n: &mut Nyckeltal, insats: Insats) {
        n.numerator_label = format!("{}, annan regi", volume_label(insats, self.basis(insats)));
        n.denominator_label = format!("{}, all regi", volume_label(insats, self.basis(insats)));
        let (mut annan, mut all) = (Decimal::ZERO, Decimal::ZERO);
        for u in self.units.iter().filter(|u| u.insats == insats) {
            all += u.volume;
            if u.regi == Regi::Annan {
                annan += u.volume;
            }
        }
        ratio(n, annan, all, Decimal::ONE_HUNDRED, || {
            format!("Saknas underlag: ingen volym för {}.", lower_first(insats.name()))
        });
    }

    fn volume_per_client(&self, n: &mut Nyckeltal, insats: Insats, missing: &str) {
        let (mut volume, mut clients) = (Decimal::ZERO, 0u32);
        for c in self.having(insats.bit()) {
            let v: Decimal = c.lines.iter().filter(|l| l.insats == insats).map(|l| l.volume).sum();
            if !v.is_zero() {
                volume += v;
                clients += 1;
            }
        }
        ratio(n, volume, Decimal::from(clients), Decimal::ONE, || missing.into());
    }

    fn share_of_lss_sfb(&self, n: &mut Nyckeltal, insatser: &[Insats], missing: &str) {
        let lss_sfb =
            Insats::all().filter(|i| matches!(i.scope(), Scope::Lss | Scope::Sfb)).fold(0, |b, i| b | i.bit());
        let lines = || self.having(lss_sfb).flat_map(|c| &c.lines);
        let all: Decimal =
            lines().filter(|l| matches!(l.insats.scope(), Scope::Lss | Scope::Sfb)).map(|l| l.cost).sum();
        let part: Decimal = lines().filter(|l| insatser.contains(&l.insats)).map(|l| l.cost).sum();
        ratio(n, part, all, Decimal::ONE_HUNDRED, || missing.into());
    }

    fn volume_share_from_65(&self, n: &mut Nyckeltal, insats: Insats, missing: &str) {
        let (mut old, mut all) = (Decimal::ZERO, Decimal::ZERO);
        for c in self.having(insats.bit()) {
            let v: Decimal = c.lines.iter().filter(|l| l.insats == insats).map(|l| l.volume).sum();
            all += v;
            if c.age.is_some_and(|a| a >= 65) {
                old += v;
            }
        }
        ratio(n, old, all, Decimal::ONE_HUNDRED, || missing.into());
    }

    fn per_inhabitant_80(&self, n: &mut Nyckeltal, insats: Insats) {
        n.numerator_label = volume_label(insats, self.basis(insats));
        let volume: Decimal = self.units.iter().filter(|u| u.insats == insats).map(|u| u.volume).sum();
        let rows: Vec<_> = self.ds.population.iter().filter(|r| r.from >= 80).collect();
        if rows.is_empty() {
            n.numerator = volume;
            n.missing = Some("Saknas underlag: läs in en fil med befolkning per ålder (Ålder, Antal).".into());
            return;
        }
        let population: Decimal = rows.iter().map(|r| r.antal).sum();
        ratio(n, volume, population, Decimal::ONE, || "Saknas underlag: befolkningen 80+ är noll.".into());
    }

    fn places(&self, n: &mut Nyckeltal, figure: PlaceFigure, missing: &str) {
        let mut places: BTreeMap<String, Decimal> = BTreeMap::new();
        for p in &self.ds.places {
            let code = self.ds.org.enhet(&p.enhet).map_or_else(|| p.enhet.clone(), |e| e.code.clone());
            *places.entry(code).or_default() += p.platser;
        }
        let sabo: Vec<&UnitCost> = self
            .units
            .iter()
            .filter(|u| u.regi == Regi::Egen && matches!(u.insats, SarskiltBoende | HslSarskiltBoende))
            .collect();
        let with_places = |u: &&&UnitCost| places.contains_key(&u.enhet);
        let enheter: BTreeSet<&str> =
            sabo.iter().filter(|u| u.insats == SarskiltBoende).map(|u| u.enhet.as_str()).collect();
        let n_places: Decimal = places.iter().filter(|(e, _)| enheter.contains(e.as_str())).map(|(_, p)| *p).sum();
        let clients = self
            .having(SarskiltBoende.bit())
            .filter(|c| {
                c.lines
                    .iter()
                    .any(|l| l.insats == SarskiltBoende && l.regi == Regi::Egen && places.contains_key(&*l.enhet))
            })
            .count();
        n.clients = Some(clients as u32);
        let missing = || missing.to_owned();
        match figure {
            PlaceFigure::Cost => {
                let cost: Decimal = sabo
                    .iter()
                    .filter(with_places)
                    .filter(|u| !u.volume.is_zero() || u.insats == HslSarskiltBoende)
                    .map(|u| u.total)
                    .sum();
                ratio(n, cost, n_places, Decimal::ONE, missing);
            }
            PlaceFigure::Occupancy => {
                let dygn: Decimal =
                    sabo.iter().filter(with_places).filter(|u| u.insats == SarskiltBoende).map(|u| u.volume).sum();
                let days = Decimal::from(days_in_year(self.year));
                n.denominator_label = format!("Platser × {days} dagar");
                ratio(n, dygn, n_places * days, Decimal::ONE_HUNDRED, missing);
            }
            PlaceFigure::Turnover => ratio(n, Decimal::from(clients as u64), n_places, Decimal::ONE, missing),
        }
    }

    fn standardkostnad(&self, n: &mut Nyckeltal) {
        let net: Decimal = self.clients.iter().map(|c| c.net()).sum();
        match self.settings.standardkostnad {
            Some(std) => {
                ratio(n, net - std, std, Decimal::ONE_HUNDRED, || "Saknas underlag: standardkostnaden är noll.".into())
            }
            None => n.missing = Some("Saknas underlag: ange standardkostnaden under Inställningar.".into()),
        }
    }
}
